// Composition root: connection, model, event stream, views and commands. Every disposable goes into
// context.subscriptions; nothing here lets an error escape into the extension host.
import * as vscode from 'vscode';
import { UnavailableError } from '@containerd-explorer/client';
import { registerCheckSetupCommand } from './commands/check-setup';
import { registerConnectionCommands } from './commands/connection';
import { registerContainerCommands } from './commands/containers';
import type { CommandDeps } from './commands/context';
import { ContainerdDocuments, SCHEME } from './commands/documents';
import { registerImageCommands } from './commands/images';
import { registerInspectCommands } from './commands/inspect';
import { registerMetricsCommands } from './commands/metrics';
import { registerNamespaceCommands } from './commands/namespaces';
import { vscodePrompter, type Prompter } from './commands/prompts';
import { registerPullCommands } from './commands/pull-commands';
import { registerPushCommands } from './commands/push-commands';
import { registerRunCommands } from './commands/run-commands';
import { registerTaskCommands } from './commands/tasks';
import { ActiveNamespace } from './views/connection/active-namespace';
import { resolveAddress } from './views/connection/address-source';
import { ConnectionManager } from './views/connection/connection-manager';
import { EventHub } from './views/events/event-hub';
import { ExplorerModel } from './views/model/explorer-model';
import { createDaemonView, type DaemonView } from './views/tree/daemon-provider';
import { ExplorerViews } from './views/tree/views-controller';
import { registerWalkthrough } from './views/walkthrough';

/** What activate() returns: used by the in-host tests and the benchmarks. */
export interface ExplorerApi {
  connection: ConnectionManager;
  model: ExplorerModel;
  hub: EventHub;
  active: ActiveNamespace;
  views: ExplorerViews;
  daemon: DaemonView;
  documents: ContainerdDocuments;
  /** Replaces the dialogs and pickers commands use (tests); undefined restores VS Code's own. */
  setPrompter(p: Prompter | undefined): void;
}

export function activate(context: vscode.ExtensionContext): ExplorerApi | undefined {
  const log = vscode.window.createOutputChannel('Containerd', { log: true });
  context.subscriptions.push(log);
  try {
    return compose(context, log);
  } catch (e) {
    log.error(`Containerd Explorer failed to start: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    void vscode.window.showErrorMessage(`Containerd Explorer failed to start: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

function compose(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): ExplorerApi {
  const setting = (): string | undefined => vscode.workspace.getConfiguration('containerd').get<string>('address');
  const connection = new ConnectionManager({ resolveAddress: () => resolveAddress(setting()), log });
  const model = new ExplorerModel({
    client: () => connection.client,
    failed: (e, what, client) => {
      if (e instanceof UnavailableError) connection.reportFailure(e, client);
      else log.warn(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    },
  });
  const hub = new EventHub(connection, model, log);
  const active = new ActiveNamespace(context.globalState);
  const views = new ExplorerViews({ connection, model, active, hub });
  const daemon = createDaemonView(connection, log);
  const documents = new ContainerdDocuments();
  let prompter: Prompter = vscodePrompter;
  context.subscriptions.push(connection, model, hub, active, views, daemon, documents, ...registerWalkthrough(hub),
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('containerd.address')) connection.restart();
      if (e.affectsConfiguration('containerd.namespace')) active.settingChanged();
    }));

  const deps: CommandDeps = { context, connection, model, hub, active, views, log, prompts: () => prompter };
  context.subscriptions.push(
    ...registerConnectionCommands(deps, documents),
    ...registerNamespaceCommands(deps),
    ...registerImageCommands(deps),
    ...registerContainerCommands(deps),
    ...registerTaskCommands(deps),
    ...registerInspectCommands(deps, documents),
    ...registerMetricsCommands(deps, documents),
    ...registerCheckSetupCommand(deps, documents),
    // Filled by the run and pull work: they register their own command handlers through these hooks.
    ...registerRunCommands(context, deps),
    ...registerPullCommands(context, deps),
    ...registerPushCommands(context, deps),
  );
  return {
    connection, model, hub, active, views, daemon, documents,
    setPrompter: (p) => { prompter = p ?? vscodePrompter; },
  };
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
