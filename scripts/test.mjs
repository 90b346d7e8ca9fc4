// `npm test`: lint, typecheck, build, then unit, integration (private containerd) and e2e (real VS Code) suites.
// Prints one closing line `tests: N passed, N failed, N skipped` summed over every mocha run.
// Flags: --skip-e2e, --only unit|integration|e2e
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const skipE2e = args.includes('--skip-e2e') || process.env.SKIP_E2E === '1';

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(name, cmd, cmdArgs, { count = false } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    console.log(`\n=== ${name}: ${cmd} ${cmdArgs.join(' ')}`);
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let out = '';
    child.stdout.on('data', (d) => { process.stdout.write(d); if (count) out += d.toString(); });
    child.on('close', (code) => {
      if (count) {
        // mocha's summary lines (also forwarded from the e2e runner): "  12 passing (3s)", "  1 failing", "  2 pending"
        const grab = (re) => [...out.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
        totals.passed += grab(/^\s*(\d+) passing\b/gm);
        totals.failed += grab(/^\s*(\d+) failing\b/gm);
        totals.skipped += grab(/^\s*(\d+) pending\b/gm);
      }
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`=== ${name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${secs}s`);
      if (code !== 0) failures.push(name);
      resolve(code);
    });
  });
}

const npx = 'npx';
const phases = [];
if (!only) phases.push(['lint', npx, ['eslint', '.']]);
phases.push(['build', 'node', ['esbuild.mjs']]);
// Type-checks src/ and test/ together (strict) and emits the tests into out/.
phases.push(['typecheck + compile tests', npx, ['tsc', '-p', 'tsconfig.test.json']]);
if (!only) phases.push(['package (.vsix holds only what runs)', 'node', ['scripts/check-vsix.mjs']]);
if (!only || only === 'unit') phases.push(['unit tests', npx, ['mocha', '--config', '.mocharc.unit.json'], { count: true }]);
if (!only || only === 'integration') phases.push(['integration tests', npx, ['mocha', '--config', '.mocharc.integration.json'], { count: true }]);
if ((!only && !skipE2e) || only === 'e2e') {
  phases.push(['e2e setup', 'node', ['scripts/e2e-setup.mjs']]);
  phases.push(['e2e tests (real VS Code)', 'node', ['out/test/e2e/run.js'], { count: true }]);
}

await run('protos', 'node', ['scripts/build-protos.mjs']);
for (const [name, cmd, a, opts] of phases) {
  const code = await run(name, cmd, a, opts);
  // Nothing after a failed build or compile can mean anything.
  if (code !== 0 && (name === 'build' || name === 'typecheck + compile tests' || name === 'e2e setup')) break;
}

console.log(`\nfailed phases: ${failures.length ? failures.join(', ') : 'none'}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length ? 1 : 0);
