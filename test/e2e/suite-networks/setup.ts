// Runs in the e2e runner before code-server starts: a private containerd for the networks suite. The suite writes
// CNI configs only (no interface, address or rule is made: that is the netns-only ui-network script's job).
import { startContainerd } from '../../harness';
import type { SuiteFixture } from '../runner/discover';

export async function setup(): Promise<SuiteFixture> {
  const daemon = await startContainerd({ name: 'e2e-networks' });
  return { env: { CONTAINERD_ADDRESS: daemon.address, E2E_CTRD_DIR: daemon.dir }, teardown: () => daemon.stop() };
}
