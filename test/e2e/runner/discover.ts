// Finds the compiled e2e suites and the optional per-suite fixture (e.g. a private containerd).
import * as fs from 'fs';
import * as path from 'path';

/** Compiled test/e2e folder (this file is out/test/e2e/runner/discover.js). */
export const e2eOutDir = path.resolve(__dirname, '..');

export type E2eEntry =
  | { kind: 'inhost'; name: string; dir: string }
  | { kind: 'ui'; name: string; file: string; netns?: boolean };

/**
 * What a suite's optional setup.ts (in-host suites) or a UI script's `setup` export returns. It runs
 * in the runner process, outside VS Code, before code-server starts.
 */
export interface SuiteFixture {
  /** Environment for the extension host, e.g. { CONTAINERD_ADDRESS: <private daemon socket> }. */
  env?: Record<string, string>;
  workspaceFolder?: string;
  /** User settings for the run (machine-scoped settings cannot be set per workspace). */
  settings?: Record<string, unknown>;
  teardown?: () => Promise<void>;
}
export type SuiteSetup = () => Promise<SuiteFixture>;

/**
 * The extension host's environment for a suite. E2E_SUITE lets a suite check that the runner's
 * environment arrives. Without a fixture's daemon the extension gets a socket that cannot exist, so it
 * never probes the system's /run/containerd.
 */
export function suiteEnv(entry: E2eEntry, fixture: SuiteFixture): Record<string, string> {
  return { E2E_SUITE: entry.name, CONTAINERD_ADDRESS: '/nonexistent/containerd-explorer-e2e/containerd.sock', ...fixture.env };
}

/**
 * In-host suites are test/e2e/suite-<x>/ folders with an index; UI scripts are test/e2e/ui/<x>.ui.ts, and
 * <x>.netns.ui.ts for scripts that make interfaces and iptables rules: those run only when named (--only), in their
 * own phase under scripts/in-netns.sh, never in a plain run on this machine's network.
 */
export function discoverEntries(outDir = e2eOutDir): E2eEntry[] {
  const entries: E2eEntry[] = [];
  for (const d of fs.readdirSync(outDir).sort()) {
    const dir = path.join(outDir, d);
    if (d.startsWith('suite-') && fs.existsSync(path.join(dir, 'index.js'))) entries.push({ kind: 'inhost', name: d, dir });
  }
  const uiDir = path.join(outDir, 'ui');
  if (fs.existsSync(uiDir)) {
    for (const f of fs.readdirSync(uiDir).sort()) {
      const netns = f.endsWith('.netns.ui.js');
      if (f.endsWith('.ui.js')) entries.push({ kind: 'ui', name: `ui-${f.slice(0, -(netns ? '.netns.ui.js' : '.ui.js').length)}`, file: path.join(uiDir, f), ...(netns ? { netns } : {}) });
    }
  }
  return entries;
}

/** `--only a,b` (repeatable) keeps the named entries; anything else on the command line is an error. */
export function selectEntries(entries: E2eEntry[], argv: string[]): E2eEntry[] {
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--only' && argv[i + 1]) only.push(...argv[++i].split(',').filter(Boolean));
    else throw new Error(`unknown argument ${argv[i]}; usage: [--only <name>[,<name>]]`);
  }
  if (only.length === 0) return entries.filter((e) => !(e.kind === 'ui' && e.netns));
  const unknown = only.filter((n) => !entries.some((e) => e.name === n));
  if (unknown.length) throw new Error(`no e2e suite named ${unknown.join(', ')}; known: ${entries.map((e) => e.name).join(', ')}`);
  return entries.filter((e) => only.includes(e.name));
}

/** Loads an in-host suite's setup.js or a UI script's `setup` export, if there is one. */
export function loadSetup(entry: E2eEntry): SuiteSetup | undefined {
  const file = entry.kind === 'inhost' ? path.join(entry.dir, 'setup.js') : entry.file;
  if (!fs.existsSync(file)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { setup?: SuiteSetup };
  return mod.setup;
}
