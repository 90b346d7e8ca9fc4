// The session layer without a daemon: ConnectionManager's state machine driven by an injected connect (a script of
// typed failures and in-memory clients) and a manual clock for its backoff and grace period, and the EventHub on top
// of it: subscribe before listing, resubscribe and list again after a reconnect, ignore a stale client's failure.
import * as assert from 'node:assert/strict';
import {
  capabilitiesOf, ConnectionError, InvalidArgumentError, SocketPermissionError, UnavailableError, type ContainerdEvent, type SocketProblem,
} from '../../packages/containerd-client/src';
import { ConnectionManager, type ConnectionState } from '../../src/session/connection-manager';
import { EventHub, type SyncState } from '../../src/session/event-hub';
import type { Logger } from '../../src/session/logger';
import type { OpenedClient, Timers } from '../../src/session/session-client';
import { event, FakeClient, FakeStore } from './fake-client';

const SOCKET = '/tmp/fake/containerd.sock';
const quiet: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const settle = async (): Promise<void> => { for (let i = 0; i < 20; i++) await Promise.resolve(); };

/** Timers that only move when the test says so; records every delay asked for. */
class ManualClock implements Timers {
  private t = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  readonly delays: number[] = [];
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): number {
    this.pending.set(++this.seq, { at: this.t + ms, fn });
    this.delays.push(ms);
    return this.seq;
  }
  clearTimeout(handle: unknown): void { this.pending.delete(handle as number); }
  get scheduled(): number { return this.pending.size; }
  /** Moves the clock to the next timer, runs it and lets the promises it started settle. */
  async fireNext(): Promise<void> {
    const [id, next] = [...this.pending].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
    if (!next || id === undefined) throw new Error('no timer pending');
    this.pending.delete(id);
    this.t = next.at;
    next.fn();
    await settle();
  }
}

const problem = (p: Exclude<SocketProblem, 'permission'>): Error => new ConnectionError(`fake: ${p}`, p, SOCKET);

function rig(script: (FakeClient | Error)[], graceMs = 1000) {
  const store = new FakeStore();
  const clock = new ManualClock();
  const opened = async (): Promise<OpenedClient<FakeClient>> => {
    const next = script.shift();
    if (!next) throw new Error('the test scripted no more connects');
    if (next instanceof Error) throw next;
    const version = { version: '1.6.20', revision: 'fake' };
    return { client: next, version, capabilities: capabilitiesOf(version, []) };
  };
  const manager = new ConnectionManager<FakeClient>({
    resolveAddress: () => ({ socketPath: SOCKET, source: 'setting' }), log: quiet, connect: opened,
    backoff: { initialMs: 100, maxMs: 400 }, graceMs, timers: clock,
  });
  const states: ConnectionState<FakeClient>[] = [];
  manager.onDidChangeState((s) => states.push(s));
  return { store, clock, manager, states, kinds: () => states.map((s) => s.kind) };
}

describe('session: connection manager state machine (injected connect, manual clock)', () => {
  const CASES: [string, Error, string, boolean][] = [
    ['no socket', problem('missing'), 'missing', true],
    ['connection refused', problem('refused'), 'refused', true],
    ['permission denied', new SocketPermissionError('fake: permission', SOCKET), 'permission', false],
    ['not containerd', problem('not-containerd'), 'not-containerd', false],
    ['not a socket', problem('not-a-socket'), 'not-a-socket', false],
    ['anything else', new InvalidArgumentError('fake: odd'), 'unknown', true],
  ];
  for (const [name, error, expected, retrying] of CASES) {
    it(`${name}: failed with problem "${expected}", ${retrying ? 'retried in the background' : 'left to the user (no retry)'}`, async () => {
      const r = rig([error]);
      r.manager.start();
      await settle();
      const s = r.manager.state;
      assert.equal(s.kind, 'failed');
      if (s.kind !== 'failed') return;
      assert.equal(s.problem, expected);
      assert.equal(s.retrying, retrying);
      assert.equal(s.error.message, error.message);
      assert.equal(r.clock.scheduled, retrying ? 1 : 0);
      r.manager.dispose();
    });
  }

  it('backs off (doubling up to the cap), shows one failed state for a repeated problem, then connects', async () => {
    const client = new FakeClient(new FakeStore());
    const r = rig([problem('missing'), problem('missing'), problem('missing'), problem('missing'), client]);
    r.manager.start();
    await settle();
    for (let i = 0; i < 4; i++) await r.clock.fireNext();
    assert.deepEqual(r.clock.delays, [200, 400, 400, 400]);
    assert.deepEqual(r.kinds(), ['connecting', 'failed', 'connected']);
    assert.equal(r.manager.client, client);
    assert.equal(r.clock.scheduled, 0);
    r.manager.dispose();
  });

  it('a lost daemon shows "reconnecting" during the grace period, then failed, then connects again', async () => {
    const store = new FakeStore();
    const [first, second] = [new FakeClient(store), new FakeClient(store)];
    const r = rig([first, problem('missing'), problem('missing'), problem('missing'), problem('missing'), second], 1000);
    r.manager.start();
    await settle();
    r.manager.reportFailure(new UnavailableError('fake: the daemon went away'), first);
    assert.equal(first.closed, true, 'the lost connection is closed');
    const s = r.manager.state;
    assert.ok(s.kind === 'connecting' && s.reconnecting);
    for (let i = 0; i < 3; i++) await r.clock.fireNext(); // at 100, 300, 700 ms: within the grace period
    assert.deepEqual(r.kinds(), ['connecting', 'connected', 'connecting'], 'no failed state within the grace period');
    await r.clock.fireNext(); // at 1100 ms: past it
    assert.deepEqual(r.kinds(), ['connecting', 'connected', 'connecting', 'failed']);
    await r.clock.fireNext();
    const now = r.manager.state;
    assert.ok(now.kind === 'connected' && now.client === second && now.epoch === 2);
    assert.deepEqual(r.clock.delays, [100, 200, 400, 400, 400]);
    r.manager.dispose();
  });

  it('retry connects again after a problem only the user can fix', async () => {
    const client = new FakeClient(new FakeStore());
    const r = rig([new SocketPermissionError('fake: permission', SOCKET), client]);
    r.manager.start();
    await settle();
    assert.equal(r.manager.state.kind, 'failed');
    r.manager.retry();
    await settle();
    assert.equal(r.manager.client, client);
    assert.deepEqual(r.kinds(), ['connecting', 'failed', 'connecting', 'connected']);
    r.manager.dispose();
  });

  it('ignores a stale client\'s failure and errors that are not "unavailable"', async () => {
    const store = new FakeStore();
    const client = new FakeClient(store);
    const r = rig([client]);
    r.manager.start();
    await settle();
    r.manager.reportFailure(new UnavailableError('fake: old connection'), new FakeClient(store));
    r.manager.reportFailure(new InvalidArgumentError('fake: bad request'), client);
    assert.equal(r.manager.client, client);
    assert.equal(client.closed, false);
    assert.deepEqual(r.kinds(), ['connecting', 'connected']);
    r.manager.dispose();
  });

  it('dispose cancels the pending retry and closes a connection that completes afterwards', async () => {
    let finish: (c: OpenedClient<FakeClient>) => void = () => undefined;
    const late = new FakeClient(new FakeStore());
    const manager = new ConnectionManager<FakeClient>({
      resolveAddress: () => ({ socketPath: SOCKET, source: 'setting' }), log: quiet, timers: new ManualClock(),
      connect: () => new Promise((resolve) => { finish = resolve; }),
    });
    manager.start();
    manager.dispose();
    const version = { version: '1.6.20', revision: '' };
    finish({ client: late, version, capabilities: capabilitiesOf(version, []) });
    await settle();
    assert.equal(late.closed, true);
    assert.equal(manager.client, undefined);
  });
});

describe('session: event hub over the connection manager (in-memory client)', () => {
  it('subscribes before listing, resubscribes and lists again after a reconnect, and ignores the old stream', async () => {
    const store = new FakeStore();
    const [first, second] = [new FakeClient(store), new FakeClient(store)];
    const r = rig([first, second]);
    const applied: ContainerdEvent['topic'][] = [];
    let resets = 0;
    const sink = { apply: (ev: ContainerdEvent) => { applied.push(ev.topic); }, refreshAll: async () => { store.calls.push('refreshAll'); }, reset: () => { resets++; } };
    const hub = new EventHub(r.manager, sink, quiet);
    const synced: SyncState[] = [];
    hub.onDidSync((s) => synced.push(s));
    hub.want();
    await settle();
    assert.deepEqual(store.calls, ['events.subscribe', 'refreshAll'], 'the stream is open before the listing');
    assert.deepEqual(synced.map((s) => s.epoch), [1]);

    first.publish(event('/containers/create', 'default', { id: 'a', image: 'busybox' }));
    first.publish(event('/tasks/create', 'default', { containerId: 'a', bundle: '', rootfs: [], checkpoint: '', pid: 1 }));
    first.publish(event('/tasks/start', 'default', { containerId: 'a', pid: 1 }));
    await settle();
    assert.deepEqual(applied, ['/containers/create', '/tasks/create', '/tasks/start'], 'in arrival order');

    first.streams[0].end(new UnavailableError('fake: the stream broke')); // the daemon restarted
    await settle();
    assert.ok(r.manager.state.kind === 'connecting' && r.manager.state.reconnecting);
    assert.equal(resets, 0, 'while reconnecting the views keep the last known state');
    await r.clock.fireNext();
    assert.equal(r.manager.client, second);
    assert.deepEqual(store.calls, ['events.subscribe', 'refreshAll', 'events.subscribe', 'refreshAll']);
    assert.deepEqual(synced.map((s) => s.epoch), [1, 2]);

    // The old connection's stream failing now is stale: nothing changes.
    first.streams[0].end(new UnavailableError('fake: late failure'));
    r.manager.reportFailure(new UnavailableError('fake: late failure'), first);
    await settle();
    assert.equal(r.manager.client, second);
    assert.equal(store.calls.length, 4);
    second.publish(event('/containers/delete', 'default', { id: 'a' }));
    await settle();
    assert.equal(applied.at(-1), '/containers/delete', 'events flow from the new stream');
    hub.dispose();
    assert.equal(second.streams[0].isOpen, false, 'disposing the hub ends its subscription');
    r.manager.dispose();
  });

  it('a failed connection resets the model; nothing subscribes until a view wants it', async () => {
    const store = new FakeStore();
    const r = rig([new SocketPermissionError('fake: permission', SOCKET)]);
    let resets = 0;
    const hub = new EventHub(r.manager, { apply: () => undefined, refreshAll: async () => undefined, reset: () => { resets++; } }, quiet);
    await settle();
    assert.equal(r.manager.state.kind, 'idle', 'no view wants data yet: no connection');
    hub.want();
    await settle();
    assert.equal(r.manager.state.kind, 'failed');
    assert.ok(resets >= 1);
    assert.equal(hub.isSubscribed, false);
    assert.deepEqual(store.calls, []);
    hub.dispose();
    r.manager.dispose();
  });
});
