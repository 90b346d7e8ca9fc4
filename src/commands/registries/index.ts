// The registry commands, one table: Log In, Log Out. The logins (SecretStorage) are shared with Pull and Push.
import type * as vscode from 'vscode';
import type { CommandDeps } from '../shared/command-deps';
import { registerRegistryCommands } from './login-commands';
import type { RegistryLogins } from './registry-credentials';

export function registerRegistryGroup(deps: CommandDeps, logins: RegistryLogins): vscode.Disposable[] {
  return registerRegistryCommands(deps, logins);
}
