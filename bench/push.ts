// Benchmark of push (content store -> registry) against `ctr images push --plain-http`, on containerd 1.6 (the
// system's; our client-side push, as ctr 1.6's) and containerd 2.x (CONTAINERD_TEST_VERSION=2's binaries; ours with
// method `auto` goes through the Transfer service, as ctr 2.x does). An image of incompressible gzip layers,
// imported once per version; every run pushes to a repository of its own (so the registry has none of its blobs
// there: every byte is sent), checked in the registry afterwards. Whole processes, pairs alternate who goes first.
// Medians and the ratio ours/ctr (no target yet). Knobs: BENCH_PUSH_PAIRS (3), BENCH_PUSH_LAYERS (4),
// BENCH_PUSH_LAYER_MB (20), BENCH_PUSH_VERSIONS (`1.6,2`; a version whose binaries are not fetched is skipped).
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  buildImage, ctrImport, startContainerd, startRegistry,
  type ContainerdFlavour, type OciImage, type Registry,
} from '../test/harness';
import type { PushChildResult } from './lib/push-child';
import { benchFlavours } from './lib/flavours';
import { loadNote, report, type BenchRow } from './lib/report';
import { median, ms } from './lib/stats';

const PAIRS = Number(process.env.BENCH_PUSH_PAIRS ?? 3);
const LAYERS = Number(process.env.BENCH_PUSH_LAYERS ?? 4);
const LAYER_MB = Number(process.env.BENCH_PUSH_LAYER_MB ?? 20);
const NAMESPACE = 'bench-push';
const LOCAL = 'bench.local/push/big:v1';
const CHILD = path.join(__dirname, 'lib', 'push-child.js');

const log = (line: string): void => console.log(`push: ${line}`);

type Who = 'ours' | 'ctr';
interface Run { ms: number; child?: PushChildResult }

function run(cmd: string, args: string[]): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => { stdout = (stdout + b.toString()).slice(-65536); });
    p.stderr.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-65536); });
    p.on('error', reject);
    p.on('close', (code) => {
      const elapsed = performance.now() - t0;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`));
      else resolve({ ms: elapsed, stdout });
    });
  });
}

async function oneRun(flavour: ContainerdFlavour, address: string, who: Who, reference: string): Promise<Run> {
  if (who === 'ctr') {
    const r = await run(flavour.ctr, ['--address', address, '--namespace', NAMESPACE, 'images', 'push', '--plain-http', reference, LOCAL]);
    return { ms: r.ms };
  }
  const r = await run(process.execPath, [CHILD, address, NAMESPACE, LOCAL, reference, 'auto']);
  const line = r.stdout.split('\n').find((l) => l.startsWith('CHILD_RESULT '));
  if (!line) throw new Error(`our push printed no result: ${r.stdout.slice(-2000)}`);
  return { ms: r.ms, child: JSON.parse(line.slice('CHILD_RESULT '.length)) as PushChildResult };
}

/** The registry holds the pushed manifest under the tag: the run really pushed. */
async function checkPushed(registry: Registry, repo: string, image: OciImage): Promise<void> {
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/v1`, { method: 'HEAD', headers: { accept: image.manifestDescriptor.mediaType } });
  const digest = res.headers.get('docker-content-digest');
  if (res.status !== 200 || digest !== image.manifestDescriptor.digest) throw new Error(`${repo}:v1 is not in the registry (${res.status} ${digest ?? ''})`);
}

interface VersionResult { version: string; runs: Record<Who, Run[]> }

async function benchVersion(flavour: ContainerdFlavour, image: OciImage, registry: Registry): Promise<VersionResult> {
  const daemon = await startContainerd({ name: 'bench-push', flavour });
  const runs: Record<Who, Run[]> = { ours: [], ctr: [] };
  try {
    await ctrImport(daemon, NAMESPACE, image, LOCAL);
    for (let i = 0; i < PAIRS; i++) {
      const order: Who[] = i % 2 === 0 ? ['ours', 'ctr'] : ['ctr', 'ours'];
      for (const who of order) {
        const repo = `bench/push-${flavour.version.replace('.', '')}-${who}-${i}-${Date.now()}`;
        const r = await oneRun(flavour, daemon.address, who, `${registry.host}/${repo}:v1`);
        await checkPushed(registry, repo, image);
        runs[who].push(r);
        log(`${flavour.version} pair ${i + 1}: ${who} ${ms(r.ms)}${r.child ? ` (${r.child.method}, push ${ms(r.child.pushMs)}, push CPU ${ms(r.child.pushCpuMs)})` : ''}`);
      }
    }
    return { version: daemon.serverVersion, runs };
  } finally {
    await daemon.stop();
  }
}

function rowsFor(v: VersionResult, bytes: number): BenchRow[] {
  const oursMs = median(v.runs.ours.map((r) => r.ms));
  const ctrMs = median(v.runs.ctr.map((r) => r.ms));
  const method = [...new Set(v.runs.ours.map((r) => r.child?.method))].join('/');
  const pre = `containerd ${v.version}:`;
  return [
    { metric: `${pre} push ${(bytes / 1e6).toFixed(0)} MB, ours ${method} (median of ${v.runs.ours.length})`, ours: ms(oursMs), ctr: ms(ctrMs), ratio: (oursMs / ctrMs).toFixed(2) },
    { metric: `${pre} push() alone, in our process / its CPU`, ours: `${ms(median(v.runs.ours.map((r) => r.child?.pushMs ?? NaN)))} / ${ms(median(v.runs.ours.map((r) => r.child?.pushCpuMs ?? NaN)))}` },
  ];
}

async function main(): Promise<void> {
  const load = os.loadavg()[0];
  const { flavours, skipped } = benchFlavours(process.env.BENCH_PUSH_VERSIONS ?? '1.6,2', log);
  log(`building ${LAYERS} incompressible layers of ${LAYER_MB} MB…`);
  const image = buildImage({ incompressibleLayers: { count: LAYERS, bytesEach: LAYER_MB * 1_000_000 } });
  const bytes = [...image.blobs.values()].reduce((n, b) => n + b.length, 0);
  const registry = await startRegistry();
  const results: VersionResult[] = [];
  try {
    for (const flavour of flavours) results.push(await benchVersion(flavour, image, registry));
  } finally {
    await registry.stop();
  }
  report({
    bench: 'push',
    title: `Push of a ${(bytes / 1e6).toFixed(0)} MB image (${image.layers.length} gzip layers, ${LAYERS} incompressible), plain HTTP on 127.0.0.1`,
    rows: results.flatMap((v) => rowsFor(v, bytes)),
    notes: [
      'each run pushes to a new repository of the same registry: HEAD finds nothing there, every blob is uploaded (no distribution.source labels, so no mounts)',
      'times are wall-clock of the whole process (node or ctr), start to exit; the registry is checked for the manifest after each run',
      'ours: push method auto (Transfer where containerd 2.x has it, client-side on 1.6); no target yet',
      ...skipped,
      loadNote(load),
    ],
    raw: { results, bytes },
  });
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
