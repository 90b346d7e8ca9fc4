// Mocha root hooks (see .mocharc.integration.json): shared daemon and registry end with the run.
import { stopShared } from './shared';

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await stopShared();
  },
};
