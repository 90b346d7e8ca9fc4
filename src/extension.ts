import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Containerd', { log: true });
  context.subscriptions.push(log);
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
