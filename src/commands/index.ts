// Every command of the extension, by resource: each group registers its own table. Inspect Image and Inspect
// Container share their document renderers, so they register together.
import type * as vscode from 'vscode';
import type { ReadOnlyDocuments } from '../views/documents/read-only-documents';
import { registerConnectionGroup } from './connection';
import { registerContainerGroup } from './containers';
import { registerImageGroup } from './images';
import { registerNamespaceGroup } from './namespaces';
import { registerNetworkGroup, type NetworksViewLike } from './networks';
import { registerRegistryGroup } from './registries';
import { RegistryLogins } from './registries/registry-credentials';
import type { CommandDeps } from './shared/command-deps';
import { registerInspectCommands } from './shared/inspect';
import { registerStatsGroup } from './stats';
import { registerStorageGroup } from './storage';
import type { StorageViewsLike } from './storage/storage-items';
import { registerTaskGroup } from './tasks';

export function registerAllCommands(deps: CommandDeps, docs: ReadOnlyDocuments, storage: StorageViewsLike, networks?: NetworksViewLike): vscode.Disposable[] {
  const logins = new RegistryLogins(deps.context.secrets, deps.context.globalState);
  return [
    ...registerConnectionGroup(deps, docs),
    ...registerNamespaceGroup(deps),
    ...registerImageGroup(deps, logins),
    ...registerRegistryGroup(deps, logins),
    ...registerContainerGroup(deps),
    ...registerTaskGroup(deps, docs),
    ...registerStorageGroup(deps, docs, storage),
    ...registerStatsGroup(deps),
    ...registerNetworkGroup(deps, networks),
    ...registerInspectCommands(deps, docs),
  ];
}
