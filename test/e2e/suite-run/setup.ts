// Runs in the e2e runner before code-server starts: a private containerd with one busybox image.
import { buildImage, ctrImport, startContainerd, startRegistry } from '../../harness';
import type { SuiteFixture } from '../runner/discover';
import { IMAGE, WEB_CMD } from './fixture';

export async function setup(): Promise<SuiteFixture> {
  const daemon = await startContainerd({ name: 'e2e-run' });
  // Push Image… pushes here (plain HTTP on 127.0.0.1).
  const registry = await startRegistry().catch(async (e: unknown) => { await daemon.stop(); throw e; });
  const teardown = async (): Promise<void> => { await registry.stop(); await daemon.stop(); };
  try {
    await ctrImport(daemon, 'default', buildImage({ cmd: WEB_CMD, user: 'app' }), IMAGE);
  } catch (e) {
    await teardown();
    throw e;
  }
  return { env: { CONTAINERD_ADDRESS: daemon.address, E2E_CTRD_DIR: daemon.dir, E2E_REGISTRY: registry.host }, teardown };
}
