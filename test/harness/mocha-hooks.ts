// Mocha root hooks (see .mocharc.integration.json): say which containerd runs; shared daemon and registry end with the run.
import { execFileSync } from 'node:child_process';
import { containerdFlavour } from './containerd-versions';
import { stopShared } from './shared';

export const mochaHooks = {
  beforeAll(): void {
    // Throws (the run fails, it does not skip) when CONTAINERD_TEST_VERSION names binaries that were not fetched.
    const flavour = containerdFlavour();
    const version = execFileSync(flavour.containerd, ['--version'], { encoding: 'utf8' }).trim();
    console.log(`  containerd under test (CONTAINERD_TEST_VERSION=${flavour.version}): ${version}`);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await stopShared();
  },
};
