// Benchmark of CNI networking: create + start a busybox httpd on a bridge network until it answers, ours vs
// `ctr run --cni -d` plus the same wait, each a whole process, on the same network setup, alternating pairs, medians,
// ratio ours/ctr (target <= 1.0). Ours publishes one port and waits on 127.0.0.1:<hostPort>; ctr 1.6 cannot publish
// ports, so its wait is on the container's address (from libcni's result cache), through the same conflist.
// Everything runs in a network and mount namespace of its own (re-exec under unshare): overlays on /etc and /var/lib
// and a tmpfs on /opt give ctr its fixed dirs (/etc/cni/net.d, /opt/cni/bin, /var/lib/cni) without touching the
// machine's; the private containerd starts inside. Knob: BENCH_NET_PAIRS (5).
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildImage, startContainerd, type Daemon } from '../test/harness';
import { loadClientApi } from './lib/client-api';
import { report } from './lib/report';
import { median, ms } from './lib/stats';

const PAIRS = Number(process.env.BENCH_NET_PAIRS ?? 5);
const NAMESPACE = 'bench-net';
const SUBNET = '10.88.9.0/24';
const PAGE = 'bench page\n';
const log = (line: string): void => console.log(`network: ${line}`);

/** Re-runs this file in new network + mount namespaces (private propagation) unless already there. */
function reexecInNamespaces(): boolean {
  if (process.env.BENCH_NET_INSIDE === '1') return false;
  const r = spawn('unshare', ['--net', '--mount', '--propagation', 'private', process.execPath, '--enable-source-maps', __filename],
    { stdio: 'inherit', env: { ...process.env, BENCH_NET_INSIDE: '1' } });
  r.on('close', (code) => process.exit(code ?? 1));
  return true;
}

/** ctr's fixed CNI dirs, made inside this mount namespace only (see the file comment). */
function privateCniDirs(tmp: string): void {
  const sh = (cmd: string, args: string[]): void => { execFileSync(cmd, args, { stdio: 'inherit' }); };
  sh('ip', ['link', 'set', 'lo', 'up']);
  for (const dir of ['/etc', '/var/lib']) {
    const upper = path.join(tmp, `upper${dir.replace(/\//g, '-')}`);
    const work = path.join(tmp, `work${dir.replace(/\//g, '-')}`);
    fs.mkdirSync(upper, { recursive: true });
    fs.mkdirSync(work, { recursive: true });
    sh('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${dir},upperdir=${upper},workdir=${work}`, dir]);
  }
  sh('mount', ['-t', 'tmpfs', 'tmpfs', '/opt']);
  fs.mkdirSync('/opt/cni/bin', { recursive: true });
  sh('mount', ['--bind', '/usr/lib/cni', '/opt/cni/bin']);
  fs.mkdirSync('/etc/cni/net.d', { recursive: true });
}

function httpOnce(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const http = require('node:http') as typeof import('node:http');
    const req = http.get({ host, port, path: '/', timeout: 1_000, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve(body === PAGE));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}

async function waitAnswer(host: () => string | undefined, port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const h = host();
    if (h && await httpOnce(h, port)) return;
    if (Date.now() > deadline) throw new Error(`no answer on ${h}:${port}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function runProcess(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    if (process.env.BENCH_NET_DEBUG) child.stderr.pipe(process.stderr);
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

/** Our side: a node process that creates + starts on the network with one published port and waits for it. */
async function ours(daemon: Daemon, runcRoot: string, tmp: string, id: string, hostPort: number): Promise<number> {
  const t0 = performance.now();
  await runProcess(process.execPath, [path.join(__dirname, 'lib', 'network-child.js'), JSON.stringify({ address: daemon.address, namespace: NAMESPACE, id, runcRoot, hostPort, page: PAGE, tmp })]);
  return performance.now() - t0;
}

/** The address libcni cached for a container ctr connected. */
function ctrAddress(id: string): string | undefined {
  const dir = '/var/lib/cni/results';
  const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.includes(`-${id}-`)) : undefined;
  if (!file) return undefined;
  const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { result?: { ips?: { address: string }[] } };
  return doc.result?.ips?.[0]?.address.split('/')[0];
}

async function ctr(daemon: Daemon, runcRoot: string, id: string): Promise<number> {
  const t0 = performance.now();
  await runProcess('ctr', ['--address', daemon.address, '--namespace', NAMESPACE, 'run', '--cni', '-d', '--runc-root', runcRoot,
    'bench.local/net/web:1', id, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/www']);
  await waitAnswer(() => ctrAddress(id), 80);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  if (reexecInNamespaces()) return;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-net-'));
  privateCniDirs(tmp);
  const { api } = loadClientApi();
  await api.network.createNetwork('/etc/cni/net.d', ['/opt/cni/bin'], { name: 'benchnet', subnet: SUBNET });
  const daemon = await startContainerd({ name: 'bench-net' });
  const client = await api.connect({ address: daemon.address, namespace: NAMESPACE });
  const runcRoot = path.join(daemon.dir, 'runc');
  const oursMs: number[] = [];
  const ctrMs: number[] = [];
  try {
    const image = buildImage({ layers: [{ files: { '/www/index.html': PAGE } }] });
    await api.importImage(client, api.mapSource(image.blobs), image.manifestDescriptor, 'bench.local/net/web:1');
    // One warm-up each: the bridge and the plugins' shared chains are made on the first ADD.
    log('image imported; warm-up');
    await ours(daemon, runcRoot, tmp, 'warm-ours', 8300);
    log('warm-up ours done');
    await ctr(daemon, runcRoot, 'warm-ctr');
    for (let i = 0; i < PAIRS; i++) {
      const pair = i % 2 === 0 ? ['ours', 'ctr'] : ['ctr', 'ours'];
      for (const side of pair) {
        if (side === 'ours') oursMs.push(await ours(daemon, runcRoot, tmp, `ours-${i}`, 8301 + i));
        else ctrMs.push(await ctr(daemon, runcRoot, `ctr-${i}`));
      }
      log(`pair ${i + 1}: ours ${ms(oursMs[oursMs.length - 1])}, ctr ${ms(ctrMs[ctrMs.length - 1])}`);
    }
  } finally {
    // Ours through deleteContainer (DEL, netns unmounted, state removed); ctr's go with the namespace.
    for (const c of await client.containers.list().catch(() => [])) {
      if (c.labels[api.network.NETWORK_STATE_LABEL]) await api.deleteContainer(client, c.id).catch(() => undefined);
    }
    client.close();
    await daemon.stop();
    // The mounts live in this namespace only; undone so the temp dir (overlay upper dirs, state) can go.
    for (const m of ['/opt/cni/bin', '/opt', '/var/lib', '/etc']) { try { execFileSync('umount', [m]); } catch { /* not mounted */ } }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const ratio = median(oursMs) / median(ctrMs);
  report({
    bench: 'network', title: 'Create + start on a CNI bridge network until the server answers (whole processes)',
    rows: [{ metric: 'create+start+answer, median', ours: ms(median(oursMs)), ctr: ms(median(ctrMs)), ratio: ratio.toFixed(2), target: '<= 1.00', met: ratio <= 1.0 }],
    notes: [`${PAIRS} alternating pairs after one warm-up each; ours publishes one port and waits on 127.0.0.1, ctr (no -p) waits on the container address`],
    raw: { oursMs, ctrMs },
  });
}

main().catch((e) => { console.error(e); process.exit(1); });
