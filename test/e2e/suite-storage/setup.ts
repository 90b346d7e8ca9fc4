// Runs in the e2e runner before code-server starts: a private containerd holding a used, an unused and a
// stopped container's image in `default`, a running container, a container without a task, and an image in k8s.io.
import { buildImage, ctrImport, startContainerd } from '../../harness';
import type { SuiteFixture } from '../runner/discover';
import { ctrRunFlags } from '../suite-views/fixture';
import { K8S_IMAGE, RUNNING, STOPPED, STOPPED_IMAGE, UNUSED_IMAGE, USED_IMAGE } from './fixture';

export async function setup(): Promise<SuiteFixture> {
  const daemon = await startContainerd({ name: 'e2e-storage' });
  try {
    // Distinct files per image, so each has layers of its own to free.
    await ctrImport(daemon, 'default', buildImage({ cmd: ['sleep', '1000'], layers: [{ files: { 'used.txt': 'used\n'.repeat(4000) } }] }), USED_IMAGE);
    await ctrImport(daemon, 'default', buildImage({ cmd: ['sh'], layers: [{ files: { 'unused.txt': 'unused\n'.repeat(8000) } }] }), UNUSED_IMAGE);
    await ctrImport(daemon, 'default', buildImage({ cmd: ['sh'], layers: [{ files: { 'stopped.txt': 'stopped\n'.repeat(6000) } }] }), STOPPED_IMAGE);
    await ctrImport(daemon, 'k8s.io', buildImage({ cmd: ['sh'], layers: [{ files: { 'pause.txt': 'pause\n' } }] }), K8S_IMAGE);
    const run = await daemon.ctr(['run', '-d', ...ctrRunFlags(daemon.dir), USED_IMAGE, RUNNING, 'sleep', '1000'], { namespace: 'default' });
    if (run.code !== 0) throw new Error(`ctr run failed: ${run.stderr}`);
    const create = await daemon.ctr(['containers', 'create', '--snapshotter', 'overlayfs', STOPPED_IMAGE, STOPPED, 'true'], { namespace: 'default' });
    if (create.code !== 0) throw new Error(`ctr containers create failed: ${create.stderr}`);
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  return {
    env: { CONTAINERD_ADDRESS: daemon.address, E2E_CTRD_DIR: daemon.dir },
    teardown: () => daemon.stop(),
  };
}
