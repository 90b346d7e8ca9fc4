// "Way 1": drives the workbench UI as a user would. The extension is installed into a private
// code-server the way a .vsix install lays it out, and a UI script gets a playwright Page plus helpers.
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, recordConsole, type Browser } from './browser';
import { startCodeServer, type CodeServer } from './code-server';
import { makeScratchDir, projectRoot, removeScratchDir } from './toolchain';
import * as h from './ui-helpers';

export interface UiSession {
  page: Page;
  /** Folder opened in the window. */
  workspaceFolder: string;
  /** Screenshot of the page into the artifacts folder as NN-<name>.png; returns the file path. */
  shot(name: string): Promise<string>;
  openPalette(command: string): Promise<void>;
  quickPickRow(text: string): Locator;
  findListRow(container: string, text: string): Promise<Locator>;
  activity(title: string): Locator;
  clickActivity(title: string): Promise<void>;
  treeItem(name: string | RegExp): Locator;
  notifications(): Promise<string[]>;
  terminalText(): Promise<string>;
}

/** What a `*.ui.ts` file exports. Throwing fails the script. */
export type UiScript = (ui: UiSession) => Promise<void>;

export interface UiRunOptions {
  name: string;
  script: UiScript;
  /** Environment of code-server, inherited by the extension host (e.g. CONTAINERD_ADDRESS). */
  env?: Record<string, string>;
  workspaceFolder?: string;
  /** Merged into User/settings.json. */
  settings?: Record<string, unknown>;
  artifactsDir: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
// Not part of an installed extension; everything else at the top level is copied (like a .vsix).
const NOT_SHIPPED = new Set(['node_modules', 'out', 'src', 'test', 'bench', 'scripts', 'docs', 'packages',
  'test-artifacts', 'dist-vsix', '.vscode-test', '.git', '.ci', '.github', '.vscode']);

interface Manifest { publisher: string; name: string; version: string }

/**
 * Copies the built extension to <extensions-dir>/<publisher>.<name>-<version>. A copy (not a symlink)
 * so a rebuild of dist/ during the run cannot change what is under test.
 */
export function installExtension(extensionsDir: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as Manifest;
  const main = path.join(projectRoot, 'dist', 'extension.js');
  if (!fs.existsSync(main)) throw new Error(`${main} not found: build the extension first (node esbuild.mjs)`);
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  for (const entry of fs.readdirSync(projectRoot)) {
    if (NOT_SHIPPED.has(entry) || entry.endsWith('.vsix')) continue;
    fs.cpSync(path.join(projectRoot, entry), path.join(target, entry), { recursive: true });
  }
  return target;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function runUiScript(opts: UiRunOptions): Promise<number> {
  const artifactsDir = path.resolve(opts.artifactsDir);
  const runDir = makeScratchDir(opts.name);
  const workspaceFolder = path.resolve(opts.workspaceFolder ?? path.join(runDir, 'workspace'));
  fs.mkdirSync(workspaceFolder, { recursive: true });
  fs.mkdirSync(artifactsDir, { recursive: true });

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let shots = 0;
  try {
    server = await startCodeServer({
      runDir, workspaceFolder, artifactsDir, env: opts.env,
      // DOM-rendered terminal rows, so terminalText() can read them.
      settings: { 'terminal.integrated.gpuAcceleration': 'off', ...opts.settings },
      beforeStart: installExtension,
    });
    browser = await launchBrowser();
    const { page } = browser;
    recordConsole(page, path.join(artifactsDir, 'browser-console.log'));

    const shot = async (name: string): Promise<string> => {
      const file = path.join(artifactsDir, `${String(++shots).padStart(2, '0')}-${name.replace(/[^\w.-]/g, '_')}.png`);
      await page.screenshot({ path: file });
      return file;
    };
    const session: UiSession = {
      page, workspaceFolder, shot,
      openPalette: (command) => h.openPalette(page, command),
      quickPickRow: (text) => h.quickPickRow(page, text),
      findListRow: (container, text) => h.findListRow(page, container, text),
      activity: (title) => h.activity(page, title),
      clickActivity: (title) => h.clickActivity(page, title),
      treeItem: (name) => h.treeItem(page, name),
      notifications: () => h.notifications(page),
      terminalText: () => h.terminalText(page),
    };
    try {
      await withTimeout((async () => {
        await page.goto(server.url);
        await h.waitForWorkbench(page);
        await opts.script(session);
      })(), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, opts.name);
      return 0;
    } catch (err) {
      console.error(`e2e: ${opts.name} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      await shot('failure').catch(() => undefined);
      return 1;
    }
  } finally {
    await browser?.close();
    await server?.stop();
    removeScratchDir(runDir);
  }
}
