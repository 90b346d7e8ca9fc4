// Entry point of `npm run test:e2e`: every in-host suite (test/e2e/suite-*/) and every UI script
// (test/e2e/ui/*.ui.ts) against a private code-server. Usage: node out/test/e2e/run.js [--only <name>]
import * as fs from 'fs';
import * as path from 'path';
import { discoverEntries, loadSetup, selectEntries, suiteEnv, type E2eEntry } from './runner/discover';
import { runInHostSuite } from './runner/run-inhost';
import { runUiScript, type UiScript } from './runner/run-ui';
import { projectRoot } from './runner/toolchain';

const artifactsRoot = path.join(projectRoot, 'test-artifacts', 'e2e');

async function runEntry(entry: E2eEntry, artifactsDir: string): Promise<number> {
  const fixture = (await loadSetup(entry)?.()) ?? {};
  const env = suiteEnv(entry, fixture);
  try {
    if (entry.kind === 'inhost') {
      return await runInHostSuite({ suiteDir: entry.dir, env, workspaceFolder: fixture.workspaceFolder, artifactsDir });
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { run } = require(entry.file) as { run?: UiScript };
    if (typeof run !== 'function') throw new Error(`${entry.file} does not export run(ui)`);
    return await runUiScript({ name: entry.name, script: run, env, workspaceFolder: fixture.workspaceFolder, settings: fixture.settings, artifactsDir });
  } finally {
    await fixture.teardown?.();
  }
}

async function main(): Promise<number> {
  const entries = selectEntries(discoverEntries(), process.argv.slice(2));
  if (entries.length === 0) throw new Error('no e2e suites found: compile the tests first (npx tsc -p tsconfig.test.json)');
  const results: { entry: E2eEntry; code: number; secs: string; artifactsDir: string }[] = [];
  for (const entry of entries) {
    const artifactsDir = path.join(artifactsRoot, entry.name);
    fs.rmSync(artifactsDir, { recursive: true, force: true });
    console.log(`\n=== ${entry.name} (${entry.kind === 'inhost' ? 'in the extension host' : 'UI'}) ===`);
    const started = Date.now();
    let code: number;
    try {
      code = await runEntry(entry, artifactsDir);
    } catch (err) {
      console.error(`e2e: ${entry.name} could not run: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      code = 1;
    }
    results.push({ entry, code, secs: ((Date.now() - started) / 1000).toFixed(1), artifactsDir });
  }
  console.log('');
  for (const r of results) {
    const where = path.relative(projectRoot, r.artifactsDir);
    console.log(`${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`}  ${r.entry.name}  ${r.secs} s  ${where}/`);
  }
  const failed = results.filter((r) => r.code !== 0).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

// Exiting through process.exit runs the code-server cleanup registered on 'exit'.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
main().then((code) => process.exit(code), (err: unknown) => {
  console.error(`e2e: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
