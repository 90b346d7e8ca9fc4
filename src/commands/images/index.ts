// The image commands, one table: Pull, Push, Tag, Remove, Copy Reference/Digest, Import/Export.
import type * as vscode from 'vscode';
import type { RegistryLogins } from '../registries/registry-credentials';
import { registerCommand, type CommandDeps } from '../shared/command-deps';
import { registerImageCommands } from './image-commands';
import { registerImageTransferCommands } from './import-export';
import { pullImage } from './pull-image';
import { PullHistory } from './pull-reference-prompt';
import { pushImage } from './push-image';

export function registerImageGroup(deps: CommandDeps, logins: RegistryLogins): vscode.Disposable[] {
  const history = new PullHistory(deps.context.globalState);
  return [
    registerCommand(deps, 'containerd.pullImage', (arg) => pullImage(deps, logins, history, arg)),
    registerCommand(deps, 'containerd.pushImage', (arg) => pushImage(deps, logins, arg)),
    ...registerImageCommands(deps),
    ...registerImageTransferCommands(deps),
  ];
}
