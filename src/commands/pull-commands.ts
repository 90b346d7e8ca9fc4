// Hook for the pull issue: Pull Image…, Import Image…, Export Image…, Log In to Registry…. package.json already
// contributes containerd.pullImage, containerd.importImage, containerd.exportImage and containerd.registryLogin
// with their menus (Images view title, namespace nodes, image nodes); register the handlers here.
import type * as vscode from 'vscode';
import type { CommandDeps } from './context';

export function registerPullCommands(_context: vscode.ExtensionContext, _deps: CommandDeps): vscode.Disposable[] {
  return [];
}
