// The same in-host suites on a desktop VS Code downloaded by @vscode/test-electron, for machines that
// can reach update.code.visualstudio.com (this one cannot; use run.ts there).
// Usage: node out/test/e2e/runner/test-electron.js [--only <name>]; VSCODE_VERSION picks the build.
import * as fs from 'fs';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { discoverEntries, loadSetup, selectEntries, suiteEnv } from './discover';
import { makeScratchDir, projectRoot, removeScratchDir } from './toolchain';

async function main(): Promise<number> {
  const suites = selectEntries(discoverEntries(), process.argv.slice(2)).filter((e) => e.kind === 'inhost');
  let failed = 0;
  for (const suite of suites) {
    const fixture = (await loadSetup(suite)?.()) ?? {};
    const scratch = makeScratchDir(`electron-${suite.name}`);
    const workspace = fixture.workspaceFolder ?? path.join(scratch, 'workspace');
    fs.mkdirSync(workspace, { recursive: true });
    try {
      console.log(`\n=== ${suite.name} (desktop VS Code) ===`);
      await runTests({
        version: process.env.VSCODE_VERSION ?? 'stable',
        extensionDevelopmentPath: projectRoot,
        extensionTestsPath: path.join(suite.dir, 'index.js'),
        extensionTestsEnv: suiteEnv(suite, fixture),
        launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust',
          '--user-data-dir', path.join(scratch, 'user-data'), '--extensions-dir', path.join(scratch, 'extensions')],
      });
    } catch (err) {
      failed++;
      console.error(`e2e: ${suite.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await fixture.teardown?.();
      removeScratchDir(scratch);
    }
  }
  console.log(`${suites.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(`e2e: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
