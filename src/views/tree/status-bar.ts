// Status bar: connection state and active namespace; a click switches namespace (or shows the problem). The
// tooltip says which containerd answers and which pull Pull Image runs there (Transfer or client-side, and why).
import * as vscode from 'vscode';
import { pullMethodFor, type DaemonCapabilities } from '../../containerd';
import { pullSettings } from '../../commands/pull-settings';
import type { ConnectionState } from '../connection/connection-manager';
import type { ActiveNamespace } from '../connection/active-namespace';

/** Which pull the `containerd.pullMethod` setting gives on this daemon, as one Markdown line. */
export function describePullPath(capabilities: DaemonCapabilities, setting = pullSettings().method): string {
  const where = `(setting \`containerd.pullMethod\`: ${setting})`;
  try {
    const chosen = pullMethodFor(setting, capabilities.transfer);
    return `Pulls: **${chosen.method === 'transfer' ? 'by containerd (Transfer service)' : 'client-side'}**: ${chosen.reason} ${where}`;
  } catch (e) {
    return `Pulls: **fail**: ${e instanceof Error ? e.message : String(e)} ${where}`;
  }
}

/** The connected daemon in words: version, revision, UUID, snapshotter, pull path. */
export function describeDaemon(s: Extract<ConnectionState, { kind: 'connected' }>): string {
  const c = s.capabilities;
  const revision = c.revision ? ` (revision ${c.revision})` : '';
  return [
    `containerd ${s.version.version}${revision} at \`${s.target.socketPath}\``,
    describePullPath(c),
    `Snapshotter: ${c.defaultSnapshotter} (${c.snapshotterReason}); runtime ${c.runtime}${c.uuid ? `; daemon UUID ${c.uuid}` : ''}`,
  ].join('\n\n');
}

export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('containerd.status', vscode.StatusBarAlignment.Left, 50);
  private readonly listener: vscode.Disposable;
  private last: ConnectionState | undefined;

  constructor(private readonly active: ActiveNamespace) {
    this.item.name = 'Containerd';
    // The pull path follows the setting without a reconnect.
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('containerd.pullMethod') && this.last) this.update(this.last);
    });
  }

  /** What is on screen (text and tooltip as plain strings), for tests and the accessibility label. */
  get shown(): { text: string; tooltip: string } {
    const t = this.item.tooltip;
    return { text: this.item.text, tooltip: typeof t === 'string' ? t : t?.value ?? '' };
  }

  update(s: ConnectionState): void {
    this.last = s;
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
        item.tooltip = new vscode.MarkdownString(`${describeDaemon(s)}\n\nNamespace **${this.active.name}**: click to switch.`);
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

  dispose(): void {
    this.listener.dispose();
    this.item.dispose();
  }
}
