// The Containers view's cache of each container's networking (containerNetworkInfo: ours from our state dir,
// nerdctl's from its labels and libcni's cache). Read once per container when a row first needs it, then again
// only after an event that can change it (create, update, delete, task start, exit, task delete, our DEL after an
// exit) or a full listing: never on every render.
import {
  containerNetworkInfo, type ContainerdClient, type ContainerdEvent, type ContainerNetworkInfo,
} from '@containerd-explorer/client';
import { Emitter, type Event } from '../../base/emitter';
import { Disposable } from '../../base/lifecycle';
import type { ContainerEntry } from '../model/types';

const TOPICS = new Set(['/containers/create', '/containers/update', '/containers/delete', '/tasks/start', '/tasks/exit', '/tasks/delete']);

export interface ContainerNetworksDeps {
  client(): ContainerdClient | undefined;
  events: Event<ContainerdEvent>;
  /** A container's network was taken down after its task exited (NetworkUpkeep.onDidDisconnect). */
  disconnected?: Event<{ namespace: string; id: string }>;
  /** A full listing happened (EventHub.onDidSync): everything may have changed. */
  synced?: Event<unknown>;
  /** libcni's cache dir, where nerdctl's results are (default /var/lib/cni). */
  cniCacheDir?: string;
}

export class ContainerNetworks extends Disposable {
  private readonly cache = new Map<string, ContainerNetworkInfo | undefined>();
  private readonly changed = this._register(new Emitter<string>());
  /** Fires with the namespace whose containers' networking may have changed. */
  readonly onDidChange = this.changed.event;
  /** How many times info was read from disk (tests: not once per render). */
  reads = 0;

  constructor(private readonly deps: ContainerNetworksDeps) {
    super();
    this._register(deps.events((ev) => {
      if (!TOPICS.has(ev.topic)) return;
      const id = 'containerId' in ev.payload ? ev.payload.containerId : 'id' in ev.payload ? ev.payload.id : undefined;
      if (typeof id === 'string') this.invalidate(ev.namespace, id);
    }));
    if (deps.disconnected) this._register(deps.disconnected((r) => this.invalidate(r.namespace, r.id)));
    if (deps.synced) this._register(deps.synced(() => { this.cache.clear(); this.changed.fire(''); }));
  }

  invalidate(namespace: string, id: string): void {
    this.cache.delete(`${namespace}/${id}`);
    this.changed.fire(namespace);
  }

  /** The container's networking, undefined for one on no CNI network (or while disconnected from containerd). */
  get(namespace: string, c: ContainerEntry): ContainerNetworkInfo | undefined {
    const key = `${namespace}/${c.id}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const client = this.deps.client();
    if (!client) return undefined;
    let info: ContainerNetworkInfo | undefined;
    try {
      this.reads++;
      info = containerNetworkInfo(client.withNamespace(namespace), { ...c }, this.deps.cniCacheDir);
    } catch {
      info = undefined; // unreadable state: shown as no network, read again after the next event
    }
    this.cache.set(key, info);
    return info;
  }
}
