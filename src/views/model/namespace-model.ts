// The cached state of one namespace: images, containers, tasks. Kept current from events (one Get per
// affected item) and replaced wholesale by refresh() after a (re)connect. Free of `vscode`.
import { NotFoundError, type ContainerdEvent, type TaskProcess } from '@containerd-explorer/client';
import { KeyedQueue } from './coalescer';
import { computeImageDetails, isChainUnpacked, type ImageDetails } from './image-details';
import type { ModelClient } from './model-client';
import type { ContainerEntry, ImageEntry, ModelContext, ResourceKind, TaskEntry } from './types';

const DETAIL_CONCURRENCY = 8;

function withoutSpec(c: { spec?: unknown } & ContainerEntry): ContainerEntry {
  const { spec: _spec, ...rest } = c;
  return rest;
}

export class NamespaceModel {
  readonly images = new Map<string, ImageEntry>();
  readonly containers = new Map<string, ContainerEntry>();
  readonly tasks = new Map<string, TaskEntry>();
  /** True once a full list has completed since the last reset. */
  /** Images and containers listed at least once (their views show rows). */
  loaded = false;
  /** Tasks listed at least once: until then a container's task state is not known (not "no task"). */
  tasksLoaded = false;
  /** Set by the views for the namespace on screen: only then are image details (content reads) resolved. */
  private detailsWanted = false;

  private readonly queue: KeyedQueue;
  private refreshing: Promise<void> | undefined;
  private refreshingWith: ModelClient | undefined;
  private buffered: ContainerdEvent[] = [];
  private baseClient: ModelClient | undefined;
  private nsClient: ModelClient | undefined;
  /** Details by target digest: content is immutable, so they never go stale. */
  private readonly detailsCache = new Map<string, Promise<ImageDetails>>();
  private detailsRunning = 0;
  private readonly detailsQueue: string[] = [];

  constructor(readonly name: string, private readonly ctx: ModelContext) {
    this.queue = new KeyedQueue((e) => ctx.failed(e, `updating namespace ${name}`));
  }

  private client(): ModelClient | undefined {
    const base = this.ctx.client();
    if (base !== this.baseClient) {
      this.baseClient = base;
      this.nsClient = base?.withNamespace(this.name);
    }
    return this.nsClient;
  }

  private changed(kind: ResourceKind): void { this.ctx.changed(this.name, kind); }

  /** Forgets everything (disconnected). */
  reset(): void {
    const had = this.images.size + this.containers.size + this.tasks.size > 0;
    this.images.clear();
    this.containers.clear();
    this.tasks.clear();
    this.loaded = false;
    this.tasksLoaded = false;
    this.buffered = [];
    if (had) for (const k of ['images', 'containers', 'tasks'] as const) this.changed(k);
  }

  /** Resolves when a listing in progress (if any) is done. */
  whenListed(): Promise<void> {
    return this.refreshing ?? Promise.resolve();
  }

  /** Lists images, containers and tasks again; events arriving meanwhile are applied afterwards. */
  refresh(): Promise<void> {
    // A refresh still running on a previous connection's client does not count: list again after it.
    if (this.refreshing && this.refreshingWith !== this.ctx.client()) return this.refreshing.then(() => this.refresh());
    this.refreshingWith = this.ctx.client();
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
      const replay = this.buffered;
      this.buffered = [];
      for (const ev of replay) this.apply(ev);
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const c = this.client();
    if (!c) return;
    const base = this.baseClient;
    try {
      // Tasks.List asks every shim in turn, the slowest of the three lists: images and containers are shown as soon
      // as they arrive, and task states (last known ones meanwhile) follow when it answers. It starts once they are
      // listed: alongside them it competes for containerd and the CPU and slows them by a third (1,000 containers:
      // 30 -> 20 ms alone on an idle machine, more under load), while it ends at about the same time either way.
      const [images, containers] = await Promise.all([c.images.list(), c.containers.list([], { spec: false })]);
      const tasksListed = c.tasks.list();
      tasksListed.catch(() => undefined); // awaited below; a failure is reported there
      const oldImages = new Map(this.images);
      this.images.clear();
      for (const image of images) {
        const old = oldImages.get(image.name);
        const keep = old?.details?.targetDigest === image.target.digest && !old.details.error ? old : undefined;
        this.images.set(image.name, { image, ...(keep ? { details: keep.details, unpacked: keep.unpacked } : {}) });
      }
      this.containers.clear();
      for (const ct of containers) this.containers.set(ct.id, withoutSpec(ct));
      this.loaded = true;
      this.changed('images');
      this.changed('containers');
      this.ctx.listed();
      if (this.detailsWanted) this.ensureDetails();
      const tasks = await tasksListed;
      const oldTasks = new Map(this.tasks);
      this.tasks.clear();
      for (const p of tasks) {
        const old = oldTasks.get(p.containerId);
        const keepExecs = old && old.process.pid === p.pid ? old.execs : new Map<string, TaskProcess>();
        this.tasks.set(p.containerId, { process: p, execs: keepExecs, ...(old?.oom && old.process.pid === p.pid ? { oom: true } : {}) });
      }
      this.tasksLoaded = true;
      this.changed('tasks');
      this.changed('containers'); // their state icons
    } catch (e) {
      this.ctx.failed(e, `listing namespace ${this.name}`, base);
    }
  }

  /** Applies one event of this namespace, fetching only what it touched. */
  apply(ev: ContainerdEvent): void {
    if (this.refreshing) {
      this.buffered.push(ev);
      return;
    }
    switch (ev.topic) {
      case '/images/create': case '/images/update': this.fetchImage(ev.payload.name); break;
      case '/images/delete': this.run(`image:${ev.payload.name}`, async () => { if (this.images.delete(ev.payload.name)) this.changed('images'); }); break;
      case '/containers/create': case '/containers/update': this.fetchContainer(ev.payload.id); break;
      case '/containers/delete':
        this.run(`container:${ev.payload.id}`, async () => { if (this.containers.delete(ev.payload.id)) this.changed('containers'); });
        // containerd 2.x's shim publishes /tasks/delete on its own and can lose it as it exits: ask for the task
        // again, so a task whose container went never lingers in the view.
        if (this.tasks.has(ev.payload.id)) this.fetchTask(ev.payload.id);
        break;
      case '/tasks/create': case '/tasks/start': case '/tasks/paused': case '/tasks/resumed': case '/tasks/checkpointed':
        this.fetchTask(ev.payload.containerId);
        break;
      case '/tasks/oom': this.fetchTask(ev.payload.containerId, true); break;
      case '/tasks/exit':
        if (!ev.payload.id || ev.payload.id === ev.payload.containerId) this.fetchTask(ev.payload.containerId);
        else this.fetchExec(ev.payload.containerId, ev.payload.id);
        break;
      case '/tasks/delete':
        if (!ev.payload.id || ev.payload.id === ev.payload.containerId) this.dropTask(ev.payload.containerId);
        else this.fetchExec(ev.payload.containerId, ev.payload.id);
        break;
      case '/tasks/exec-added': case '/tasks/exec-started': this.fetchExec(ev.payload.containerId, ev.payload.execId); break;
      case '/snapshot/commit': this.setUnpacked(ev.payload.name, true); break;
      case '/snapshot/remove': this.setUnpacked(ev.payload.key, false); break;
      default: break;
    }
  }

  /** Queues work for one item; failures are reported with the client they happened on (it may be stale). */
  private run(key: string, work: (c: ModelClient) => Promise<void>): Promise<void> {
    const c = this.client();
    const base = this.baseClient;
    if (!c) return Promise.resolve();
    return this.queue.run(key, () => work(c).catch((e: unknown) => this.ctx.failed(e, `updating ${key} in namespace ${this.name}`, base)));
  }

  private fetchImage(name: string): void {
    this.run(`image:${name}`, async (c) => {
      try {
        const image = await c.images.get(name);
        const old = this.images.get(name);
        const keep = old?.details?.targetDigest === image.target.digest && !old.details.error ? old : undefined;
        this.images.set(name, { image, ...(keep ? { details: keep.details, unpacked: keep.unpacked } : {}) });
        this.changed('images');
        if (this.detailsWanted) this.ensureDetails();
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
        if (this.images.delete(name)) this.changed('images');
      }
    });
  }

  private fetchContainer(id: string): void {
    this.run(`container:${id}`, async (c) => {
      try {
        this.containers.set(id, withoutSpec(await c.containers.get(id)));
        this.changed('containers');
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
        if (this.containers.delete(id)) this.changed('containers');
      }
    });
  }

  private fetchTask(containerId: string, oom = false): void {
    this.run(`task:${containerId}`, async (c) => {
      try {
        const process = await c.tasks.get(containerId);
        const old = this.tasks.get(containerId);
        const same = old && old.process.pid === process.pid;
        this.tasks.set(containerId, { process, execs: same ? old.execs : new Map(), ...((same && old.oom) || oom ? { oom: true } : {}) });
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
        this.tasks.delete(containerId);
      }
      this.changed('tasks');
      this.changed('containers'); // their icons follow the task's state
    });
  }

  private dropTask(containerId: string): void {
    this.run(`task:${containerId}`, async () => {
      if (!this.tasks.delete(containerId)) return;
      this.changed('tasks');
      this.changed('containers');
    });
  }

  private fetchExec(containerId: string, execId: string): void {
    this.run(`task:${containerId}`, async (c) => {
      const task = this.tasks.get(containerId);
      if (!task) return;
      try {
        task.execs.set(execId, await c.tasks.get(containerId, execId));
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
        task.execs.delete(execId);
      }
      this.changed('tasks');
    });
  }

  private setUnpacked(snapshotName: string, unpacked: boolean): void {
    let any = false;
    for (const entry of this.images.values()) {
      if (entry.details?.chainId === snapshotName && entry.unpacked !== unpacked) {
        entry.unpacked = unpacked;
        any = true;
      }
    }
    if (any) this.changed('images');
  }

  /** Starts resolving image details from now on (the namespace is on screen); false stops new work. */
  setDetailsWanted(wanted: boolean): void {
    this.detailsWanted = wanted;
    if (wanted) this.ensureDetails();
  }

  /** Resolves details of images that lack them, a few at a time; each result is announced as an images change. */
  ensureDetails(): void {
    for (const [name, entry] of this.images) {
      if (entry.details?.targetDigest === entry.image.target.digest && entry.unpacked !== undefined) continue;
      if (!this.detailsQueue.includes(name)) this.detailsQueue.push(name);
    }
    this.pumpDetails();
  }

  private pumpDetails(): void {
    while (this.detailsRunning < DETAIL_CONCURRENCY && this.detailsQueue.length) {
      const name = this.detailsQueue.shift() as string;
      this.detailsRunning++;
      void this.run(`details:${name}`, () => this.resolveDetails(name)).finally(() => {
        this.detailsRunning--;
        this.pumpDetails();
      });
    }
  }

  private async resolveDetails(name: string): Promise<void> {
    const c = this.client();
    const entry = this.images.get(name);
    if (!c || !entry) return;
    const digest = entry.image.target.digest;
    let pending = this.detailsCache.get(digest);
    if (!pending) {
      pending = computeImageDetails(c, entry.image);
      this.detailsCache.set(digest, pending);
      pending.catch(() => this.detailsCache.delete(digest));
    }
    const details = await pending;
    if (details.error) this.detailsCache.delete(digest); // retried when the image is updated (e.g. a pull completes)
    const unpacked = details.chainId ? await isChainUnpacked(c, details.chainId) : false;
    const now = this.images.get(name);
    if (!now || now.image.target.digest !== digest) return; // changed meanwhile; a newer request follows
    now.details = details;
    now.unpacked = unpacked;
    this.changed('images');
  }

  /** Resolves when no refresh, fetch or detail resolution is in flight. */
  async whenIdle(): Promise<void> {
    while (this.refreshing || this.queue.busy || this.detailsRunning > 0) {
      await this.refreshing;
      await this.queue.whenIdle();
    }
  }

  /** Lists the task's processes (init and execs) for the Tasks view's children. */
  async processes(containerId: string): Promise<{ pid: number; execId?: string }[]> {
    const c = this.client();
    if (!c) return [];
    try {
      return await c.tasks.listPids(containerId);
    } catch (e) {
      if (e instanceof NotFoundError) return [];
      throw e;
    }
  }
}
