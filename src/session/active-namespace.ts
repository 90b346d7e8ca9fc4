// The namespace the Images, Containers and Tasks views show. Remembered per machine: in globalState keyed by the
// remote (Remote-SSH host, WSL distro, or local) and the socket, so two hosts or two daemons keep their own choice.
// Free of `vscode`: the composition root hands in the memento, the setting and the remote's name.
import { defaultNamespace } from '@containerd-explorer/client';
import { Emitter, type Event } from '../base/emitter';
import { Disposable } from '../base/lifecycle';

const KEY_PREFIX = 'containerd.activeNamespace';

/** The part of vscode.Memento used here. */
export interface NamespaceMemory {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export interface ActiveNamespaceOptions {
  memory: NamespaceMemory;
  /** The `containerd.namespace` setting as it is now. */
  setting: () => string | undefined;
  /** vscode.env.remoteName: undefined in a local window. */
  remoteName?: string;
}

export class ActiveNamespace extends Disposable {
  private current: string;
  private socketPath = '';
  private readonly emitter = this._register(new Emitter<string>());
  readonly onDidChange: Event<string> = this.emitter.event;

  constructor(private readonly options: ActiveNamespaceOptions) {
    super();
    this.current = this.configured();
  }

  get name(): string { return this.current; }

  /** The setting, else $CONTAINERD_NAMESPACE, else `default`. */
  private configured(): string {
    return this.options.setting()?.trim() || defaultNamespace();
  }

  private key(): string {
    return `${KEY_PREFIX}:${this.options.remoteName ?? 'local'}:${this.socketPath}`;
  }

  /** Connected to a (possibly different) socket: restore what was chosen there. */
  useSocket(socketPath: string): void {
    if (socketPath === this.socketPath) return;
    this.socketPath = socketPath;
    this.set(this.options.memory.get<string>(this.key()) ?? this.configured(), false);
  }

  /** The `containerd.namespace` setting changed: follow it. */
  settingChanged(): void {
    this.set(this.configured(), true);
  }

  set(name: string, persist = true): void {
    if (persist && this.socketPath) void this.options.memory.update(this.key(), name);
    if (name === this.current) return;
    this.current = name;
    this.emitter.fire(name);
  }
}
