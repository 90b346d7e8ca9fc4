// Benchmark of the exec path behind the integrated terminals, on a private containerd 1.6:
// 1. throughput: `seq 1 3000000` (~23 MB, ~26 MB after the pty's \n -> \r\n) through our TTY exec (FIFO read by a
//    net.Socket, UTF-8 decoded as the Pseudoterminal does) vs `ctr task exec -t` run in a pseudo-terminal by
//    script(1) and read from its stdout; 5 alternating pairs, medians, ratio ours/ctr (target >= 0.8);
// 2. keystroke echo: one key into a shell's stdin FIFO until its echo comes back on stdout, 200 keys (p50 <= 5 ms).
// Knobs: BENCH_EXEC_PAIRS (5), BENCH_EXEC_SEQ (3000000), BENCH_KEYS (200).
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { connect, importImage, mapSource, type ContainerdClient } from '../packages/containerd-client/src';
import { createContainer, execProcess, joinCommandLine, openShell, runcRootOptions, startContainer, stopContainer } from '../packages/containerd-client/src/run';
import { buildImage, startContainerd, type Daemon } from '../test/harness';
import { report, type BenchRow, runMain } from './lib/report';
import { median, ms, percentile } from './lib/stats';

const PAIRS = Number(process.env.BENCH_EXEC_PAIRS ?? 5);
const SEQ = Number(process.env.BENCH_EXEC_SEQ ?? 3_000_000);
const KEYS = Number(process.env.BENCH_KEYS ?? 200);
const NAMESPACE = 'bench-exec';
const CONTAINER = 'exec-bench';

const log = (line: string): void => console.log(`exec: ${line}`);

interface Run { bytes: number; ms: number }

/** Bytes `seq 1 n` prints (digits and newlines), before a pty turns each \n into \r\n (twice for ctr in script). */
function seqBytes(n: number): number {
  let total = n; // newlines
  for (let digits = 1, lo = 1; lo <= n; digits++, lo *= 10) total += digits * (Math.min(n, lo * 10 - 1) - lo + 1);
  return total;
}
const PAYLOAD = seqBytes(SEQ);
/** Throughput of the command's own output, so both sides are measured on the same bytes. */
const mbps = (r: Run): number => PAYLOAD / 1e6 / (r.ms / 1000);

/** Our path: Tasks.Exec with a pty, output FIFO read through a net.Socket and decoded like ProcessPty does. */
async function ours(client: ContainerdClient, fifoBaseDir: string, n: string, cmd: string[]): Promise<Run> {
  const t0 = performance.now();
  const h = await execProcess(client, CONTAINER, { args: cmd, tty: true, size: { width: 200, height: 50 }, execId: `ours-${n}`, fifoBaseDir });
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let chars = 0;
  h.io?.stdout.on('data', (b: Buffer) => { bytes += b.length; chars += decoder.write(b).length; });
  await h.exited;
  const elapsed = performance.now() - t0;
  await h.delete();
  if (chars === 0) throw new Error('no output through our exec path');
  return { bytes, ms: elapsed };
}

/** `ctr task exec -t` in a pseudo-terminal (script -qc), its output read from script's stdout. */
function ctr(daemon: Daemon, n: string, cmd: string[]): Promise<Run> {
  const argv = ['ctr', '--address', daemon.address, '--namespace', NAMESPACE, 'tasks', 'exec', '-t', '--fifo-dir', path.join(daemon.dir, 'fifo'),
    '--exec-id', `ctr-${n}`, CONTAINER, ...cmd];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('script', ['-qec', joinCommandLine(argv), '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let bytes = 0;
    let err = '';
    child.stdout.on('data', (b: Buffer) => { bytes += b.length; });
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const elapsed = performance.now() - t0;
      if (code !== 0) reject(new Error(`ctr task exec exited ${code}: ${err}`));
      else resolve({ bytes, ms: elapsed });
    });
  });
}

/** Round trip of single keys through a shell's line editor: write to the stdin FIFO, wait for the echo. */
async function echo(client: ContainerdClient, fifoBaseDir: string): Promise<number[]> {
  const { handle } = await openShell(client, CONTAINER, { size: { width: 120, height: 40 }, execId: 'echo-shell', fifoBaseDir });
  const out = handle.io?.stdout;
  const stdin = handle.io?.stdin;
  if (!out || !stdin) throw new Error('the shell has no stdio');
  let waiter: (() => void) | undefined;
  let seen = '';
  out.on('data', (b: Buffer) => { seen += b.toString('latin1'); const w = waiter; waiter = undefined; w?.(); });
  // Wait for the prompt, then let it settle.
  const deadline = Date.now() + 10_000;
  // eslint-disable-next-line no-control-regex
  const csi = /\x1b\[[0-9;]*[A-Za-z]/g;
  while (!/[#$] $/.test(seen.replace(csi, ''))) {
    if (Date.now() > deadline) throw new Error(`no prompt: ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 200));
  const samples: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    // 'a' then DEL, alternately: the line never grows and both keys make the shell redraw.
    const key = i % 2 === 0 ? 'a' : '\x7f';
    const got = new Promise<void>((r) => { waiter = r; });
    const t0 = performance.now();
    stdin.write(key);
    await got;
    samples.push(performance.now() - t0);
    // Let any trailing bytes of this echo arrive before the next key.
    await new Promise((r) => setTimeout(r, 5));
  }
  await handle.kill('SIGKILL');
  await handle.exited;
  await handle.delete();
  return samples;
}

async function main(): Promise<void> {
  const daemon = await startContainerd({ name: 'bench-exec' });
  const client = await connect({ address: daemon.address, namespace: NAMESPACE });
  const fifoBaseDir = path.join(daemon.dir, 'fifo-ours');
  try {
    const image = buildImage({ cmd: ['sleep', '1000000'] });
    await importImage(client, mapSource(image.blobs), image.manifestDescriptor, 'bench.local/exec/busybox:1');
    await createContainer(client, { id: CONTAINER, image: 'bench.local/exec/busybox:1', runtimeOptions: runcRootOptions(path.join(daemon.dir, 'runc')), logPath: path.join(daemon.dir, 'bench.log') });
    await startContainer(client, CONTAINER, { logDir: daemon.dir }); // the log-path label is used only inside logDir
    const series = async (name: string, cmd: string[], count: number): Promise<{ ours: Run; ctr: Run }[]> => {
      // Warm-up: page cache, shim, first-exec costs on both sides.
      await ours(client, fifoBaseDir, `${name}-0`, cmd);
      await ctr(daemon, `${name}-0`, cmd);
      const pairs: { ours: Run; ctr: Run }[] = [];
      for (let i = 1; i <= count; i++) {
        // Alternate which goes first so neither always runs on a warmer system.
        const a = i % 2 ? await ours(client, fifoBaseDir, `${name}-${i}`, cmd) : undefined;
        const c = await ctr(daemon, `${name}-${i}`, cmd);
        const o = a ?? await ours(client, fifoBaseDir, `${name}-${i}`, cmd);
        pairs.push({ ours: o, ctr: c });
        log(`${name} pair ${i}: ours ${mbps(o).toFixed(1)} MB/s (${ms(o.ms)}, ${(o.bytes / 1e6).toFixed(1)} MB read), ctr ${mbps(c).toFixed(1)} MB/s (${ms(c.ms)}, ${(c.bytes / 1e6).toFixed(1)} MB read)`);
      }
      return pairs;
    };
    // As specified: seq writes line by line into the pty (the shim's copy is the bottleneck on both sides).
    const pairs = await series('seq', ['seq', '1', String(SEQ)], PAIRS);
    // The same bytes written in large blocks (seq | cat): what a fast producer asks of the reading side.
    const blocks = await series('blocks', ['sh', '-c', `seq 1 ${SEQ} | cat`], PAIRS);
    const keys = await echo(client, fifoBaseDir);
    const oursMbps = median(pairs.map((p) => mbps(p.ours)));
    const ctrMbps = median(pairs.map((p) => mbps(p.ctr)));
    const ratio = oursMbps / ctrMbps;
    const ratios = pairs.map((p) => mbps(p.ours) / mbps(p.ctr));
    const p50 = percentile(keys, 50);
    const rows: BenchRow[] = [
      { metric: `exec -t seq 1 ${SEQ} throughput, median of ${PAIRS} pairs`, ours: `${oursMbps.toFixed(1)} MB/s`, ctr: `${ctrMbps.toFixed(1)} MB/s`, ratio: ratio.toFixed(2), target: 'ratio >= 0.8', met: ratio >= 0.8 },
      { metric: '  median of the per-pair ratios', ours: ratios.map((r) => r.toFixed(2)).join(' '), ratio: median(ratios).toFixed(2) },
      { metric: '  wall time per run (median)', ours: ms(median(pairs.map((p) => p.ours.ms))), ctr: ms(median(pairs.map((p) => p.ctr.ms))) },
      (() => {
        const o = median(blocks.map((p) => mbps(p.ours)));
        const c = median(blocks.map((p) => mbps(p.ctr)));
        return { metric: `exec -t sh -c "seq 1 ${SEQ} | cat" (block writes), median of ${PAIRS} pairs`, ours: `${o.toFixed(1)} MB/s`, ctr: `${c.toFixed(1)} MB/s`, ratio: (o / c).toFixed(2) };
      })(),
      { metric: `keystroke echo round trip, p50 of ${keys.length}`, ours: ms(p50), target: 'p50 <= 5 ms', met: p50 <= 5 },
      { metric: `keystroke echo round trip, p95 of ${keys.length}`, ours: ms(percentile(keys, 95)) },
      { metric: '  max', ours: ms(Math.max(...keys)) },
    ];
    report({
      bench: 'exec',
      title: 'exec: TTY exec throughput (ours vs ctr task exec -t) and keystroke echo through our exec path (private containerd 1.6)',
      rows,
      notes: [
        `throughput is the command's own output (${(PAYLOAD / 1e6).toFixed(1)} MB) over the wall time; the bytes read differ by the pty's \\r (ctr's output passes two ptys)`,
        'ours: execProcess (Tasks.Exec terminal=true, FIFOs) to exit, output read by a net.Socket and UTF-8 decoded; ctr: spawn of `script -qec "ctr task exec -t …"` to exit, output read from its stdout; both include starting the exec',
        'echo: a busybox ash prompt; keys alternate "a" and DEL, each timed from the write to the stdin FIFO to the first bytes of its echo',
      ],
      raw: { pairs, blocks, keys },
    });
  } finally {
    await stopContainer(client, CONTAINER, { timeoutMs: 1000 }).catch(() => undefined);
    client.close();
    await daemon.stop();
  }
}

runMain('exec', main);
