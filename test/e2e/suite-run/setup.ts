// Runs in the e2e runner before code-server starts: a private containerd with one busybox image.
import { buildImage, ctrImport, startContainerd } from '../../harness';
import type { SuiteFixture } from '../runner/discover';
import { IMAGE, WEB_CMD } from './fixture';

export async function setup(): Promise<SuiteFixture> {
  const daemon = await startContainerd({ name: 'e2e-run' });
  try {
    await ctrImport(daemon, 'default', buildImage({ cmd: WEB_CMD, user: 'app' }), IMAGE);
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  return { env: { CONTAINERD_ADDRESS: daemon.address, E2E_CTRD_DIR: daemon.dir }, teardown: () => daemon.stop() };
}
