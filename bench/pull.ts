// Benchmark of pull (registry -> content store -> unpacked snapshots) against `ctr images pull --plain-http`, on
// containerd 1.6 (the system's; our client-side pull, as ctr 1.6's) and containerd 2.x (CONTAINERD_TEST_VERSION=2's
// binaries; ours with method `auto` goes through the Transfer service, as ctr 2.x does). A ≥ 200 MB image of
// incompressible gzip layers in a private registry. Every run, ours or ctr's, gets a brand-new daemon (fresh root,
// started before the clock starts, stopped after the checks): no state carries over from one run to the next.
// Pairs alternate who goes first. Medians, the ratio ours/ctr (target <= 1.0 on each version), CPU of both clients
// and of containerd, peak RSS. On 2.x an extra row: our client-side pull (method `client`), for comparison.
// Knobs: BENCH_PULL_PAIRS (5), BENCH_PULL_LAYERS (7), BENCH_PULL_LAYER_MB (30), BENCH_PULL_CONCURRENCY (3),
// BENCH_PULL_VERSIONS (`1.6,2`; a version whose binaries are not fetched is reported as skipped).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect } from '../packages/containerd-client/src';
import type { ChildResult } from './lib/pull-child';
import { chainIds } from '../packages/containerd-client/src/digest';
import {
  buildImage, pushImage, startContainerd, startRegistry,
  type ContainerdFlavour, type Daemon, type OciImage,
} from '../test/harness';
import { benchFlavours } from './lib/flavours';
import { loadNote, report, type BenchRow } from './lib/report';
import { median, ms } from './lib/stats';

const PAIRS = Number(process.env.BENCH_PULL_PAIRS ?? 5);
const LAYERS = Number(process.env.BENCH_PULL_LAYERS ?? 7);
const LAYER_MB = Number(process.env.BENCH_PULL_LAYER_MB ?? 30);
const CONCURRENCY = Number(process.env.BENCH_PULL_CONCURRENCY ?? 3);
const NAMESPACE = 'bench-pull';
const TARGET = 1.0;

const log = (line: string): void => console.log(`pull: ${line}`);

const CHILD = path.join(__dirname, 'lib', 'pull-child.js');
type Who = 'ours' | 'ctr' | 'ours-client';
/** `cpuMs`: the client process's CPU; `daemonCpuMs`: containerd's during the run (its start-up excluded). */
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
    p.stderr.on('data', (b: Buffer) => { stderr += b.toString(); if (stderr.length > 1 << 20) stderr = stderr.slice(-65536); });
    p.on('error', reject);
    p.on('close', (code) => {
      const elapsed = performance.now() - t0;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`));
      else resolve({ ms: elapsed, stdout, stderr });
    });
  });
}

async function ours(address: string, reference: string, method: 'auto' | 'client'): Promise<Run> {
  const r = await run(process.execPath, [CHILD, address, NAMESPACE, reference, String(CONCURRENCY), method]);
  const line = r.stdout.split('\n').find((l) => l.startsWith('CHILD_RESULT '));
  if (!line) throw new Error(`our pull printed no result: ${r.stdout.slice(-2000)}`);
  const child = JSON.parse(line.slice('CHILD_RESULT '.length)) as ChildResult;
  return { ms: r.ms, cpuMs: child.cpuMs, child };
}

async function ctr(flavour: ContainerdFlavour, address: string, reference: string): Promise<Run> {
  const args = ['--address', address, '--namespace', NAMESPACE, 'images', 'pull', '--plain-http', reference];
  // /usr/bin/time reports ctr's own CPU; its start-up cost is a few ms, inside the measured time either way.
  const timed = fs.existsSync('/usr/bin/time');
  const r = timed ? await run('/usr/bin/time', ['-f', 'BENCH_CPU %U %S', flavour.ctr, ...args]) : await run(flavour.ctr, args);
  const cpu = /BENCH_CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { ms: r.ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined };
}

/** A brand-new daemon's content store holds nothing: checked, so "fresh" is a fact, not an assumption. */
function checkFresh(daemon: Daemon): void {
  const blobs = path.join(daemon.root, 'io.containerd.content.v1.content', 'blobs', 'sha256');
  if (fs.existsSync(blobs) && fs.readdirSync(blobs).length > 0) throw new Error(`${blobs} is not empty in a new daemon`);
}

async function checkPulled(daemon: Daemon, image: OciImage, name: string): Promise<void> {
  const client = await connect({ address: daemon.address, namespace: NAMESPACE });
  try {
    const record = await client.images.get(name);
    if (record.target.digest !== image.manifestDescriptor.digest) throw new Error(`${name} points at ${record.target.digest}`);
    for (const digest of image.blobs.keys()) await client.content.info(digest);
    const top = chainIds(image.config.rootfs.diff_ids).pop() as string;
    if ((await client.snapshots.stat(top)).kind !== 'committed') throw new Error('the image is not unpacked');
  } finally {
    client.close();
  }
}

/** One run on a new daemon: started (not timed), the pull timed, the result checked, the daemon stopped. */
async function oneRun(flavour: ContainerdFlavour, who: Who, image: OciImage, reference: string): Promise<Run & { version: string }> {
  const daemon = await startContainerd({ name: `bench-pull-${who}`, flavour });
  try {
    checkFresh(daemon);
    const daemonCpu0 = processCpuMs(daemon.pid);
    const r = who === 'ctr' ? await ctr(flavour, daemon.address, reference) : await ours(daemon.address, reference, who === 'ours' ? 'auto' : 'client');
    r.daemonCpuMs = processCpuMs(daemon.pid) - daemonCpu0;
    await checkPulled(daemon, image, reference);
    return { ...r, version: daemon.serverVersion };
  } finally {
    await daemon.stop();
  }
}

interface VersionResult { version: string; runs: Record<Who, Run[]> }

async function benchVersion(flavour: ContainerdFlavour, image: OciImage, reference: string): Promise<VersionResult> {
  const runs: Record<Who, Run[]> = { ours: [], ctr: [], 'ours-client': [] };
  // Transfer is ours on 2.x: the client-side pull there is an extra, informative side.
  const sides: Who[] = flavour.version === '1.6' ? ['ours', 'ctr'] : ['ours', 'ctr', 'ours-client'];
  let version = flavour.version as string;
  for (let i = 0; i < PAIRS; i++) {
    // Alternate who goes first, so neither always runs on a warmer page cache.
    const order = i % 2 === 0 ? sides : [...sides].reverse();
    for (const who of order) {
      const { version: daemonVersion, ...r } = await oneRun(flavour, who, image, reference);
      version = daemonVersion;
      runs[who].push(r);
      const c = r.child;
      log(`${flavour.version} pair ${i + 1}: ${who} ${ms(r.ms)}${c ? ` (${c.method}, pull ${ms(c.pullMs)}, pull CPU ${ms(c.pullCpuMs)}, peak RSS ${(c.maxRssKb / 1024).toFixed(0)} MiB)` : ''}, client CPU ${ms(r.cpuMs)}, containerd CPU ${ms(r.daemonCpuMs)}`);
    }
  }
  return { version, runs };
}

function rowsFor(v: VersionResult, compressed: number): BenchRow[] {
  const { ours: o, ctr: c, 'ours-client': oc } = v.runs;
  const med = (runs: Run[], f: (r: Run) => number | undefined): number => median(runs.map((r) => f(r) ?? NaN));
  const oursMs = med(o, (r) => r.ms);
  const ctrMs = med(c, (r) => r.ms);
  const ratio = oursMs / ctrMs;
  const mbps = (t: number): string => `${(compressed / 1e6 / (t / 1000)).toFixed(0)} MB/s`;
  const per100 = (cpu: number): string => ms(cpu / (compressed / 1e8));
  const method = [...new Set(o.map((r) => r.child?.method))].join('/');
  const pre = `containerd ${v.version}:`;
  const rows: BenchRow[] = [
    { metric: `${pre} pull + unpack ${(compressed / 1e6).toFixed(0)} MB, ours ${method} (median of ${o.length})`, ours: ms(oursMs), ctr: ms(ctrMs), ratio: ratio.toFixed(2), target: `<= ${TARGET.toFixed(1)}`, met: ratio <= TARGET },
    { metric: `${pre} throughput (compressed bytes)`, ours: mbps(oursMs), ctr: mbps(ctrMs) },
    { metric: `${pre} CPU of the client process`, ours: ms(med(o, (r) => r.cpuMs)), ctr: ms(med(c, (r) => r.cpuMs)) },
    { metric: `${pre} client CPU of pull() alone, per 100 MB`, ours: per100(med(o, (r) => r.child?.pullCpuMs)) },
    { metric: `${pre} CPU of containerd during the run`, ours: ms(med(o, (r) => r.daemonCpuMs)), ctr: ms(med(c, (r) => r.daemonCpuMs)) },
    { metric: `${pre} pull() alone, in our process`, ours: ms(med(o, (r) => r.child?.pullMs)) },
    { metric: `${pre} peak RSS of our process (max)`, ours: `${Math.max(...o.map((r) => (r.child?.maxRssKb ?? 0) / 1024)).toFixed(0)} MiB` },
  ];
  if (oc.length > 0) {
    const ocMs = med(oc, (r) => r.ms);
    rows.push(
      { metric: `${pre} our client-side pull (method client), whole process`, ours: ms(ocMs), ctr: ms(ctrMs), ratio: (ocMs / ctrMs).toFixed(2) },
      { metric: `${pre} client-side: CPU of our process / of pull() per 100 MB`, ours: `${ms(med(oc, (r) => r.cpuMs))} / ${per100(med(oc, (r) => r.child?.pullCpuMs))}` },
      { metric: `${pre} client-side: CPU of containerd`, ours: ms(med(oc, (r) => r.daemonCpuMs)) },
    );
  }
  return rows;
}

async function main(): Promise<void> {
  const load = os.loadavg()[0];
  const { flavours, skipped } = benchFlavours(process.env.BENCH_PULL_VERSIONS ?? '1.6,2', log);
  log(`building ${LAYERS} incompressible layers of ${LAYER_MB} MB…`);
  const image = buildImage({ incompressibleLayers: { count: LAYERS, bytesEach: LAYER_MB * 1_000_000 } });
  const compressed = image.layers.reduce((n, l) => n + l.descriptor.size, 0);
  const registry = await startRegistry();
  const reference = `${registry.host}/bench/big:v1`;
  const results: VersionResult[] = [];
  try {
    await pushImage(registry.host, 'bench/big', 'v1', image);
    log(`pushed ${reference}: ${image.layers.length} layers, ${(compressed / 1e6).toFixed(0)} MB compressed`);
    for (const flavour of flavours) results.push(await benchVersion(flavour, image, reference));
  } finally {
    await registry.stop();
  }
  const bundle = results.every((v) => [...v.runs.ours, ...v.runs['ours-client']].every((r) => r.child?.bundle));
  report({
    bench: 'pull',
    title: `Pull of a ${(compressed / 1e6).toFixed(0)} MB image (${image.layers.length} gzip layers, ${LAYERS} incompressible), concurrency ${CONCURRENCY}, plain HTTP on 127.0.0.1`,
    rows: results.flatMap((v) => rowsFor(v, compressed)),
    notes: [
      'every run (ours or ctr) on a brand-new daemon: new root and state, content store checked empty before, the image checked present and unpacked after; daemon start and stop are outside the timing',
      'times are wall-clock of the whole process (node or ctr), start to exit; containerd CPU excludes its start-up',
      `our side ran ${bundle ? 'the shipped bundle packages/containerd-client/dist/index.js' : 'the compiled sources (out/src; run `npm run build` for packages/containerd-client/dist/index.js)'} in its own node process, pull method auto (Transfer where containerd has it)`,
      ...skipped,
      loadNote(load),
    ],
    raw: { results, compressedBytes: compressed },
  });
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
