// `npm run bench`: runs every compiled benchmark (out/bench/*.js, from bench/*.ts) in turn, each in a node process of
// its own, then prints a summary of the targets from their `BENCH_RESULT {json}` lines (see bench/lib/report.ts).
// `node bench/run.mjs views-list pull` runs only the benchmarks whose names contain one of the words; `--list` names
// them and runs none. Only top-level files are benchmarks: out/bench/lib and out/bench/in-host hold what they share.
// Exit code: 1 when a benchmark crashed; a missed target is reported, not an error (timings vary with the machine).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'out', 'bench');
const listOnly = process.argv.includes('--list');
const filters = process.argv.slice(2).filter((a) => a !== '--list');

const all = fs.existsSync(outDir) ? fs.readdirSync(outDir).filter((f) => f.endsWith('.js')).sort() : [];
const chosen = all.filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)));
if (chosen.length === 0) {
  console.error(all.length ? `bench: no benchmark matches ${filters.join(', ')}; found: ${all.join(', ')}` : `bench: nothing in ${outDir}: compile first (npx tsc -p tsconfig.test.json)`);
  process.exit(2);
}
if (listOnly) {
  for (const f of chosen) console.log(f.replace(/\.js$/, ''));
  process.exit(0);
}

function runOne(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--enable-source-maps', path.join(outDir, file)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const results = [];
    let pending = '';
    child.stdout.on('data', (chunk) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('BENCH_RESULT ')) {
          try { results.push(JSON.parse(line.slice('BENCH_RESULT '.length))); } catch { console.log(line); }
        } else {
          console.log(line);
        }
      }
    });
    child.on('close', (code, signal) => {
      if (pending) console.log(pending);
      resolve({ file, code: code ?? (signal ? 1 : 0), secs: ((Date.now() - started) / 1000).toFixed(0), results });
    });
  });
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { interrupted = true; });

const runs = [];
for (const file of chosen) {
  if (interrupted) break;
  console.log(`\n=== bench ${file.replace(/\.js$/, '')} ===`);
  runs.push(await runOne(file));
}

console.log('\n=== bench summary ===');
for (const r of runs) {
  const name = r.file.replace(/\.js$/, '');
  if (r.code !== 0) { console.log(`${name}: FAILED (exit ${r.code}) after ${r.secs} s`); continue; }
  const judged = r.results.flatMap((res) => res.rows.filter((row) => row.target));
  if (judged.length === 0) console.log(`${name}: done in ${r.secs} s`);
  for (const row of judged) {
    const figure = row.ratio ? `${row.ours} vs ${row.ctr} = ratio ${row.ratio}` : row.ours;
    console.log(`${name}: ${row.metric.trim()}: ${figure} (target ${row.target}): ${row.met ? 'met' : 'MISSED'}`);
  }
}
process.exit(runs.some((r) => r.code !== 0) ? 1 : 0);
