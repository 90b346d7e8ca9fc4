// Collects change keys and hands them over once per window: a burst of events becomes one tree refresh.
import { Disposable, toDisposable } from '../../base/lifecycle';

export class Coalescer<K> extends Disposable {
  private pending = new Set<K>();
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  /**
   * @param windowMs measured from the first change of a batch (not extended by later ones), so latency is bounded.
   */
  constructor(private readonly windowMs: number, private readonly flush: (keys: Set<K>) => void) {
    super();
    // Disposed: nothing more is announced, and whoever waits for a flush is let go.
    this._register(toDisposable(() => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.pending.clear();
      this.releaseWaiters();
    }));
  }

  mark(key: K): void {
    if (this.isDisposed) return;
    this.pending.add(key);
    this.timer ??= setTimeout(() => this.flushNow(), this.windowMs);
  }

  get isPending(): boolean { return this.pending.size > 0; }

  flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const keys = this.pending;
    this.pending = new Set();
    try {
      if (keys.size) this.flush(keys);
    } finally {
      this.releaseWaiters();
    }
  }

  private releaseWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves after the next flush, or at once when nothing is pending. */
  whenFlushed(): Promise<void> {
    if (!this.pending.size) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

}

/**
 * Runs async work one at a time per key, in submission order: a Get issued for an older event can never
 * overwrite what a newer event for the same item produced.
 */
export class KeyedQueue {
  private tails = new Map<string, Promise<void>>();
  private inflight = 0;
  private idleWaiters: (() => void)[] = [];

  /** `onError` receives what a work item threw; the returned promises never reject. */
  constructor(private readonly onError: (e: unknown) => void) {}

  run(key: string, work: () => Promise<void>): Promise<void> {
    this.inflight++;
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next: Promise<void> = prev.then(work).catch((e: unknown) => this.onError(e)).finally(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
      if (--this.inflight === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    });
    this.tails.set(key, next);
    return next;
  }

  get busy(): boolean { return this.inflight > 0; }

  whenIdle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
