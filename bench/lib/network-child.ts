// The network benchmark's "ours" side, a whole process like `ctr run`: `node network-child.js <json>` connects,
// creates a busybox httpd on the CNI network `benchnet` (/etc/cni/net.d, /opt/cni/bin: ctr's dirs) with one
// published port, starts it, and exits once 127.0.0.1:<hostPort> serves the page.
import * as http from 'node:http';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadClientApi } from './client-api';

interface Args { address: string; namespace: string; id: string; runcRoot: string; hostPort: number; page: string; tmp: string }

function answers(port: number, page: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: 1_000, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve(body === page));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}

/** BENCH_NET_DEBUG=1: where the time goes, in ms since the process started. */
function step(what: string): void {
  if (process.env.BENCH_NET_DEBUG) console.error(`child: ${what} at ${performance.now().toFixed(0)} ms`);
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2]) as Args;
  const { api } = loadClientApi();
  step('client loaded');
  const client = await api.connect({ address: a.address, namespace: a.namespace });
  step('connected');
  try {
    await api.createContainer(client, {
      id: a.id, image: 'bench.local/net/web:1', args: ['busybox', 'httpd', '-f', '-p', '80', '-h', '/www'],
      network: 'benchnet', ports: [`${a.hostPort}:80`], cni: { confDir: '/etc/cni/net.d', binDirs: ['/opt/cni/bin'], stateDir: path.join(a.tmp, 'state') },
      runtimeOptions: api.runcRootOptions(a.runcRoot), logPath: path.join(a.tmp, 'logs', `${a.id}.log`),
    });
    step('created');
    await api.startContainer(client, a.id);
    step('started');
    const deadline = Date.now() + 30_000;
    while (!(await answers(a.hostPort, a.page))) {
      if (Date.now() > deadline) throw new Error(`127.0.0.1:${a.hostPort} did not answer`);
      await new Promise((r) => setTimeout(r, 5));
    }
    step('answered');
  } finally {
    client.close();
  }
}

// The started task's wait stays open in the handle: exit explicitly once the server answered.
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
