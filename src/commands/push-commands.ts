// Push Image…: registered from extension.ts through this hook. Registry logins (SecretStorage) are Pull's.
import type * as vscode from 'vscode';
import { registerCommand, type CommandDeps } from './context';
import { pushImage } from './push-image';
import { RegistryLogins } from './registry-credentials';

export function registerPushCommands(context: vscode.ExtensionContext, deps: CommandDeps): vscode.Disposable[] {
  const logins = new RegistryLogins(context.secrets, context.globalState);
  return [registerCommand(deps, 'containerd.pushImage', (arg) => pushImage(deps, logins, arg))];
}
