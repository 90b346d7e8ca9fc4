// The namespace the Images, Containers and Tasks views show. Remembered per machine: in globalState keyed by the
// remote (Remote-SSH host, WSL distro, or local) and the socket, so two hosts or two daemons keep their own choice.
import * as vscode from 'vscode';
import { defaultNamespace } from '@containerd-explorer/client';

const KEY_PREFIX = 'containerd.activeNamespace';

export class ActiveNamespace implements vscode.Disposable {
  private current: string;
  private socketPath = '';
  private readonly emitter = new vscode.EventEmitter<string>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly state: vscode.Memento) {
    this.current = this.configured();
  }

  get name(): string { return this.current; }

  /** The setting, else $CONTAINERD_NAMESPACE, else `default`. */
  private configured(): string {
    const setting = vscode.workspace.getConfiguration('containerd').get<string>('namespace')?.trim();
    return setting || defaultNamespace();
  }

  private key(): string {
    return `${KEY_PREFIX}:${vscode.env.remoteName ?? 'local'}:${this.socketPath}`;
  }

  /** Connected to a (possibly different) socket: restore what was chosen there. */
  useSocket(socketPath: string): void {
    if (socketPath === this.socketPath) return;
    this.socketPath = socketPath;
    this.set(this.state.get<string>(this.key()) ?? this.configured(), false);
  }

  /** The `containerd.namespace` setting changed: follow it. */
  settingChanged(): void {
    this.set(this.configured(), true);
  }

  set(name: string, persist = true): void {
    if (persist && this.socketPath) void this.state.update(this.key(), name);
    if (name === this.current) return;
    this.current = name;
    this.emitter.fire(name);
  }

  dispose(): void { this.emitter.dispose(); }
}
