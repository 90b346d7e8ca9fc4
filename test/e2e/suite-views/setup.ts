// Runs in the e2e runner before code-server starts: a private containerd with the test images, a running
// container, a second namespace, and a loopback control endpoint through which the tests restart the daemon.
import * as http from 'http';
import type { AddressInfo } from 'net';
import { buildImage, ctrImport, startContainerd } from '../../harness';
import type { SuiteFixture } from '../runner/discover';
import { ctrRunFlags, IMAGE, OTHER_IMAGE, OTHER_NAMESPACE, RUNNING } from './fixture';

export async function setup(): Promise<SuiteFixture> {
  const daemon = await startContainerd({ name: 'e2e-views' });
  try {
    await ctrImport(daemon, 'default', buildImage({ cmd: ['sleep', '1000'], labels: { purpose: 'e2e views' } }), IMAGE);
    await ctrImport(daemon, OTHER_NAMESPACE, buildImage({ cmd: ['sh'], env: ['OTHER=1'] }), OTHER_IMAGE);
    const run = await daemon.ctr(['run', '-d', ...ctrRunFlags(daemon.dir), IMAGE, RUNNING, 'sleep', '1000'], { namespace: 'default' });
    if (run.code !== 0) throw new Error(`ctr run failed: ${run.stderr}`);
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  // POST /restart: restarts containerd on the same paths (its tasks survive, as in production).
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/restart') { res.writeHead(404).end(); return; }
    daemon.restart().then(() => res.writeHead(200).end('restarted'), (e: Error) => res.writeHead(500).end(e.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    env: { CONTAINERD_ADDRESS: daemon.address, E2E_CTRD_DIR: daemon.dir, E2E_CONTROL_URL: `http://127.0.0.1:${port}` },
    teardown: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await daemon.stop();
    },
  };
}
