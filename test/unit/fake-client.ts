// An in-memory fake of OUR narrow client interfaces (ModelClient for the view model, SessionClient for the session
// layer), not of containerd's wire API: a store of namespaces, images, containers, tasks and blobs, a log of the
// calls made, gates that hold chosen calls until a test releases them, and event streams the test feeds or breaks.
// Reads copy what they return when they are called (a held Get answers with the state of its call, like a slow RPC).
import { NotFoundError, type Container, type ContainerdEvent, type Image, type Namespace, type ProcessInfo, type TaskProcess } from '../../packages/containerd-client/src';
import { sha256Digest } from '../../packages/containerd-client/src/digest';
import type { SessionClient } from '../../src/session/session-client';
import type { ModelClient } from '../../src/views/model/model-client';

export const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** A gate holds every call whose log line matches until release(). */
interface Gate { match: RegExp; opened: Promise<void>; release: () => void }

export class FakeStore {
  readonly namespaces = new Map<string, Namespace>();
  readonly images = new Map<string, Map<string, Image>>();
  readonly containers = new Map<string, Map<string, Container>>();
  /** namespace -> `${containerId}/${execId}` ('' for the init process). */
  readonly tasks = new Map<string, Map<string, TaskProcess>>();
  readonly blobs = new Map<string, Buffer>();
  readonly snapshots = new Set<string>();
  /** Every call, as `service.method namespace/arg`. */
  readonly calls: string[] = [];
  private readonly gates: Gate[] = [];

  /** Holds calls whose log line matches `match` until the returned function is called. */
  hold(match: RegExp): () => void {
    let release = (): void => undefined;
    const opened = new Promise<void>((r) => { release = r; });
    const gate: Gate = { match, opened, release: () => { this.gates.splice(this.gates.indexOf(gate), 1); release(); } };
    this.gates.push(gate);
    return gate.release;
  }

  /** Logs the call, takes its answer now, and returns it once no gate holds the call. */
  async call<T>(line: string, answer: () => T): Promise<T> {
    this.calls.push(line);
    let result: { value: T } | { error: unknown };
    try { result = { value: answer() }; } catch (error) { result = { error }; }
    for (const g of this.gates) if (g.match.test(line)) await g.opened;
    if ('error' in result) throw result.error;
    return result.value;
  }

  private of<V>(map: Map<string, Map<string, V>>, ns: string): Map<string, V> {
    let m = map.get(ns);
    if (!m) map.set(ns, (m = new Map()));
    return m;
  }

  // Writers used by tests to set the daemon's state (no events: tests publish those themselves).
  addNamespace(name: string, labels: Record<string, string> = {}): void { this.namespaces.set(name, { name, labels }); }
  addImage(ns: string, image: Image): void { this.of(this.images, ns).set(image.name, image); }
  removeImage(ns: string, name: string): void { this.of(this.images, ns).delete(name); }
  addContainer(ns: string, id: string, labels: Record<string, string> = {}): void {
    this.of(this.containers, ns).set(id, { id, labels, image: 'busybox', runtime: { name: 'io.containerd.runc.v2' }, spec: { big: true }, snapshotter: 'overlayfs', snapshotKey: id, extensions: {} });
  }
  removeContainer(ns: string, id: string): void { this.of(this.containers, ns).delete(id); }
  setTask(ns: string, containerId: string, status: TaskProcess['status'], over: Partial<TaskProcess> = {}): void {
    const id = over.id ?? '';
    this.of(this.tasks, ns).set(`${containerId}/${id}`, { containerId, id, pid: 100, status, stdin: '', stdout: '', stderr: '', terminal: false, exitStatus: 0, ...over });
  }
  removeTask(ns: string, containerId: string, execId = ''): void { this.of(this.tasks, ns).delete(`${containerId}/${execId}`); }

  /** Stores a JSON document as a blob; returns its descriptor. */
  addBlob(doc: unknown, mediaType: string): { mediaType: string; digest: string; size: number } {
    const data = Buffer.from(JSON.stringify(doc));
    const digest = sha256Digest(data);
    this.blobs.set(digest, data);
    return { mediaType, digest, size: data.length };
  }

  /** A single-platform image for the host: config with `diffIds`, manifest with one layer per diff id. */
  addImageContent(layers: string[], layerSize = 1000): { target: { mediaType: string; digest: string; size: number }; config: { digest: string } } {
    const config = this.addBlob({ os: 'linux', architecture: process.arch === 'x64' ? 'amd64' : process.arch, rootfs: { type: 'layers', diff_ids: layers } }, 'application/vnd.oci.image.config.v1+json');
    const manifest = { schemaVersion: 2, mediaType: MANIFEST, config, layers: layers.map((_, i) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${String(i).repeat(64).slice(0, 64)}`, size: layerSize })) };
    return { target: this.addBlob(manifest, MANIFEST), config };
  }

  // Readers the fake client answers from.
  readImage(ns: string, name: string): Image { return found(this.of(this.images, ns).get(name), `image "${name}"`); }
  readContainer(ns: string, id: string): Container { return found(this.of(this.containers, ns).get(id), `container "${id}"`); }
  readTask(ns: string, containerId: string, execId = ''): TaskProcess { return found(this.of(this.tasks, ns).get(`${containerId}/${execId}`), `task "${containerId}/${execId}"`); }
  listImages(ns: string): Image[] { return [...this.of(this.images, ns).values()].map((i) => ({ ...i })); }
  listContainers(ns: string): Container[] { return [...this.of(this.containers, ns).values()].map((c) => ({ ...c })); }
  listTasks(ns: string): TaskProcess[] { return [...this.of(this.tasks, ns).values()].filter((t) => !t.id).map((t) => ({ ...t })); }
}

function found<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new NotFoundError(`${what} not found`);
  return structuredClone(v);
}

/** An event stream the test feeds (push), ends, or breaks (fail). Logs `events.subscribe` at the first next(). */
export class FakeStream implements AsyncIterableIterator<ContainerdEvent> {
  private readonly queue: ContainerdEvent[] = [];
  private waiter: ((r: IteratorResult<ContainerdEvent>) => void) | undefined;
  private failWaiter: ((e: unknown) => void) | undefined;
  private ended: { error?: unknown } | undefined;
  private started = false;

  constructor(private readonly store: FakeStore, signal?: AbortSignal) {
    signal?.addEventListener('abort', () => this.end());
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ContainerdEvent> { return this; }

  get isOpen(): boolean { return !this.ended; }

  next(): Promise<IteratorResult<ContainerdEvent>> {
    if (!this.started) { this.started = true; this.store.calls.push('events.subscribe'); }
    const ev = this.queue.shift();
    if (ev) return Promise.resolve({ value: ev, done: false });
    if (this.ended) return this.ended.error ? Promise.reject(this.ended.error) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => { this.waiter = resolve; this.failWaiter = reject; });
  }

  push(ev: ContainerdEvent): void {
    if (this.ended) return;
    const w = this.waiter;
    this.waiter = undefined;
    if (w) w({ value: ev, done: false });
    else this.queue.push(ev);
  }

  /** Ends the stream; with `error`, as a broken stream (the daemon went away). */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = error === undefined ? {} : { error };
    const [w, f] = [this.waiter, this.failWaiter];
    this.waiter = this.failWaiter = undefined;
    if (error !== undefined) f?.(error);
    else w?.({ value: undefined, done: true });
  }
}

/** One connection to the fake store; withNamespace views share it (and its streams). */
export class FakeClient implements ModelClient, SessionClient {
  closed = false;
  readonly streams: FakeStream[];

  constructor(readonly store: FakeStore, readonly namespace = 'default', shared?: FakeStream[]) {
    this.streams = shared ?? [];
  }

  withNamespace(namespace: string): FakeClient { return new FakeClient(this.store, namespace, this.streams); }

  close(): void {
    this.closed = true;
    for (const s of this.streams) s.end();
  }

  /** Feeds an event to every open stream of this connection. */
  publish(ev: ContainerdEvent): void { for (const s of this.streams) s.push(ev); }

  private at(what: string): string { return `${what} ${this.namespace}`; }

  readonly events = {
    subscribe: (options: { signal?: AbortSignal }): AsyncIterable<ContainerdEvent> => {
      const s = new FakeStream(this.store, options.signal);
      this.streams.push(s);
      return s;
    },
  };

  readonly namespaces = {
    list: (): Promise<Namespace[]> => this.store.call('namespaces.list', () => [...this.store.namespaces.values()].map((n) => ({ ...n }))),
    get: (name: string): Promise<Namespace> => this.store.call(`namespaces.get ${name}`, () => found(this.store.namespaces.get(name), `namespace "${name}"`)),
  };

  readonly images = {
    list: (): Promise<Image[]> => this.store.call(this.at('images.list'), () => this.store.listImages(this.namespace)),
    get: (name: string): Promise<Image> => this.store.call(`${this.at('images.get')}/${name}`, () => this.store.readImage(this.namespace, name)),
  };

  readonly containers = {
    list: (_filters: string[], opts: { spec?: boolean }): Promise<Container[]> => this.store.call(this.at('containers.list'), () =>
      this.store.listContainers(this.namespace).map((c) => (opts.spec === false ? { ...c, spec: undefined } : c))),
    get: (id: string): Promise<Container> => this.store.call(`${this.at('containers.get')}/${id}`, () => this.store.readContainer(this.namespace, id)),
  };

  readonly tasks = {
    list: (): Promise<TaskProcess[]> => this.store.call(this.at('tasks.list'), () => this.store.listTasks(this.namespace)),
    get: (containerId: string, execId = ''): Promise<TaskProcess> =>
      this.store.call(`${this.at('tasks.get')}/${containerId}${execId ? `/${execId}` : ''}`, () => this.store.readTask(this.namespace, containerId, execId)),
    listPids: (containerId: string): Promise<ProcessInfo[]> => this.store.call(`${this.at('tasks.listPids')}/${containerId}`, () => [{ pid: this.store.readTask(this.namespace, containerId).pid }]),
  };

  readonly content = {
    read: (digest: string): AsyncIterable<Buffer> => {
      const store = this.store;
      return (async function* () { yield await store.call(`content.read ${digest}`, () => found(store.blobs.get(digest), `content ${digest}`)); })();
    },
    info: (digest: string): Promise<{ size: number }> => this.store.call(`content.info ${digest}`, () => ({ size: found(this.store.blobs.get(digest), `content ${digest}`).length })),
  };

  readonly snapshots = {
    stat: (key: string): Promise<unknown> => this.store.call(`snapshots.stat ${key}`, () => {
      if (!this.store.snapshots.has(key)) throw new NotFoundError(`snapshot ${key} does not exist`);
      return { name: key };
    }),
  };
}

/** A typed event, for brevity in tests. */
export function event<T extends ContainerdEvent['topic']>(topic: T, namespace: string, payload: Extract<ContainerdEvent, { topic: T }>['payload']): ContainerdEvent {
  return { topic, namespace, payload } as ContainerdEvent;
}
