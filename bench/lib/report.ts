// How every benchmark reports: a table on stdout (ours, ctr, ratio, target), a JSON file under
// test-artifacts/bench/, and one `BENCH_RESULT {json}` line that bench/run.mjs gathers into its closing summary.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface BenchRow {
  metric: string;
  ours: string;
  /** The same thing done by `ctr`, when there is a ctr counterpart. */
  ctr?: string;
  /** ours / ctr. */
  ratio?: string;
  target?: string;
  /** Whether `ours` (or the ratio) meets the target; undefined for informative rows. */
  met?: boolean;
}

export interface BenchResult {
  bench: string;
  title: string;
  rows: BenchRow[];
  notes?: string[];
  /** Raw samples and anything else worth keeping; written to the JSON file only. */
  raw?: unknown;
}

/** The repository root: this file is compiled to out/bench/lib/report.js. */
export const projectRoot = path.resolve(__dirname, '..', '..', '..');
export const benchArtifactsDir = path.join(projectRoot, 'test-artifacts', 'bench');

export function formatTable(rows: BenchRow[]): string {
  const head = ['metric', 'ours', 'ctr', 'ratio', 'target', 'result'];
  const cells = rows.map((r) => [r.metric, r.ours, r.ctr ?? '', r.ratio ?? '', r.target ?? '', r.met === undefined ? '' : r.met ? 'met' : 'MISSED']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

export function report(result: BenchResult): void {
  console.log(`\n${result.title}\n`);
  console.log(formatTable(result.rows));
  for (const n of result.notes ?? []) console.log(`- ${n}`);
  fs.mkdirSync(benchArtifactsDir, { recursive: true });
  const file = path.join(benchArtifactsDir, `${result.bench}.json`);
  fs.writeFileSync(file, JSON.stringify({ ...result, at: new Date().toISOString() }, null, 2));
  console.log(`(raw figures: ${path.relative(projectRoot, file)})`);
  const { raw: _raw, ...summary } = result;
  console.log(`BENCH_RESULT ${JSON.stringify(summary)}`);
}

/** The machine's load, for reading timings taken on a shared machine: "load 3.1 -> 4.2 (1-min avg), 2 cores". */
export function loadNote(before: number): string {
  return `machine load ${before.toFixed(1)} -> ${os.loadavg()[0].toFixed(1)} (1-min average) on ${os.cpus().length} cores during the measurement`;
}

/** A benchmark script's entry: exit 0 when `main` is done, 1 with its error when it throws. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().then(() => process.exit(0), (e: unknown) => {
    console.error(`${name}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exit(1);
  });
}
