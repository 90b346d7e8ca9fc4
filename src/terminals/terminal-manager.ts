// The integrated terminals this extension opened: named `<container>: <what>` (numbered when there are several),
// found again by key (one attached terminal per task), and released when the extension goes away: execs are
// killed, attached tasks detached.
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../base/lifecycle';

interface Closeable { close(): void }

interface Entry { key: string; name: string; pty: Closeable }

export interface OpenTerminal { terminal: vscode.Terminal; name: string }

export class TerminalManager extends Disposable {
  private readonly entries = new Map<vscode.Terminal, Entry>();

  /** `create` opens the terminal (the commands' host); the default is VS Code's window. */
  constructor(private readonly create: (options: vscode.ExtensionTerminalOptions) => vscode.Terminal = (o) => vscode.window.createTerminal(o)) {
    super();
    // Released newest first: the terminals go before the close listener.
    this._register(vscode.window.onDidCloseTerminal((t) => this.entries.delete(t)));
    this._register(toDisposable(() => {
      for (const [t, e] of this.entries) {
        e.pty.close();
        t.dispose();
      }
      this.entries.clear();
    }));
  }

  /** A free name: `redis: sh`, then `redis: sh (2)`, … */
  private uniqueName(base: string): string {
    const taken = new Set([...this.entries.values()].map((e) => e.name));
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base} (${n})`)) return `${base} (${n})`;
  }

  open(base: string, key: string, pty: vscode.Pseudoterminal & Closeable, icon = 'terminal'): OpenTerminal {
    const name = this.uniqueName(base);
    // Transient: after a reload there is no process behind it to reconnect to.
    const terminal = this.create({ name, pty, iconPath: new vscode.ThemeIcon(icon), isTransient: true });
    this.entries.set(terminal, { key, name, pty });
    terminal.show();
    return { terminal, name };
  }

  /** The open terminal with this key, if any. */
  find(key: string): vscode.Terminal | undefined {
    for (const [t, e] of this.entries) if (e.key === key) return t;
    return undefined;
  }

  /** Names of the open terminals (tests). */
  names(): string[] { return [...this.entries.values()].map((e) => e.name); }
}
