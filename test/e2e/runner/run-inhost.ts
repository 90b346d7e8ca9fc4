// "Way 2": runs a compiled mocha suite inside the real extension host of code-server, the way
// @vscode/test-electron does with a desktop VS Code. The workbench's smoke-test driver reads the
// payload from the URL, loads the extension under development, calls the suite's run(), then reports
// the exit code through window.codeAutomationExit.
import * as fs from 'fs';
import * as path from 'path';
import { launchBrowser, recordConsole, type Browser } from './browser';
import { startCodeServer, type CodeServer } from './code-server';
import { hostLogText, logLine } from './host-log';
import { makeScratchDir, projectRoot, removeScratchDir } from './toolchain';

export interface InHostSuiteOptions {
  /** Compiled suite folder (e.g. out/test/e2e/suite-smoke): its index.js exports run(). */
  suiteDir: string;
  /** Extension host environment (e.g. CONTAINERD_ADDRESS of a private daemon). */
  env?: Record<string, string>;
  /** Folder opened in the window; an empty scratch folder when omitted. */
  workspaceFolder?: string;
  /** Screenshot, code-server output, browser console and VS Code logs go here. */
  artifactsDir: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

export async function runInHostSuite(opts: InHostSuiteOptions): Promise<number> {
  const suiteDir = path.resolve(opts.suiteDir);
  const testsPath = path.join(suiteDir, 'index.js');
  if (!fs.existsSync(testsPath)) throw new Error(`${testsPath} not found: compile the tests first`);
  const artifactsDir = path.resolve(opts.artifactsDir);
  const runDir = makeScratchDir(path.basename(suiteDir));
  const workspaceFolder = path.resolve(opts.workspaceFolder ?? path.join(runDir, 'workspace'));
  fs.mkdirSync(workspaceFolder, { recursive: true });
  fs.mkdirSync(artifactsDir, { recursive: true });
  const env = opts.env ?? {};

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    server = await startCodeServer({ runDir, workspaceFolder, artifactsDir, env, smokeTestDriver: true });
    browser = await launchBrowser();
    const { page } = browser;
    const consoleLog = recordConsole(page, path.join(artifactsDir, 'browser-console.log'));
    // Workbench and extension host logs all go to the artifacts; only the tests' output to our stdout.
    // Error lines are shown too when the suite fails: e.g. an index.js that throws while loading.
    const verbose = Boolean(process.env.E2E_VERBOSE);
    const errors: string[] = [];
    const forwardLog = (level: unknown, message: unknown): void => {
      const line = logLine(level, message);
      consoleLog.write(`[codeAutomationLog]${line}\n`);
      const text = verbose ? line : hostLogText(message);
      if (text !== undefined) (level === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
      // "Canceled" errors are the workbench cancelling requests as the extension host shuts down.
      else if (level === 'error' && !line.startsWith('[error] Canceled')) errors.push(line);
    };

    let finish: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolve) => { finish = resolve; });
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    timer = setTimeout(() => {
      console.error(`e2e: ${path.basename(suiteDir)} timed out after ${timeoutMs} ms`);
      finish(1);
    }, timeoutMs);
    page.on('crash', () => { console.error('e2e: the workbench page crashed'); finish(1); });
    // Both bindings must exist before the workbench loads.
    await page.exposeFunction('codeAutomationExit', (code: unknown) => finish(Number(code)));
    await page.exposeFunction('codeAutomationLog', forwardLog);

    const { authority } = server;
    const remote = (p: string): string => `vscode-remote://${authority}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(projectRoot)],
      ['extensionTestsPath', remote(testsPath)],
      ['extensionEnvironment', JSON.stringify(env)],
    ];
    await page.goto(`${server.url}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const code = await exitCode;
    if (code !== 0 && errors.length > 0) {
      console.error(`e2e: errors logged by the workbench (all logs in ${artifactsDir}):`);
      for (const e of errors.slice(0, 10)) console.error(`  ${e.split('\n').slice(0, 12).join('\n  ')}`);
    }
    await page.screenshot({ path: path.join(artifactsDir, 'final.png') }).catch((e: Error) =>
      console.error(`e2e: no final screenshot: ${e.message}`));
    return code;
  } finally {
    clearTimeout(timer);
    await browser?.close();
    await server?.stop();
    removeScratchDir(runDir);
  }
}
