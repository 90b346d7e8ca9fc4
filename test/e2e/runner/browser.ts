// Debian's Chromium driven by playwright-core (never `playwright install`: it would download a browser).
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadToolchain, makeScratchDir, removeScratchDir } from './toolchain';

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchBrowser(): Promise<Browser> {
  const profile = makeScratchDir('chromium');
  const remove = (): void => removeScratchDir(profile);
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: loadToolchain().chromium,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      // Chromium writes its config and cache under XDG dirs, otherwise into $HOME.
      env: { ...process.env, XDG_CONFIG_HOME: path.join(profile, 'config'), XDG_CACHE_HOME: path.join(profile, 'cache') },
    });
    const page = context.pages()[0] ?? await context.newPage();
    return {
      context, page,
      close: async () => {
        await context.close().catch(() => undefined);
        remove();
      },
    };
  } catch (err) {
    remove();
    throw err;
  }
}

/** Writes the page's console and uncaught errors to `file` (an artifact); returns the stream for more. */
export function recordConsole(page: Page, file: string): fs.WriteStream {
  const out = fs.createWriteStream(file);
  page.on('console', (m) => out.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => out.write(`[pageerror] ${e.stack ?? e.message}\n`));
  page.on('close', () => out.end());
  return out;
}
