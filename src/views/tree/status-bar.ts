// Status bar: connection state and active namespace; a click switches namespace (or shows the problem).
import * as vscode from 'vscode';
import type { ConnectionState } from '../connection/connection-manager';
import type { ActiveNamespace } from '../connection/active-namespace';

export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('containerd.status', vscode.StatusBarAlignment.Left, 50);

  constructor(private readonly active: ActiveNamespace) {
    this.item.name = 'Containerd';
  }

  update(s: ConnectionState): void {
    const item = this.item;
    item.backgroundColor = undefined;
    switch (s.kind) {
      case 'idle':
        item.hide();
        return;
      case 'connecting':
        item.text = `$(sync~spin) containerd: ${this.active.name}`;
        item.tooltip = `${s.reconnecting ? 'Reconnecting' : 'Connecting'} to containerd at ${s.target.socketPath}…`;
        item.command = { command: 'containerd.namespaces.focus', title: 'Show Containerd' };
        break;
      case 'connected':
        item.text = `$(layers) containerd: ${this.active.name}`;
        item.tooltip = new vscode.MarkdownString(`containerd ${s.version.version} at \`${s.target.socketPath}\`\n\nNamespace **${this.active.name}**: click to switch.`);
        item.command = { command: 'containerd.switchNamespace', title: 'Switch Namespace' };
        break;
      case 'failed':
        item.text = '$(error) containerd: not connected';
        item.tooltip = `${s.error.message}\n\nClick for details.`;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        item.command = { command: 'containerd.namespaces.focus', title: 'Show Containerd' };
        break;
    }
    item.accessibilityInformation = { label: item.text.replace(/\$\([^)]*\)\s*/g, '') };
    item.show();
  }

  dispose(): void { this.item.dispose(); }
}
