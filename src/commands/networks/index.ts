// The network commands, one table: Create Network…, Remove Network…, Refresh Networks (the Networks view), and on
// the Containers view's rows Open in Browser (a published port) and Copy Address.
import type * as vscode from 'vscode';
import { registerCommand, type CommandDeps } from '../shared/command-deps';
import { createNetworkCommand, removeNetworkCommand, type CreateNetworkAnswers } from './network-commands';
import { copyAddressCommand, openPortCommand } from './port-commands';

export interface NetworksViewLike { refresh(): Promise<void> }

export function registerNetworkGroup(deps: CommandDeps, view: NetworksViewLike | undefined): vscode.Disposable[] {
  return [
    registerCommand(deps, 'containerd.createNetwork', (arg) => createNetworkCommand(deps, arg && typeof arg === 'object' && 'name' in arg ? arg as CreateNetworkAnswers : undefined)),
    registerCommand(deps, 'containerd.removeNetwork', (arg) => removeNetworkCommand(deps, arg)),
    registerCommand(deps, 'containerd.refreshNetworks', () => view?.refresh()),
    registerCommand(deps, 'containerd.openPortInBrowser', (arg) => openPortCommand(deps, arg)),
    registerCommand(deps, 'containerd.copyContainerAddress', (arg) => copyAddressCommand(deps, arg)),
  ];
}
