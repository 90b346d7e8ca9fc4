// Pull Image…, Import Image…, Export Image…, Log In to Registry…, Log Out of Registry…: registered from
// extension.ts through this hook. Registry logins live in SecretStorage; pull history in globalState.
import type * as vscode from 'vscode';
import { registerCommand, type CommandDeps } from './context';
import { registerImageTransferCommands } from './image-transfer-commands';
import { pullImage } from './pull-image';
import { PullHistory } from './pull-reference-prompt';
import { registerRegistryCommands } from './registry-commands';
import { RegistryLogins } from './registry-credentials';

export function registerPullCommands(context: vscode.ExtensionContext, deps: CommandDeps): vscode.Disposable[] {
  const logins = new RegistryLogins(context.secrets, context.globalState);
  const history = new PullHistory(context.globalState);
  return [
    registerCommand(deps, 'containerd.pullImage', (arg) => pullImage(deps, logins, history, arg)),
    ...registerRegistryCommands(deps, logins),
    ...registerImageTransferCommands(deps),
  ];
}
