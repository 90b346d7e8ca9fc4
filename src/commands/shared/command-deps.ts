// What every command handler gets, and the wrapper that keeps errors from escaping: a failed command shows one
// message (and a lost daemon triggers a reconnect), it never throws into VS Code.
import * as vscode from 'vscode';
import { UnavailableError, type ContainerdClient } from '@containerd-explorer/client';
import type { ActiveNamespace } from '../../session/active-namespace';
import type { ConnectionManager } from '../../session/connection-manager';
import type { EventHub } from '../../session/event-hub';
import type { Session } from '../../session/session';
import type { ExplorerModel } from '../../views/model/explorer-model';
import type { NamespaceModel } from '../../views/model/namespace-model';
import { nodeId, type ExplorerNode } from '../../views/model/nodes';
import { Cancelled, type Host } from './host';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  session: Session;
  connection: ConnectionManager;
  model: ExplorerModel;
  hub: EventHub;
  active: ActiveNamespace;
  log: vscode.LogOutputChannel;
  /** The window as commands see it: questions, notifications, progress, documents, terminals (tests swap it). */
  host(): Host;
}

const SYNC_TIMEOUT_MS = 15_000;

/** A client bound to `namespace` (default: the active one) as soon as containerd is connected; no listing waited for. */
export function clientFor(deps: CommandDeps, namespace = deps.active.name): Promise<ContainerdClient> {
  return deps.session.client(namespace);
}

/** For commands that read the views' model (pickers, "is it in use"): the client and the namespace's model, listed. */
export async function listed(deps: CommandDeps, namespace = deps.active.name): Promise<{ client: ContainerdClient; model: NamespaceModel }> {
  const client = await clientFor(deps, namespace);
  deps.hub.want();
  try {
    await deps.hub.whenSynced(SYNC_TIMEOUT_MS);
  } catch {
    const now = deps.connection.state;
    throw new Error(now.kind === 'failed' ? `Not connected to containerd: ${now.error.message}` : 'containerd did not answer in time');
  }
  const model = deps.model.model(namespace);
  if (!model.loaded || !model.tasksLoaded) await model.refresh();
  return { client, model };
}

/** Registers a command whose failures are reported, not thrown. The handler's result is returned (for tests). */
export function registerCommand(deps: CommandDeps, id: string, handler: (...args: unknown[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (e) {
      reportError(deps, id, e);
      return undefined;
    }
  });
}

export function reportError(deps: CommandDeps, id: string, e: unknown): void {
  if (e instanceof Cancelled) return;
  const message = e instanceof Error ? e.message : String(e);
  deps.log.error(`${id}: ${message}`);
  if (e instanceof UnavailableError) deps.connection.reportFailure(e);
  deps.host().error(message);
}

/** The nodes a command acts on: the multi-selection if the clicked node is part of it, else the clicked node. */
export function selected<T extends ExplorerNode>(type: T['type'], arg: unknown, all: unknown): T[] | undefined {
  const isT = (v: unknown): v is T => !!v && typeof v === 'object' && (v as { type?: unknown }).type === type;
  if (Array.isArray(all) && all.length && all.every(isT) && (!isT(arg) || all.some((n) => nodeId(n) === nodeId(arg)))) return all;
  if (isT(arg)) return [arg];
  return undefined;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
