// Runs in the e2e runner before code-server starts: a private containerd with one busybox image.
import { buildImage, buildMultiPlatformIndex, ctrImport, pushImage, startContainerd, startRegistry } from '../../harness';
import type { SuiteFixture } from '../runner/discover';
import { IMAGE, MULTI_REPO, WEB_CMD } from './fixture';

export async function setup(): Promise<SuiteFixture> {
  const daemon = await startContainerd({ name: 'e2e-run' });
  // Push Image… pushes here (plain HTTP on 127.0.0.1).
  const registry = await startRegistry().catch(async (e: unknown) => { await daemon.stop(); throw e; });
  const teardown = async (): Promise<void> => { await registry.stop(); await daemon.stop(); };
  try {
    await ctrImport(daemon, 'default', buildImage({ cmd: WEB_CMD, user: 'app' }), IMAGE);
    const arch = (architecture: string, variant?: string) => ({ os: 'linux', architecture, ...(variant ? { variant } : {}) });
    await pushImage(registry.host, MULTI_REPO, '1', buildMultiPlatformIndex([
      { platform: arch('amd64'), image: buildImage({ platform: arch('amd64'), base: false, layers: [{ files: { '/arch': 'amd64\n' } }] }) },
      { platform: arch('arm64', 'v8'), image: buildImage({ platform: arch('arm64', 'v8'), base: false, layers: [{ files: { '/arch': 'arm64\n' } }] }) },
    ]));
  } catch (e) {
    await teardown();
    throw e;
  }
  return { env: { CONTAINERD_ADDRESS: daemon.address, E2E_CTRD_DIR: daemon.dir, E2E_REGISTRY: registry.host }, teardown };
}
