// Status bar: connection state and active namespace; a click switches namespace (or shows the problem). The
// tooltip says which containerd answers and which pull Pull Image runs there (Transfer or client-side, and why).
import * as vscode from 'vscode';
import { pullMethodFor, type DaemonCapabilities } from '@containerd-explorer/client';
import { pullSettings } from '../../settings/registry-settings';
import type { ConnectionState } from '../../session/connection-manager';
import type { ActiveNamespace } from '../../session/active-namespace';
import { Disposable } from '../../base/lifecycle';

/** Text from the daemon or the system (versions, paths, plugin errors) shown literally in Markdown: `1.6.20~ds1` must not strike through. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|~<>]/g, '\\$&');
}

type Style = 'markdown' | 'plain';
const strong = (text: string, style: Style): string => (style === 'markdown' ? `**${text}**` : text);
const literal = (text: string, style: Style): string => (style === 'markdown' ? escapeMarkdown(text) : text);

/** Which pull the `containerd.pullMethod` setting gives on this daemon, as one line. */
export function describePullPath(capabilities: DaemonCapabilities, style: Style = 'plain', setting = pullSettings().method): string {
  const where = literal(`(setting containerd.pullMethod: ${setting})`, style);
  try {
    const chosen = pullMethodFor(setting, capabilities.transfer);
    return `Pulls: ${strong(chosen.method === 'transfer' ? 'by containerd (Transfer service)' : 'client-side', style)}: ${literal(chosen.reason, style)} ${where}`;
  } catch (e) {
    return `Pulls: ${strong('fail', style)}: ${literal(e instanceof Error ? e.message : String(e), style)} ${where}`;
  }
}

/** The connected daemon in words: version, revision, pull path, snapshotter, runtime, UUID. */
export function describeDaemon(s: Extract<ConnectionState, { kind: 'connected' }>, style: Style = 'plain'): string {
  const c = s.capabilities;
  const revision = c.revision ? ` (revision ${c.revision})` : '';
  return [
    literal(`containerd ${s.version.version}${revision} at ${s.target.socketPath}`, style),
    describePullPath(c, style),
    literal(`Snapshotter: ${c.defaultSnapshotter} (${c.snapshotterReason}); runtime ${c.runtime}${c.uuid ? `; daemon UUID ${c.uuid}` : ''}`, style),
  ].join('\n\n');
}

export class ConnectionStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('containerd.status', vscode.StatusBarAlignment.Left, 50));
  private last: ConnectionState | undefined;
  /** The tooltip as a user reads it (no Markdown escapes). */
  private plainTooltip = '';

  constructor(private readonly active: ActiveNamespace) {
    super();
    this.item.name = 'Containerd';
    // The pull path follows the setting without a reconnect.
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('containerd.pullMethod') && this.last) this.update(this.last);
    }));
  }

  /** What is on screen (text and tooltip as a user reads them), for tests. */
  get shown(): { text: string; tooltip: string } {
    return { text: this.item.text, tooltip: this.plainTooltip };
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
        this.plainTooltip = item.tooltip;
        item.command = { command: 'containerd.namespaces.focus', title: 'Show Containerd' };
        break;
      case 'connected':
        item.text = `$(layers) containerd: ${this.active.name}`;
        item.tooltip = new vscode.MarkdownString(`${describeDaemon(s, 'markdown')}\n\nNamespace **${escapeMarkdown(this.active.name)}**: click to switch.`);
        this.plainTooltip = `${describeDaemon(s)}\n\nNamespace ${this.active.name}: click to switch.`;
        item.command = { command: 'containerd.switchNamespace', title: 'Switch Namespace' };
        break;
      case 'failed':
        item.text = '$(error) containerd: not connected';
        item.tooltip = `${s.error.message}\n\nClick for details.`;
        this.plainTooltip = item.tooltip;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        item.command = { command: 'containerd.namespaces.focus', title: 'Show Containerd' };
        break;
    }
    item.accessibilityInformation = { label: item.text.replace(/\$\([^)]*\)\s*/g, '') };
    item.show();
  }
}
