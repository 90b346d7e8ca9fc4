// The connection to containerd as a state machine: connecting -> connected (with the daemon's version) or
// failed (with the typed problem). When the daemon goes away it reconnects with backoff, quietly: one log line
// per distinct problem, never a popup, never an unhandled rejection. Free of `vscode`, and of the concrete client:
// it opens connections through an injected ConnectFn (containerd-connect.ts in the extension, a fake in unit tests).
import {
  ConnectionError, ContainerdError, SocketPermissionError, UnavailableError, UnknownError,
  type ContainerdClient, type DaemonCapabilities, type DaemonVersion, type SocketProblem,
} from '@containerd-explorer/client';
import { Emitter, nextEvent, type Event } from '../base/emitter';
import { Disposable } from '../base/lifecycle';
import { describeAddress, type ResolvedAddress } from './address-source';
import type { Logger } from './logger';
import { realTimers, type ConnectFn, type OpenedClient, type SessionClient, type SweepLeasesFn, type Timers } from './session-client';

export type ConnectionProblem = SocketProblem | 'unknown';

/** `C` is the client type the manager hands out; the extension's is the real ContainerdClient. */
export type ConnectionState<C = ContainerdClient> =
  | { kind: 'idle' }
  | { kind: 'connecting'; target: ResolvedAddress; attempt: number; reconnecting: boolean; lastError?: ContainerdError }
  | { kind: 'connected'; target: ResolvedAddress; client: C; version: DaemonVersion; capabilities: DaemonCapabilities; epoch: number }
  | { kind: 'failed'; target: ResolvedAddress; error: ContainerdError; problem: ConnectionProblem; retrying: boolean };

export interface ConnectionManagerOptions<C extends SessionClient> {
  resolveAddress: () => ResolvedAddress;
  log: Logger;
  /** Opens and verifies a connection (containerdConnect(log).connect for the real daemon). */
  connect: ConnectFn<C>;
  /** Removes leases of interrupted pulls after each (re)connect; none when omitted. */
  sweepLeases?: SweepLeasesFn<C>;
  /** Backoff and grace timers (default: the real clock). */
  timers?: Timers;
  /** Deadline for unary calls of the client (default 30 s). */
  timeoutMs?: number;
  /** Delay before reconnect attempt n is min(maxMs, initialMs * 2^n). */
  backoff?: { initialMs: number; maxMs: number };
  /** While reconnecting, how long the state stays "connecting" before it shows as failed (default 5 s). */
  graceMs?: number;
}

/** Problems only the user can fix: no automatic retry (the views offer Retry). */
const NEEDS_USER: ReadonlySet<ConnectionProblem> = new Set(['permission', 'not-containerd', 'not-a-socket']);

export function problemOf(e: ContainerdError): ConnectionProblem {
  if (e instanceof ConnectionError || e instanceof SocketPermissionError) return e.problem;
  return 'unknown';
}

function asContainerdError(e: unknown): ContainerdError {
  return e instanceof ContainerdError ? e : new UnknownError(e instanceof Error ? e.message : String(e), { cause: e });
}

export class ConnectionManager<C extends SessionClient = ContainerdClient> extends Disposable {
  private current: ConnectionState<C> = { kind: 'idle' };
  private readonly emitter: Emitter<ConnectionState<C>>;
  readonly onDidChangeState: Event<ConnectionState<C>>;
  private epoch = 0;
  /** Bumped to cancel an attempt in flight (retry, address change, dispose). */
  private generation = 0;
  private timer: unknown;
  private attempt = 0;
  private lostAt = 0;
  private lastLogged = '';
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly graceMs: number;
  private readonly timers: Timers;

  constructor(private readonly options: ConnectionManagerOptions<C>) {
    super();
    this.emitter = this._register(new Emitter<ConnectionState<C>>((e) => options.log.error(`connection state listener failed: ${String(e)}`)));
    this.onDidChangeState = this.emitter.event;
    this.backoff = options.backoff ?? { initialMs: 250, maxMs: 10_000 };
    this.graceMs = options.graceMs ?? 5_000;
    this.timers = options.timers ?? realTimers;
    // Disposing cancels a pending attempt and closes the connection.
    this._register({ dispose: () => this.dropClient() });
  }

  get state(): ConnectionState<C> { return this.current; }

  /** The connected client, or undefined. */
  get client(): C | undefined {
    return this.current.kind === 'connected' ? this.current.client : undefined;
  }

  private setState(s: ConnectionState<C>): void {
    this.current = s;
    this.emitter.fire(s);
  }

  /** Connects unless already connected or connecting. */
  start(): void {
    if (this.isDisposed || this.current.kind === 'connected' || this.current.kind === 'connecting') return;
    if (this.current.kind === 'failed' && this.current.retrying) return;
    this.connectNow(false);
  }

  /** The user asked: try again now, with the address resolved afresh. */
  retry(): void {
    if (this.isDisposed) return;
    this.attempt = 0;
    this.lastLogged = '';
    this.dropClient();
    this.connectNow(false);
  }

  /** The address setting changed: drop the connection and connect to the new target. */
  restart(): void { this.retry(); }

  /**
   * Any layer reports a failed call here. An UnavailableError on the current client means the daemon went away
   * (it restarted, or its socket vanished): reconnect with backoff. Other errors are the caller's business.
   * `client` is the one the failed call used (compared by identity; any view of it such as withNamespace's is not it).
   */
  reportFailure(e: unknown, client?: object): void {
    if (this.isDisposed || this.current.kind !== 'connected') return;
    if (client && client !== this.current.client) return; // a stale client: already handled
    if (!(e instanceof UnavailableError)) return;
    const lost = this.current;
    this.options.log.warn(`Lost the connection to containerd at ${lost.target.socketPath}: ${e.message}. Reconnecting…`);
    lost.client.close();
    this.lostAt = this.timers.now();
    this.attempt = 0;
    this.lastLogged = '';
    this.setState({ kind: 'connecting', target: lost.target, attempt: 0, reconnecting: true, lastError: e });
    this.schedule(true);
  }

  /** Resolves with the client once connected; rejects after timeoutMs (0: wait forever). */
  async whenConnected(timeoutMs = 0): Promise<C> {
    if (this.current.kind === 'connected') return this.current.client;
    const s = await nextEvent(this.onDidChangeState, (st) => st.kind === 'connected', timeoutMs);
    if (s.kind !== 'connected') throw new Error('unreachable');
    return s.client;
  }

  private dropClient(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.generation++;
    if (this.current.kind === 'connected') this.current.client.close();
  }

  private schedule(reconnecting: boolean): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(this.attempt, 16));
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.connectNow(reconnecting, true);
    }, delay);
  }

  /** `automatic`: a background retry, which leaves a failed state on screen until something changes. */
  private connectNow(reconnecting: boolean, automatic = false): void {
    const gen = ++this.generation;
    let target: ResolvedAddress;
    try {
      target = this.options.resolveAddress();
    } catch (e) {
      this.fail({ socketPath: '', source: 'default' }, asContainerdError(e), false);
      return;
    }
    if (this.attempt === 0 && !reconnecting) this.options.log.info(`Connecting to containerd at ${describeAddress(target)}`);
    const quiet = (automatic && this.current.kind === 'failed') || (reconnecting && this.current.kind === 'connecting');
    if (!quiet) {
      this.setState({ kind: 'connecting', target, attempt: this.attempt, reconnecting, ...(this.current.kind === 'failed' ? { lastError: this.current.error } : {}) });
    }
    // Through a promise, so a connect that throws synchronously is a failed attempt too.
    new Promise<OpenedClient<C>>((resolve) => resolve(this.options.connect(target.socketPath, this.options.timeoutMs ?? 30_000))).then(
      ({ client, version, capabilities }) => {
        if (gen !== this.generation || this.isDisposed) { client.close(); return; }
        this.attempt = 0;
        this.lastLogged = '';
        this.options.log.info(`Connected to containerd ${version.version} at ${describeAddress(target)}: snapshotter ${capabilities.defaultSnapshotter} (${capabilities.snapshotterReason}); ${capabilities.transfer.offered ? 'Transfer service offered' : 'no Transfer service'}`);
        this.setState({ kind: 'connected', target, client, version, capabilities, epoch: ++this.epoch });
        this.sweepPullLeases(client, gen);
      },
      (e: unknown) => {
        if (gen !== this.generation || this.isDisposed) return;
        this.fail(target, asContainerdError(e), reconnecting);
      },
    );
  }

  /** At every (re)connect: leases of pulls that containerd's restart (or a closed window) interrupted pin space for 24 h. */
  private sweepPullLeases(client: C, gen: number): void {
    this.options.sweepLeases?.(client).then((swept) => {
      for (const s of swept) {
        // The image name comes from a label: printable characters only.
        const image = s.image ? ` of ${s.image.replace(/[^\x20-\x7e]/g, '?')}` : '';
        this.options.log.info(`Removed the lease of an interrupted pull${image} (namespace ${s.namespace}, lease ${s.id}): ${s.reason}. containerd frees what only it held.`);
      }
    }, (e: unknown) => {
      if (gen === this.generation && !this.isDisposed) this.options.log.warn(`Could not clean up leases of interrupted pulls: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  private fail(target: ResolvedAddress, error: ContainerdError, reconnecting: boolean): void {
    const problem = problemOf(error);
    const retrying = !NEEDS_USER.has(problem);
    const key = `${target.socketPath}|${problem}|${error.message}`;
    if (key !== this.lastLogged) {
      this.lastLogged = key;
      this.options.log.warn(`containerd is not available: ${error.message}${retrying ? ' (retrying in the background)' : ''}`);
    } else {
      this.options.log.debug(`reconnect attempt ${this.attempt} failed: ${error.message}`);
    }
    this.attempt++;
    const withinGrace = reconnecting && this.timers.now() - this.lostAt < this.graceMs;
    if (withinGrace && retrying) {
      // A daemon restart usually takes a second or two: keep showing "reconnecting" rather than an error.
      this.current = { kind: 'connecting', target, attempt: this.attempt, reconnecting: true, lastError: error };
    } else {
      const prev = this.current;
      const same = prev.kind === 'failed' && prev.problem === problem && prev.error.message === error.message;
      if (same) this.current = { ...prev, error };
      else this.setState({ kind: 'failed', target, error, problem, retrying });
    }
    if (retrying) this.schedule(reconnecting);
  }
}
