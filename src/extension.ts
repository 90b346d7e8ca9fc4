// Composition root: connection, model, event stream, views and commands. Every disposable goes into
// context.subscriptions; nothing here lets an error escape into the extension host.
import * as vscode from 'vscode';
import { UnavailableError } from '@containerd-explorer/client';
import { registerAllCommands } from './commands';
import type { CommandDeps } from './commands/shared/command-deps';
import { ReadOnlyDocuments, SCHEME } from './views/documents/read-only-documents';
import { VscodeHost, type Host } from './commands/shared/host';
import { ActiveNamespace } from './session/active-namespace';
import { resolveAddress } from './session/address-source';
import { ConnectionManager } from './session/connection-manager';
import { containerdConnect } from './session/containerd-connect';
import { EventHub } from './session/event-hub';
import { NetworkUpkeep } from './session/network-upkeep';
import { Session } from './session/session';
import { cniSettings } from './settings/cni-settings';
import { ExplorerModel } from './views/model/explorer-model';
import { ContainerNetworks } from './views/networks/container-networks';
import { NetworksView } from './views/networks/networks-view';
import { StorageViews } from './views/storage/storage-views';
import { createDaemonView, type DaemonView } from './views/tree/daemon-provider';
import { ExplorerViews } from './views/tree/views-controller';
import { registerWalkthrough } from './views/walkthrough';

/** What activate() returns: used by the in-host tests and the benchmarks. */
export interface ExplorerApi {
  session: Session;
  connection: ConnectionManager;
  model: ExplorerModel;
  hub: EventHub;
  active: ActiveNamespace;
  views: ExplorerViews;
  daemon: DaemonView;
  storage: StorageViews;
  documents: ReadOnlyDocuments;
  /** CNI: exit teardown and start-up sweep, the Containers view's network info, the Networks view. */
  network: { upkeep: NetworkUpkeep; containers: ContainerNetworks; view: NetworksView };
  /** The host commands use now (VS Code's window unless a test replaced it). */
  host(): Host;
  /** Replaces the window commands talk to (tests); undefined restores VS Code's own. */
  setHost(h: Host | undefined): void;
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
  const connection = new ConnectionManager({ ...containerdConnect(log), resolveAddress: () => resolveAddress(setting()), log });
  const model = new ExplorerModel({
    client: () => connection.client,
    failed: (e, what, client) => {
      if (e instanceof UnavailableError) connection.reportFailure(e, client);
      else log.warn(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    },
  });
  const hub = new EventHub(connection, model, log);
  const active = new ActiveNamespace({
    memory: context.globalState,
    setting: () => vscode.workspace.getConfiguration('containerd').get<string>('namespace'),
    remoteName: vscode.env.remoteName,
  });
  const session = new Session(connection, hub, active);
  const upkeep = new NetworkUpkeep({ connection, events: hub.onDidReceiveEvent, cni: cniSettings, log });
  const containerNetworks = new ContainerNetworks({
    client: () => connection.client, events: hub.onDidReceiveEvent, disconnected: upkeep.onDidDisconnect, synced: hub.onDidSync,
  });
  const networksView = new NetworksView({
    client: () => connection.client, activeNamespace: () => active.name, cni: cniSettings, events: hub.onDidReceiveEvent,
    changed: [connection.onDidChangeState, active.onDidChange], log,
  });
  const views = new ExplorerViews({ connection, model, active, hub, networks: containerNetworks });
  const daemon = createDaemonView(connection, log);
  const storage = new StorageViews(session, log);
  const documents = new ReadOnlyDocuments();
  const windowHost = new VscodeHost(documents);
  let host: Host = windowHost;
  context.subscriptions.push(session, model, active, upkeep, containerNetworks, networksView, views, daemon, storage, documents, ...registerWalkthrough(hub),
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('containerd.address')) connection.restart();
      if (e.affectsConfiguration('containerd.namespace')) active.settingChanged();
      if (e.affectsConfiguration('containerd.cni')) void networksView.refresh();
    }));

  const deps: CommandDeps = { context, session, connection, model, hub, active, log, host: () => host };
  context.subscriptions.push(...registerAllCommands(deps, documents, storage, networksView));
  return {
    session, connection, model, hub, active, views, daemon, storage, documents,
    network: { upkeep, containers: containerNetworks, view: networksView },
    host: () => host,
    setHost: (h) => { host = h ?? windowHost; },
  };
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
