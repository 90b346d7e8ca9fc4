// Namespace commands: use/switch (status bar and palette), create (validated name), delete (refused while
// non-empty, with what is left), edit labels.
import type * as vscode from 'vscode';
import { FailedPreconditionError, identifierProblem } from '@containerd-explorer/client';
import { formatLabels, parseLabels } from '../../views/model/format';
import type { NamespaceNode } from '../../views/model/nodes';
import { clientFor, plural, registerCommand, selected, type CommandDeps } from '../shared/command-deps';
import { pickNamespace } from '../shared/pickers';
import { Cancelled } from '../shared/host';

async function target(deps: CommandDeps, arg: unknown, title: string, filter?: (name: string) => boolean): Promise<NamespaceNode> {
  return selected<NamespaceNode>('namespace', arg, undefined)?.[0] ?? pickNamespace(deps, title, filter);
}

async function useNamespace(deps: CommandDeps, arg: unknown): Promise<string> {
  const ns = await target(deps, arg, 'Switch to namespace');
  deps.active.set(ns.name);
  return ns.name;
}

async function createNamespace(deps: CommandDeps): Promise<string> {
  const client = await clientFor(deps);
  const name = await deps.host().input({
    title: 'Create namespace', prompt: 'Letters and digits, separated by single ".", "_" or "-"', placeHolder: 'e.g. dev',
    validateInput: (v) => identifierProblem(v.trim(), 'namespace') ?? (deps.model.namespaces.has(v.trim()) ? `namespace "${v.trim()}" already exists` : undefined),
  });
  if (!name) throw new Cancelled();
  const labelsText = await deps.host().input({ title: `Labels of ${name.trim()} (optional)`, prompt: 'key=value, separated by commas; leave empty for none', value: '' });
  if (labelsText === undefined) throw new Cancelled();
  await client.namespaces.create(name.trim(), parseLabels(labelsText));
  await deps.model.reloadNamespace(name.trim());
  return name.trim();
}

function contents(deps: CommandDeps, name: string): string[] {
  const m = deps.model.model(name);
  const parts: string[] = [];
  if (m.images.size) parts.push(plural(m.images.size, 'image'));
  if (m.containers.size) parts.push(plural(m.containers.size, 'container'));
  return parts;
}

async function deleteNamespace(deps: CommandDeps, arg: unknown): Promise<boolean> {
  const ns = await target(deps, arg, 'Delete namespace');
  const client = await clientFor(deps, ns.name);
  const left = contents(deps, ns.name);
  if (left.length) {
    deps.host().warn(`Namespace "${ns.name}" is not empty: it still holds ${left.join(' and ')}. Delete them first; containerd only deletes empty namespaces.`);
    return false;
  }
  if (!(await deps.host().confirm(`Delete namespace "${ns.name}"?`, { detail: 'It holds no images or containers.', action: 'Delete' }))) throw new Cancelled();
  try {
    await client.namespaces.delete(ns.name);
  } catch (e) {
    if (!(e instanceof FailedPreconditionError)) throw e;
    // Snapshots, content or leases can remain after images and containers are gone.
    deps.host().warn(`containerd refused to delete namespace "${ns.name}": ${e.message}`);
    return false;
  }
  if (deps.active.name === ns.name) deps.active.set('default');
  return true;
}

async function editLabels(deps: CommandDeps, arg: unknown): Promise<Record<string, string>> {
  const ns = await target(deps, arg, 'Edit labels of namespace', (n) => deps.model.namespaces.has(n));
  const client = await clientFor(deps);
  const old = deps.model.namespaces.get(ns.name)?.labels ?? {};
  const text = await deps.host().input({
    title: `Labels of namespace ${ns.name}`, prompt: 'key=value, separated by commas; remove an entry to delete that label',
    value: formatLabels(old),
    validateInput: (v) => { try { parseLabels(v); return undefined; } catch (e) { return (e as Error).message; } },
  });
  if (text === undefined) throw new Cancelled();
  const next = parseLabels(text);
  const change: Record<string, string> = { ...next };
  for (const k of Object.keys(old)) if (!(k in next)) change[k] = '';
  if (Object.keys(change).length) await client.namespaces.updateLabels(ns.name, change);
  await deps.model.reloadNamespace(ns.name);
  return deps.model.namespaces.get(ns.name)?.labels ?? {};
}

export function registerNamespaceCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    registerCommand(deps, 'containerd.useNamespace', (arg) => useNamespace(deps, arg)),
    registerCommand(deps, 'containerd.switchNamespace', () => useNamespace(deps, undefined)),
    registerCommand(deps, 'containerd.createNamespace', () => createNamespace(deps)),
    registerCommand(deps, 'containerd.deleteNamespace', (arg) => deleteNamespace(deps, arg)),
    registerCommand(deps, 'containerd.editNamespaceLabels', (arg) => editLabels(deps, arg)),
  ];
}
