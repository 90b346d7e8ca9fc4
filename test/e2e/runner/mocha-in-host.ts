// Runs inside the extension host: the shared body of every in-host suite's index.ts.
// VS Code calls the suite's `run()` (extensionTestsPath) and closes the host when its promise settles;
// a rejection becomes exit code 1. Mocha's reporter prints through console.log, which the workbench
// forwards to the runner via codeAutomationLog; hostLog() marks those lines for the runner's stdout.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import { hostLog } from './host-log';

export function runMochaInHost(suiteDir: string, options: Mocha.MochaOptions = {}): Promise<void> {
  // mocha 11 on purpose: mocha 12 is ESM-only and cannot be required here.
  // Mocha's reporters all print through Base.consoleLog: send them to the runner's stdout.
  Mocha.reporters.Base.consoleLog = hostLog;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, ...options });
  if (process.env.E2E_GREP) mocha.grep(process.env.E2E_GREP);
  const files = fs.readdirSync(suiteDir, { recursive: true }).map(String)
    .filter((f) => f.endsWith('.test.js')).sort();
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js files in ${suiteDir}`));
  for (const f of files) mocha.addFile(path.join(suiteDir, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
