// The Daemon view's model: what the connected containerd says about itself (version, revision, UUID, plugins and
// the capabilities they imply) plus the listening process from /proc, refreshed at every (re)connect. It keeps the
// last answer while reconnecting and records restarts (a new UUID, pid or start time). Free of `vscode`.
import type { ContainerdClient, Plugin } from '@containerd-explorer/client';
import { UnimplementedError } from '@containerd-explorer/client';
import type { ConnectionManager, ConnectionState } from '../../session/connection-manager';
import { capabilitiesFor, type DaemonCapabilityView } from './daemon-capabilities';
import { findDaemonProcess, type DaemonProcess } from './daemon-process';
import { Emitter, type Event } from '../../base/emitter';
import { Disposable } from '../../base/lifecycle';

export interface DaemonInfo {
  socketPath: string;
  version: string;
  revision: string;
  /** Introspection.Server's UUID (stable per root directory: a restart on the same root keeps it). */
  uuid?: string;
  /** Undefined when /proc does not show the listener to us (another user's daemon, another network namespace). */
  process?: DaemonProcess;
  plugins: Plugin[];
  capabilities: DaemonCapabilityView;
  /** When we asked. */
  fetchedAt: Date;
  /** The connection epoch the answer belongs to. */
  epoch: number;
}

export interface DaemonRestart {
  /** When the new daemon started (from /proc), else when we noticed. */
  at: Date;
  /** What tells the restart: 'process' (new pid or start time) or 'uuid' (new root). */
  evidence: 'process' | 'uuid';
  previous: { pid?: number; uuid?: string; startedAt?: Date };
}

export interface DaemonSnapshot {
  connection: ConnectionState['kind'];
  socketPath?: string;
  /** The error when the connection failed, or the last one while reconnecting. */
  problem?: string;
  reconnecting: boolean;
  /** The last answer; from an earlier connection when `stale`. */
  info?: DaemonInfo;
  stale: boolean;
  /** Why the last query failed, when it did (the view then shows what it has). */
  queryError?: string;
  /** Restarts seen while this window was open, newest first. */
  restarts: DaemonRestart[];
  /** Reconnects seen (daemon restarts or socket hiccups). */
  reconnects: number;
}

export interface DaemonModelOptions {
  /** Reads the listening process (tests may pass a fake /proc root). */
  findProcess?: (socketPath: string) => Promise<DaemonProcess | undefined>;
  /** A query failed: UnavailableError means the daemon went away (the owner reconnects). */
  failed?: (e: unknown, client: ContainerdClient) => void;
}

const MAX_RESTARTS = 10;

export class DaemonModel extends Disposable {
  private info: DaemonInfo | undefined;
  private queryError: string | undefined;
  private restarts: DaemonRestart[] = [];
  private reconnects = 0;
  private lastEpoch = 0;
  private readonly emitter = this._register(new Emitter<DaemonSnapshot>());
  /** Fires after every change of the snapshot. */
  readonly onDidChange: Event<DaemonSnapshot>;

  constructor(private readonly connection: ConnectionManager, private readonly options: DaemonModelOptions = {}) {
    super();
    this.onDidChange = this.emitter.event;
    this._register(connection.onDidChangeState((s) => this.stateChanged(s)));
    this.stateChanged(connection.state);
  }

  get snapshot(): DaemonSnapshot {
    const s = this.connection.state;
    const socketPath = s.kind === 'idle' ? this.info?.socketPath : s.target.socketPath;
    const problem = s.kind === 'failed' ? s.error.message : s.kind === 'connecting' ? s.lastError?.message : undefined;
    const stale = !!this.info && (s.kind !== 'connected' || s.epoch !== this.info.epoch);
    return {
      connection: s.kind, socketPath, reconnecting: s.kind === 'connecting' && s.reconnecting,
      ...(problem ? { problem } : {}), ...(this.info ? { info: this.info } : {}), stale,
      ...(this.queryError ? { queryError: this.queryError } : {}),
      restarts: [...this.restarts], reconnects: this.reconnects,
    };
  }

  /** Asks the daemon again (the view's Refresh). Resolves when the snapshot is updated. */
  async refresh(): Promise<void> {
    const s = this.connection.state;
    if (s.kind === 'connected') await this.query(s.client, s.target.socketPath, s.epoch);
  }

  private stateChanged(s: ConnectionState): void {
    if (this.isDisposed) return;
    if (s.kind === 'connected' && s.epoch !== this.lastEpoch) {
      if (this.lastEpoch !== 0) this.reconnects++;
      this.lastEpoch = s.epoch;
      void this.query(s.client, s.target.socketPath, s.epoch);
    }
    this.emitter.fire(this.snapshot);
  }

  private async query(client: ContainerdClient, socketPath: string, epoch: number): Promise<void> {
    let info: DaemonInfo;
    try {
      const [version, plugins, uuid, proc] = await Promise.all([
        client.version.version(),
        client.introspection.plugins([]),
        client.introspection.server().then((r) => r.uuid || undefined, (e: unknown) => {
          if (e instanceof UnimplementedError) return undefined;
          throw e;
        }),
        (this.options.findProcess ?? findDaemonProcess)(socketPath).catch(() => undefined),
      ]);
      info = {
        socketPath, version: version.version, revision: version.revision ?? '', ...(uuid ? { uuid } : {}),
        ...(proc ? { process: proc } : {}), plugins, capabilities: capabilitiesFor(version, plugins, uuid),
        fetchedAt: new Date(), epoch,
      };
    } catch (e) {
      if (this.isDisposed || epoch !== this.lastEpoch) return;
      this.queryError = e instanceof Error ? e.message : String(e);
      this.options.failed?.(e, client);
      this.emitter.fire(this.snapshot);
      return;
    }
    if (this.isDisposed || epoch !== this.lastEpoch) return;
    const restart = this.info && this.info.socketPath === socketPath ? restartBetween(this.info, info) : undefined;
    if (restart) this.restarts = [restart, ...this.restarts].slice(0, MAX_RESTARTS);
    if (this.info && this.info.socketPath !== socketPath) this.restarts = [];
    this.info = info;
    this.queryError = undefined;
    this.emitter.fire(this.snapshot);
  }

}

/** A restart between two answers from the same socket, when something shows it (else a mere reconnect). */
export function restartBetween(before: DaemonInfo, after: DaemonInfo): DaemonRestart | undefined {
  const previous = { pid: before.process?.pid, uuid: before.uuid, startedAt: before.process?.startedAt };
  const a = before.process;
  const b = after.process;
  if (a && b && (a.pid !== b.pid || a.startedAt.getTime() !== b.startedAt.getTime())) return { at: b.startedAt, evidence: 'process', previous };
  if (before.uuid && after.uuid && before.uuid !== after.uuid) return { at: b?.startedAt ?? after.fetchedAt, evidence: 'uuid', previous };
  return undefined;
}
