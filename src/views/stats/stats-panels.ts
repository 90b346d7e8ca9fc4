// The Stats webview panels: one per task (revealed if already open) and one per namespace for all its running tasks.
// A panel samples only while visible (its StatsFeed starts and stops with onDidChangeViewState) and keeps the data
// in the extension host, so a webview that VS Code unloads while hidden gets its history back when it reloads.
import * as vscode from 'vscode';
import type { ContainerdClient } from '@containerd-explorer/client';
import { Disposable } from '../../base/lifecycle';
import type { HostMessage, WebviewMessage } from './stats-data';
import { StatsFeed } from './stats-feed';
import { statsHtml } from './stats-html';

export interface StatsTarget { namespace: string; containerId?: string }

export interface StatsPanelsOptions {
  extensionUri: vscode.Uri;
  client(namespace: string): Promise<ContainerdClient>;
  log: vscode.LogOutputChannel;
  intervalMs?: number;
}

const VIEW_TYPE = 'containerd.stats';

const keyOf = (t: StatsTarget): string => `${t.namespace}\u0000${t.containerId ?? ''}`;
const titleOf = (t: StatsTarget): string => (t.containerId ? `Stats: ${t.containerId}` : `Stats: namespace ${t.namespace}`);

class StatsPanel extends Disposable {
  readonly feed: StatsFeed;

  constructor(readonly panel: vscode.WebviewPanel, private readonly target: StatsTarget, options: StatsPanelsOptions, onDispose: () => void) {
    super();
    this.feed = this._register(new StatsFeed({
      namespace: target.namespace, containerId: target.containerId, client: options.client, intervalMs: options.intervalMs,
      log: (m) => options.log.warn(m),
    }));
    const webview = panel.webview;
    webview.html = statsHtml(webview, vscode.Uri.joinPath(options.extensionUri, 'dist', 'webview'), titleOf(target));
    this._register(this.feed.onBatch((samples) => this.post({ type: 'samples', samples })));
    this._register(this.feed.onError((text) => this.post({ type: 'status', text: `Sampling failed, retrying: ${text}`, error: true })));
    this._register(webview.onDidReceiveMessage((m: WebviewMessage) => { if (m?.type === 'ready') this.sendInit(); }));
    this._register(panel.onDidChangeViewState(() => this.follow()));
    this._register(panel.onDidDispose(() => { onDispose(); this.dispose(); }));
    this.follow();
  }

  /** Samples while the panel is on screen, not while it sits in a background tab. */
  private follow(): void {
    if (this.panel.visible) this.feed.start();
    else this.feed.stop();
  }

  private sendInit(): void {
    this.post({
      type: 'init', mode: this.target.containerId ? 'task' : 'namespace', namespace: this.target.namespace,
      containerId: this.target.containerId, windowSeconds: this.feed.windowSeconds, tasks: this.feed.history(),
    });
  }

  private post(m: HostMessage): void {
    // A hidden webview may be unloaded; it asks for the history again when it comes back ('ready').
    void this.panel.webview.postMessage(m).then(undefined, () => undefined);
  }

  override dispose(): void {
    super.dispose();
    this.panel.dispose();
  }
}

export class StatsPanels extends Disposable {
  private readonly panels = new Map<string, StatsPanel>();

  constructor(private readonly options: StatsPanelsOptions) {
    super();
    this._register({ dispose: () => { for (const p of [...this.panels.values()]) p.dispose(); this.panels.clear(); } });
  }

  /** Opens the target's panel, or reveals the one already open. Its feed is returned too (tests, benchmarks). */
  show(target: StatsTarget): { panel: vscode.WebviewPanel; feed: StatsFeed } {
    const key = keyOf(target);
    const open = this.panels.get(key);
    if (open) {
      open.panel.reveal();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, titleOf(target), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.options.extensionUri, 'dist', 'webview')],
    });
    panel.iconPath = vscode.Uri.joinPath(this.options.extensionUri, 'media', 'containerd.svg');
    const created = new StatsPanel(panel, target, this.options, () => this.panels.delete(key));
    this.panels.set(key, created);
    return created;
  }
}
