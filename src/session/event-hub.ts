// ONE subscription to containerd's event stream, for every namespace, feeding one sink (the explorer model, which
// the views read). It starts when a view becomes visible; after each (re)connect it resubscribes and then lists everything, since events were
// missed meanwhile. A stream that breaks is reported to the connection manager, which reconnects. No polling.
// It needs only the narrow HubConnection and SessionClient, so unit tests drive it over an in-memory client.
import { UnavailableError, type ContainerdEvent } from '@containerd-explorer/client';
import type { ConnectionManager, ConnectionState } from './connection-manager';
import type { Logger } from './logger';
import type { SessionClient } from './session-client';
import { Emitter, nextEvent, type Event } from '../base/emitter';
import { Disposable } from '../base/lifecycle';

/** What the hub uses of the connection manager. */
export type HubConnection = Pick<ConnectionManager<SessionClient>, 'state' | 'onDidChangeState' | 'start' | 'reportFailure'>;

/** What the hub feeds: every event as it arrives, a full listing after each (re)subscription, a reset on failure. */
export interface EventSink {
  apply(ev: ContainerdEvent): void;
  refreshAll(): Promise<void>;
  reset(): void;
}

export interface SyncState {
  /** Connection epoch the model was last fully listed for. */
  epoch: number;
  eventsReceived: number;
}

export class EventHub extends Disposable {
  private wanted = false;
  private running: { epoch: number; abort: AbortController } | undefined;
  private syncedEpoch = 0;
  private eventsReceived = 0;
  private readonly syncedEmitter: Emitter<SyncState>;
  /** Fires after the full list that follows each (re)subscription. */
  readonly onDidSync: Event<SyncState>;
  private readonly eventEmitter: Emitter<ContainerdEvent>;
  /** Every event, as it arrives (before the model's coalescing). */
  readonly onDidReceiveEvent: Event<ContainerdEvent>;

  constructor(private readonly connection: HubConnection, private readonly model: EventSink, private readonly log: Logger) {
    super();
    this.syncedEmitter = this._register(new Emitter<SyncState>((e) => log.error(`sync listener failed: ${String(e)}`)));
    this.onDidSync = this.syncedEmitter.event;
    this.eventEmitter = this._register(new Emitter<ContainerdEvent>((e) => log.error(`event listener failed: ${String(e)}`)));
    this.onDidReceiveEvent = this.eventEmitter.event;
    this._register(connection.onDidChangeState((s) => this.onState(s)));
    // Disposing aborts the running subscription (its pump then ends quietly).
    this._register({ dispose: () => this.stop() });
  }

  get isWanted(): boolean { return this.wanted; }
  get isSubscribed(): boolean { return !!this.running; }

  /** A view became visible (or a command needs data): connect, subscribe and list. Stays on afterwards. */
  want(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.connection.start();
    this.onState(this.connection.state);
  }

  /** Resolves once the model holds a full listing for the current connection. */
  async whenSynced(timeoutMs = 0): Promise<void> {
    this.want();
    const s = this.connection.state;
    if (s.kind === 'connected' && this.syncedEpoch === s.epoch) return;
    await nextEvent(this.onDidSync, (st) => {
      const now = this.connection.state;
      return now.kind === 'connected' && st.epoch === now.epoch;
    }, timeoutMs);
  }

  private onState(s: ConnectionState<SessionClient>): void {
    if (s.kind === 'connected') {
      if (this.wanted && this.running?.epoch !== s.epoch) this.subscribe(s.client, s.epoch);
      return;
    }
    this.stop();
    // While reconnecting the views keep the last known state (marked as reconnecting); a failure clears it.
    if (s.kind === 'failed' || s.kind === 'idle') this.model.reset();
  }

  private stop(): void {
    this.running?.abort.abort();
    this.running = undefined;
  }

  private subscribe(client: SessionClient, epoch: number): void {
    this.stop();
    const abort = new AbortController();
    this.running = { epoch, abort };
    const iterator = client.events.subscribe({ signal: abort.signal })[Symbol.asyncIterator]();
    // The first next() sends the Subscribe call; list only after it, so nothing falls between list and stream.
    const first = iterator.next();
    this.log.debug(`Subscribed to containerd's events (connection ${epoch})`);
    void this.model.refreshAll().then(() => {
      if (abort.signal.aborted) return;
      this.syncedEpoch = epoch;
      this.syncedEmitter.fire({ epoch, eventsReceived: this.eventsReceived });
    });
    void this.pump(client, iterator, first, abort.signal);
  }

  private async pump(client: SessionClient, iterator: AsyncIterator<ContainerdEvent>, first: Promise<IteratorResult<ContainerdEvent>>, signal: AbortSignal): Promise<void> {
    let failure: unknown;
    try {
      for (let r = await first; !r.done; r = await iterator.next()) {
        this.eventsReceived++;
        this.log.trace(`event ${r.value.topic} in ${r.value.namespace || '(no namespace)'}`);
        this.eventEmitter.fire(r.value);
        this.model.apply(r.value);
      }
    } catch (e) {
      failure = e;
    }
    if (signal.aborted) return;
    // The stream ended without being asked to: the daemon stopped or the socket went away.
    const e = failure instanceof UnavailableError ? failure : new UnavailableError(`the event stream ended${failure ? `: ${String(failure)}` : ''}`, { cause: failure });
    if (!(failure instanceof UnavailableError)) this.log.warn(e.message);
    this.connection.reportFailure(e, client);
  }
}
