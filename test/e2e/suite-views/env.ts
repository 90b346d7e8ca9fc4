// Helpers of the views suite inside the extension host: the extension's API, ctr against the private daemon,
// and event-driven waits on the tree providers (no polling).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExplorerApi } from '../../../src/extension';
import type { ExplorerTreeProvider } from '../../../src/views/tree/base-provider';
import type { ExplorerNode } from '../../../src/views/model/nodes';
import { runCtr, type CtrResult } from '../../harness/containerd';
import { ctrRunFlags } from './fixture';
import { ScriptedHost } from './scripted-host';

export const EXTENSION_ID = 'containerd-explorer.containerd-explorer';

export function daemonAddress(): string {
  const a = process.env.CONTAINERD_ADDRESS;
  assert.ok(a, 'CONTAINERD_ADDRESS is not set: the suite setup did not run');
  return a;
}

/** Activates the extension, opens its views and waits until the model holds the daemon's state. */
export async function explorer(): Promise<ExplorerApi> {
  const ext = vscode.extensions.getExtension<ExplorerApi | undefined>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  const api = await ext.activate();
  assert.ok(api, 'activate() returned no API: the extension failed to start (see its log)');
  await vscode.commands.executeCommand('containerd.namespaces.focus');
  await api.hub.whenSynced(30_000);
  await api.model.whenIdle();
  return api;
}

/** Before each test a fresh ScriptedHost installed in the extension (`use` gets it); the window's own after it. */
export function scriptedHostPerTest(api: () => ExplorerApi | undefined, use: (host: ScriptedHost, api: ExplorerApi) => void): void {
  beforeEach(() => {
    const a = api();
    assert.ok(a, 'the extension API is missing: the before hook failed');
    const host = new ScriptedHost(a.host());
    a.setHost(host);
    use(host, a);
  });
  afterEach(() => {
    api()?.setHost(undefined);
  });
}

/**
 * Hooks of a describe() whose tests run commands: the extension's API once, then before each test a fresh
 * ScriptedHost installed in it (removed after the test); `use` gets both before each test.
 */
export function withScriptedHost(use: (api: ExplorerApi, host: ScriptedHost) => void): void {
  let api: ExplorerApi | undefined;
  before(async () => {
    api = await explorer();
  });
  scriptedHostPerTest(() => api, (host, a) => use(a, host));
}

export async function ctr(args: string[], namespace = 'default'): Promise<CtrResult> {
  const r = await runCtr(daemonAddress(), args, { namespace });
  assert.strictEqual(r.code, 0, `ctr ${args.join(' ')} failed: ${r.stderr}`);
  return r;
}

export function ctrRun(id: string, image: string, ...cmd: string[]): Promise<CtrResult> {
  return ctr(['run', '-d', ...ctrRunFlags(process.env.E2E_CTRD_DIR ?? ''), image, id, ...cmd]);
}

export interface Row { node: ExplorerNode; label: string; description: string; tooltip: string; contextValue: string; icon: string }

function text(v: string | vscode.TreeItemLabel | vscode.MarkdownString | boolean | undefined): string {
  if (v === undefined || typeof v === 'boolean') return '';
  if (typeof v === 'string') return v;
  return 'label' in v ? v.label : v.value;
}

/** What VS Code would render for each root node of a provider. */
export function rows(provider: ExplorerTreeProvider, nodes: ExplorerNode[] = provider.rootNodes()): Row[] {
  return nodes.map((node) => {
    // As VS Code does on hover: getTreeItem, then resolveTreeItem fills the tooltip.
    const item = provider.resolveTreeItem(provider.getTreeItem(node), node);
    return {
      node, label: text(item.label), description: text(item.description), tooltip: text(item.tooltip as vscode.MarkdownString | string | undefined),
      contextValue: item.contextValue ?? '', icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '',
    };
  });
}

export function row(provider: ExplorerTreeProvider, label: string): Row | undefined {
  return rows(provider).find((r) => r.label === label);
}

/** Resolves once the provider's rows satisfy `check`: at once, or at the change that makes it so. */
export async function until(provider: ExplorerTreeProvider, what: string, check: (rs: Row[]) => boolean, timeoutMs = 15_000): Promise<Row[]> {
  if (check(rows(provider))) return rows(provider);
  try {
    const change = await provider.waitForChange((nodes) => check(rows(provider, nodes)), timeoutMs);
    return rows(provider, change.nodes);
  } catch {
    assert.fail(`${what}; rows now: ${JSON.stringify(rows(provider).map((r) => `${r.label} | ${r.description}`))}`);
  }
}
