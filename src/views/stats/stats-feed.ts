// The host half of a Stats panel without the panel: runs the client's StatsSampler while told to (the panel is
// visible), keeps every followed task's rolling window and state, and hands each batch on as compact points. Free of
// `vscode`, so its behaviour against a real containerd is testable in plain Node.
import { sampleStats, type ContainerdClient, type StatsSample } from '@containerd-explorer/client';
import { Emitter } from '../../base/emitter';
import { Disposable } from '../../base/lifecycle';
import { DEFAULT_WINDOW_SECONDS, SeriesWindow, type StatsPoint, type TaskHistory, type TaskStatus } from './stats-data';

export interface StatsFeedOptions {
  namespace: string;
  /** One task; undefined: every running task of the namespace (joining as they start). */
  containerId?: string;
  client(namespace: string): Promise<ContainerdClient>;
  intervalMs?: number;
  windowSeconds?: number;
  /** How long to wait before sampling again after a failure (default 3 s). */
  retryMs?: number;
  log?: (message: string) => void;
}

export type FeedBatch = (TaskStatus & { point?: StatsPoint })[];

export function pointOf(s: StatsSample): StatsPoint {
  const p: StatsPoint = { t: s.time.getTime() / 1000 };
  if (s.cpuPercent !== undefined) p.cpu = s.cpuPercent;
  if (s.memory) { p.memUsed = s.memory.usedBytes; p.memLimit = s.memory.limitBytes; p.memLimited = s.memory.limited; }
  if (s.pids) p.pids = s.pids.current;
  if (s.network?.rxPerSec !== undefined) p.netRx = s.network.rxPerSec;
  if (s.network?.txPerSec !== undefined) p.netTx = s.network.txPerSec;
  if (s.blockIo?.readPerSec !== undefined) p.blkRead = s.blockIo.readPerSec;
  if (s.blockIo?.writePerSec !== undefined) p.blkWrite = s.blockIo.writePerSec;
  return p;
}

export class StatsFeed extends Disposable {
  private readonly windows = new Map<string, SeriesWindow>();
  private readonly status = new Map<string, TaskStatus>();
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private readonly onBatchEmitter = this._register(new Emitter<FeedBatch>());
  private readonly onErrorEmitter = this._register(new Emitter<string>());
  /** Each tick's samples (a stopped task's last one has no point). */
  readonly onBatch = this.onBatchEmitter.event;
  /** Sampling failed (it retries while still wanted). */
  readonly onError = this.onErrorEmitter.event;

  constructor(private readonly options: StatsFeedOptions) {
    super();
    this._register({ dispose: () => this.stop() });
  }

  get windowSeconds(): number { return this.options.windowSeconds ?? DEFAULT_WINDOW_SECONDS; }

  /** Whether sampling runs now. */
  get sampling(): boolean { return this.abort !== undefined; }

  /** A single task that has stopped stays frozen: there is nothing more to sample. */
  private get finished(): boolean {
    const id = this.options.containerId;
    return id !== undefined && this.status.get(id)?.state === 'stopped';
  }

  /** Everything kept so far, for a webview that (re)loads. */
  history(): TaskHistory[] {
    return [...this.status.values()].map((s) => ({ ...s, points: [...(this.windows.get(s.id)?.points ?? [])] }));
  }

  start(): void {
    if (this.abort || this.isDisposed || this.finished) return;
    const abort = new AbortController();
    this.abort = abort;
    this.running = this.loop(abort.signal).finally(() => { if (this.abort === abort) this.abort = undefined; });
  }

  /** Stops sampling (the panel was hidden or closed); the windows are kept. */
  stop(): void {
    this.abort?.abort();
    this.abort = undefined;
  }

  /** Resolves when the current sampling run has ended (after stop(), or when its one task stopped). */
  async settled(): Promise<void> { await this.running; }

  private async loop(signal: AbortSignal): Promise<void> {
    const { namespace, containerId } = this.options;
    while (!signal.aborted && !this.finished) {
      try {
        const client = await this.options.client(namespace);
        const sampler = sampleStats(client, { containerIds: containerId ? [containerId] : undefined, intervalMs: this.options.intervalMs, signal });
        for await (const batch of sampler) this.take(batch);
        if (containerId) return;
      } catch (e) {
        if (signal.aborted) return;
        const message = e instanceof Error ? e.message : String(e);
        this.options.log?.(`stats of ${containerId ?? `namespace ${namespace}`}: ${message}`);
        this.onErrorEmitter.fire(message);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.retryMs ?? 3000);
        signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
      });
    }
  }

  private take(samples: StatsSample[]): void {
    const out: FeedBatch = [];
    for (const s of samples) {
      const st: TaskStatus = { id: s.containerId, state: s.state, ...(s.exitStatus !== undefined ? { exitStatus: s.exitStatus } : {}) };
      this.status.set(s.containerId, st);
      if (s.state === 'stopped') { out.push(st); continue; }
      let w = this.windows.get(s.containerId);
      if (!w) this.windows.set(s.containerId, (w = new SeriesWindow(this.windowSeconds)));
      const point = pointOf(s);
      w.push(point);
      out.push({ ...st, point });
    }
    if (out.length) this.onBatchEmitter.fire(out);
  }
}
