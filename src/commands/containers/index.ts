// The container commands, one table: Create, Start, Stop, Restart, Open Shell, Exec, Attach, Show Logs, Delete.
import type * as vscode from 'vscode';
import type { CommandDeps } from '../shared/command-deps';
import { registerRunCommands } from './container-commands';
import { registerContainerCommands } from './delete-containers';

export function registerContainerGroup(deps: CommandDeps): vscode.Disposable[] {
  return [...registerRunCommands(deps), ...registerContainerCommands(deps)];
}
