// Benchmark of pull (registry -> content store -> unpacked snapshots) on a private containerd 1.6 and a private
// registry: a ≥ 200 MB image of incompressible gzip layers, pulled and unpacked alternately by our client (in a
// child node process, so its peak RSS is its own) and by `ctr images pull --plain-http`. Before every run the
// image's content and snapshots are checked absent (metadata and the content store's files); after it, present.
// 5 pairs by default; medians and the ratio ours/ctr (target <= 0.9); peak RSS of our process.
// Knobs: BENCH_PULL_PAIRS (5), BENCH_PULL_LAYERS (7), BENCH_PULL_LAYER_MB (30), BENCH_PULL_CONCURRENCY (3).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect, NotFoundError, type ContainerdClient } from '../src/containerd';
import type { ChildResult } from './lib/pull-child';
import { chainIds } from '../src/containerd/digest';
import { buildImage, pushImage, startContainerd, startRegistry, type OciImage } from '../test/harness';
import { loadNote, report, type BenchRow } from './lib/report';
import { median, ms } from './lib/stats';

const PAIRS = Number(process.env.BENCH_PULL_PAIRS ?? 5);
const LAYERS = Number(process.env.BENCH_PULL_LAYERS ?? 7);
const LAYER_MB = Number(process.env.BENCH_PULL_LAYER_MB ?? 30);
const CONCURRENCY = Number(process.env.BENCH_PULL_CONCURRENCY ?? 3);
const NAMESPACE = 'bench-pull';

const log = (line: string): void => console.log(`pull: ${line}`);

const CHILD = path.join(__dirname, 'lib', 'pull-child.js');
/** `cpuMs`: the client process's CPU; `daemonCpuMs`: containerd's during the run. */
interface Run { ms: number; cpuMs?: number; daemonCpuMs?: number; child?: ChildResult }

const CLOCK_TICK_MS = 10; // USER_HZ is 100 on Linux
/** CPU time (user + system) of a process so far, from /proc. */
function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}

function run(cmd: string, args: string[]): Promise<{ ms: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => { stdout += b.toString(); if (stdout.length > 1 << 20) stdout = stdout.slice(-65536); });
    p.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    p.on('error', reject);
    p.on('close', (code) => {
      const elapsed = performance.now() - t0;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`));
      else resolve({ ms: elapsed, stdout, stderr });
    });
  });
}

async function ours(address: string, reference: string): Promise<Run> {
  const r = await run(process.execPath, [CHILD, address, NAMESPACE, reference, String(CONCURRENCY)]);
  const line = r.stdout.split('\n').find((l) => l.startsWith('CHILD_RESULT '));
  if (!line) throw new Error(`our pull printed no result: ${r.stdout.slice(-2000)}`);
  const child = JSON.parse(line.slice('CHILD_RESULT '.length)) as ChildResult;
  return { ms: r.ms, cpuMs: child.cpuMs, child };
}

async function ctr(address: string, reference: string): Promise<Run> {
  const args = ['--address', address, '--namespace', NAMESPACE, 'images', 'pull', '--plain-http', reference];
  // /usr/bin/time reports ctr's own CPU; its start-up cost is a few ms, inside the measured time either way.
  const timed = fs.existsSync('/usr/bin/time');
  const r = timed ? await run('/usr/bin/time', ['-f', 'BENCH_CPU %U %S', 'ctr', ...args]) : await run('ctr', args);
  const cpu = /BENCH_CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { ms: r.ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined };
}

async function exists(check: () => Promise<unknown>): Promise<boolean> {
  try { await check(); return true; } catch (e) { if (e instanceof NotFoundError) return false; throw e; }
}

/** Deletes the image (GC, synchronously) and checks that none of its blobs or snapshots is left anywhere. */
async function clean(client: ContainerdClient, root: string, image: OciImage): Promise<void> {
  for (const img of await client.images.list()) await client.images.delete(img.name, { sync: true });
  for (const l of await client.leases.list()) await client.leases.delete(l.id, { sync: true });
  for (const s of await client.content.listStatuses()) await client.content.abort(s.ref);
  const blobsDir = path.join(root, 'io.containerd.content.v1.content', 'blobs', 'sha256');
  for (const digest of image.blobs.keys()) {
    if (await exists(() => client.content.info(digest))) throw new Error(`content ${digest} is still in the namespace`);
    if (fs.existsSync(path.join(blobsDir, digest.slice(7)))) throw new Error(`content ${digest} is still on disk`);
  }
  for (const chain of chainIds(image.config.rootfs.diff_ids)) {
    if (await exists(() => client.snapshots.stat(chain))) throw new Error(`snapshot ${chain} is still there`);
  }
}

async function checkPulled(client: ContainerdClient, image: OciImage, name: string): Promise<void> {
  const record = await client.images.get(name);
  if (record.target.digest !== image.manifestDescriptor.digest) throw new Error(`${name} points at ${record.target.digest}`);
  for (const digest of image.blobs.keys()) await client.content.info(digest);
  const top = chainIds(image.config.rootfs.diff_ids).pop() as string;
  if ((await client.snapshots.stat(top)).kind !== 'committed') throw new Error('the image is not unpacked');
}

async function main(): Promise<void> {
  const load = os.loadavg()[0];
  log(`building ${LAYERS} incompressible layers of ${LAYER_MB} MB…`);
  const image = buildImage({ incompressibleLayers: { count: LAYERS, bytesEach: LAYER_MB * 1_000_000 } });
  const compressed = image.layers.reduce((n, l) => n + l.descriptor.size, 0);
  const daemon = await startContainerd({ name: 'bench-pull' });
  const registry = await startRegistry();
  const reference = `${registry.host}/bench/big:v1`;
  const client = await connect({ address: daemon.address, namespace: NAMESPACE });
  const oursRuns: Run[] = [];
  const ctrRuns: Run[] = [];
  try {
    await pushImage(registry.host, 'bench/big', 'v1', image);
    log(`pushed ${reference}: ${image.layers.length} layers, ${(compressed / 1e6).toFixed(0)} MB compressed`);
    for (let i = 0; i < PAIRS; i++) {
      // Alternate who goes first, so neither always runs on a warmer page cache.
      const order: Array<['ours' | 'ctr', Run[]]> = i % 2 === 0 ? [['ours', oursRuns], ['ctr', ctrRuns]] : [['ctr', ctrRuns], ['ours', oursRuns]];
      for (const [who, runs] of order) {
        await clean(client, daemon.root, image);
        const daemonCpu0 = processCpuMs(daemon.pid);
        const r = who === 'ours' ? await ours(daemon.address, reference) : await ctr(daemon.address, reference);
        r.daemonCpuMs = processCpuMs(daemon.pid) - daemonCpu0;
        await checkPulled(client, image, reference);
        runs.push(r);
        log(`pair ${i + 1}: ${who} ${ms(r.ms)}${r.child ? ` (pull ${ms(r.child.pullMs)}, peak RSS ${(r.child.maxRssKb / 1024).toFixed(0)} MiB)` : ''}, client CPU ${ms(r.cpuMs)}, containerd CPU ${ms(r.daemonCpuMs)}`);
      }
    }
    await clean(client, daemon.root, image);
  } finally {
    client.close();
    await daemon.stop();
    await registry.stop();
  }
  const oursMs = median(oursRuns.map((r) => r.ms));
  const ctrMs = median(ctrRuns.map((r) => r.ms));
  const ratio = oursMs / ctrMs;
  const rssMiB = Math.max(...oursRuns.map((r) => (r.child?.maxRssKb ?? 0) / 1024));
  const mbps = (t: number): string => `${(compressed / 1e6 / (t / 1000)).toFixed(0)} MB/s`;
  const bundle = oursRuns.every((r) => r.child?.bundle);
  const rows: BenchRow[] = [
    { metric: `pull + unpack ${(compressed / 1e6).toFixed(0)} MB (median of ${PAIRS})`, ours: ms(oursMs), ctr: ms(ctrMs), ratio: ratio.toFixed(2), target: '<= 0.9', met: ratio <= 0.9 },
    { metric: 'throughput (compressed bytes)', ours: mbps(oursMs), ctr: mbps(ctrMs) },
    { metric: 'pull() alone, in the child (median)', ours: ms(median(oursRuns.map((r) => r.child?.pullMs ?? NaN))) },
    { metric: 'peak RSS of our process (max)', ours: `${rssMiB.toFixed(0)} MiB` },
    { metric: 'CPU of the client process (median)', ours: ms(median(oursRuns.map((r) => r.cpuMs ?? NaN))), ctr: ms(median(ctrRuns.map((r) => r.cpuMs ?? NaN))) },
    { metric: 'CPU of containerd during the run (median)', ours: ms(median(oursRuns.map((r) => r.daemonCpuMs ?? NaN))), ctr: ms(median(ctrRuns.map((r) => r.daemonCpuMs ?? NaN))) },
  ];
  report({
    bench: 'pull',
    title: `Pull of a ${(compressed / 1e6).toFixed(0)} MB image (${image.layers.length} gzip layers, ${LAYERS} incompressible), concurrency ${CONCURRENCY}, plain HTTP on 127.0.0.1`,
    rows,
    notes: [
      'each run starts with the image\'s content and snapshots absent (checked in containerd and in the content store\'s files) and ends with the image present and unpacked',
      'times are wall-clock of the whole process (node or ctr), start to exit',
      `our side ran ${bundle ? 'the shipped bundle dist/client.js' : 'the compiled sources (out/src; run `npm run build` for dist/client.js)'} in its own node process`,
      `${os.cpus().length} cores: containerd needs about the same CPU for both; ours overlaps unpack with the downloads (ctr 1.6 unpacks after fetching), which pays only while a core is idle`,
      loadNote(load),
    ],
    raw: { ours: oursRuns, ctr: ctrRuns, compressedBytes: compressed },
  });
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
