// All namespaces and their models, fed by one event stream; changes leave here coalesced (~30 ms). Free of `vscode`.
import { NotFoundError, type ContainerdEvent, type Namespace } from '@containerd-explorer/client';
import { Coalescer } from './coalescer';
import { Emitter, type Event } from '../../base/emitter';
import { Disposable } from '../../base/lifecycle';
import type { ModelClient } from './model-client';
import { NamespaceModel } from './namespace-model';
import type { ModelChange, ResourceKind } from './types';
import { SingleFlight } from '../../base/single-flight';

export const COALESCE_MS = 30;

export interface ExplorerHost {
  client(): ModelClient | undefined;
  failed(e: unknown, what: string, client?: ModelClient): void;
}

const NAMESPACES_KEY = 'namespaces';

export class ExplorerModel extends Disposable {
  readonly namespaces = new Map<string, Namespace>();
  /** True once the namespace list has been read since the last reset. */
  namespacesLoaded = false;
  private readonly models = new Map<string, NamespaceModel>();
  private readonly coalescer: Coalescer<string>;
  private readonly emitter: Emitter<ModelChange>;
  readonly onDidChange: Event<ModelChange>;
  private readonly namespaceListing = new SingleFlight(() => this.listNamespaces());

  constructor(private readonly host: ExplorerHost, coalesceMs = COALESCE_MS) {
    super();
    this.emitter = this._register(new Emitter<ModelChange>((e) => host.failed(e, 'notifying views')));
    this.onDidChange = this.emitter.event;
    this.coalescer = this._register(new Coalescer<string>(coalesceMs, (keys) => this.emitter.fire(toChange(keys))));
  }

  /** The model of a namespace, created empty (and listed, when connected) on first use. */
  model(namespace: string): NamespaceModel {
    let m = this.models.get(namespace);
    if (!m) {
      m = new NamespaceModel(namespace, {
        client: () => this.host.client(),
        changed: (ns, kind) => this.changed(ns, kind),
        listed: () => this.coalescer.flushNow(),
        failed: (e, what, client) => this.host.failed(e, what, client),
      });
      this.models.set(namespace, m);
      if (this.host.client()) void m.refresh();
    }
    return m;
  }

  private changed(namespace: string, kind: ResourceKind): void {
    this.coalescer.mark(`${kind}:${namespace}`);
  }

  /** Lists namespaces and every namespace's resources (after a connect or reconnect: events were missed). */
  async refreshAll(): Promise<void> {
    // The namespaces already known list at once, alongside the namespace listing (new ones list as it adds them).
    await Promise.all([this.refreshNamespaces(), ...[...this.models.values()].map((m) => m.refresh())]);
    // Models the namespace listing created are listing now: wait for those too (the others are idle already).
    await Promise.all([...this.models.values()].map((m) => m.whenListed()));
    // A full refresh is already one batch: show it now rather than after the coalescing window.
    this.coalescer.flushNow();
  }

  /** Reads the namespace list; models of new namespaces are listed too. Concurrent calls share one run. */
  refreshNamespaces(): Promise<void> {
    return this.namespaceListing.run();
  }


  private async listNamespaces(): Promise<void> {
    const c = this.host.client();
    if (!c) return;
    try {
      const list = await c.namespaces.list();
      if (c !== this.host.client()) { void this.namespaceListing.run(); return; } // reconnected meanwhile: list on the new connection
      this.namespaces.clear();
      for (const ns of list) {
        this.namespaces.set(ns.name, ns);
        this.model(ns.name);
      }
      this.namespacesLoaded = true;
      this.coalescer.mark(NAMESPACES_KEY);
    } catch (e) {
      this.host.failed(e, 'listing namespaces', c);
    }
  }

  apply(ev: ContainerdEvent): void {
    switch (ev.topic) {
      case '/namespaces/create': case '/namespaces/update':
        this.namespaces.set(ev.payload.name, { name: ev.payload.name, labels: ev.payload.labels ?? {} });
        this.model(ev.payload.name);
        this.coalescer.mark(NAMESPACES_KEY);
        return;
      case '/namespaces/delete':
        this.namespaces.delete(ev.payload.name);
        this.models.get(ev.payload.name)?.reset();
        this.coalescer.mark(NAMESPACES_KEY);
        return;
      default:
        break;
    }
    if (!ev.namespace) return;
    // containerd creates a namespace implicitly on first use, without a /namespaces/create event.
    if (this.namespacesLoaded && !this.namespaces.has(ev.namespace)) void this.refreshNamespaces();
    this.model(ev.namespace).apply(ev);
  }

  /** Disconnected: forget everything and tell the views. */
  reset(): void {
    this.namespaces.clear();
    this.namespacesLoaded = false;
    for (const m of this.models.values()) m.reset();
    this.coalescer.mark(NAMESPACES_KEY);
  }

  /** Re-reads one namespace's labels (after an edit) without waiting for the event. */
  async reloadNamespace(name: string): Promise<void> {
    const c = this.host.client();
    if (!c) return;
    try {
      this.namespaces.set(name, await c.namespaces.get(name));
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      this.namespaces.delete(name);
    }
    this.coalescer.mark(NAMESPACES_KEY);
  }

  /** Resolves when nothing is being fetched and pending changes have been announced. */
  async whenIdle(): Promise<void> {
    do {
      await this.namespaceListing.current;
      await Promise.all([...this.models.values()].map((m) => m.whenIdle()));
      await this.coalescer.whenFlushed();
    } while (this.namespaceListing.current || this.coalescer.isPending);
  }

}

function toChange(keys: Set<string>): ModelChange {
  const change: ModelChange = { namespaces: false, kinds: new Map() };
  for (const key of keys) {
    if (key === NAMESPACES_KEY) { change.namespaces = true; continue; }
    const i = key.indexOf(':');
    const kind = key.slice(0, i) as ResourceKind;
    const ns = key.slice(i + 1);
    let set = change.kinds.get(ns);
    if (!set) change.kinds.set(ns, (set = new Set()));
    set.add(kind);
  }
  return change;
}
