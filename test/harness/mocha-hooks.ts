// Mocha root hooks (see .mocharc.integration.json): say which containerd runs; shared daemon and registry end with the run.
// A test that failed once and passed on its retry (the config's `retries: 1`) is named as FLAKY, never hidden: real
// daemons under a loaded CI machine lose races a quiet one never shows, and scripts/test.mjs recaps these lines.
import { execFileSync } from 'node:child_process';
import Mocha from 'mocha';
import { containerdFlavour } from './containerd-versions';
import { stopShared } from './shared';

// A failed attempt that is retried is not a failed test to mocha, and its error is only on the runner's 'retry'
// event: print it, since a retry that then fails on the state the first attempt left (a record already deleted...)
// would otherwise be all the log shows.
const runnerEmit = Mocha.Runner.prototype.emit;
Mocha.Runner.prototype.emit = function (this: Mocha.Runner, event: string, ...args: unknown[]): boolean {
  if (event === Mocha.Runner.constants.EVENT_TEST_RETRY) {
    const [test, err] = args as [Mocha.Test, Error | undefined];
    console.log(`  RETRYING (attempt ${(test as unknown as { currentRetry(): number }).currentRetry() + 1} failed): ${test.fullTitle()}: ${err?.stack?.split('\n').slice(0, 4).join(' | ') ?? String(err)}`);
  }
  return runnerEmit.call(this, event, ...args);
};

export const mochaHooks = {
  beforeAll(): void {
    // Throws (the run fails, it does not skip) when CONTAINERD_TEST_VERSION names binaries that were not fetched.
    const flavour = containerdFlavour();
    const version = execFileSync(flavour.containerd, ['--version'], { encoding: 'utf8' }).trim();
    console.log(`  containerd under test (CONTAINERD_TEST_VERSION=${flavour.version}): ${version}`);
  },
  afterEach(this: Mocha.Context): void {
    const test = this.currentTest;
    // currentRetry() is public at run time; @types/mocha marks it protected.
    const retry = test ? (test as unknown as { currentRetry(): number }).currentRetry() : 0;
    if (test && test.state === 'passed' && retry > 0) console.log(`  FLAKY (passed on retry ${retry}): ${test.fullTitle()}`);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await stopShared();
  },
};
