// Where the e2e toolchain lives: paths recorded by scripts/e2e-setup.mjs in its stamp file.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository root: this file is compiled to out/test/e2e/runner/toolchain.js. */
export const projectRoot = path.resolve(__dirname, '..', '..', '..', '..');

export interface Toolchain {
  /** Node 24 binary (code-server 4.139 refuses Node 20). */
  nodeBin: string;
  /** code-server's out/node/entry.js. */
  codeServerEntry: string;
  /** Debian's Chromium (never a browser downloaded by playwright). */
  chromium: string;
}

export function loadToolchain(): Toolchain {
  const stampFile = path.join(projectRoot, '.vscode-test', 'e2e-toolchain.json');
  let stamp: { nodeBin?: unknown; codeServerEntry?: unknown };
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as typeof stamp;
  } catch {
    throw new Error(`${stampFile} not found: run \`node scripts/e2e-setup.mjs\` first`);
  }
  if (typeof stamp.nodeBin !== 'string' || typeof stamp.codeServerEntry !== 'string') {
    throw new Error(`${stampFile} is incomplete: run \`node scripts/e2e-setup.mjs\` again`);
  }
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  for (const p of [stamp.nodeBin, stamp.codeServerEntry, chromium]) {
    if (!fs.existsSync(p)) throw new Error(`${p} is missing: run \`node scripts/e2e-setup.mjs\``);
  }
  return { nodeBin: stamp.nodeBin, codeServerEntry: stamp.codeServerEntry, chromium };
}

// Scratch folders still in use; removed on exit too, so an interrupted run leaves none behind.
const scratchDirs = new Set<string>();
let exitHookInstalled = false;

/**
 * A fresh absolute scratch folder for one run (code-server breaks on relative dirs). Under the temp dir,
 * not the checkout: VS Code puts unix sockets in it and their paths must stay under 108 bytes.
 */
export function makeScratchDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ce-e2e-${label.replace(/[^\w.-]/g, '_')}-`));
  scratchDirs.add(dir);
  if (!exitHookInstalled) {
    // Installed late on purpose: 'exit' listeners run in order, and code-server.ts's (which kills
    // the servers using these folders) is installed when that module loads, before any run starts.
    process.on('exit', () => {
      for (const d of scratchDirs) removeScratchDir(d);
    });
    exitHookInstalled = true;
  }
  return dir;
}

/** Removes a scratch folder, unless E2E_KEEP_RUN_DIR asks to keep them for a post-mortem. */
export function removeScratchDir(dir: string): void {
  scratchDirs.delete(dir);
  if (process.env.E2E_KEEP_RUN_DIR) console.log(`e2e: kept ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
