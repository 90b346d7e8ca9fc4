// ContainerdClient: one gRPC channel, typed services bound to a namespace (and optionally a lease).
import * as grpc from '@grpc/grpc-js';
import { grpcTarget, socketPathOf } from './address';
import { serviceCtor } from './grpc/loader';
import { Rpc } from './grpc/rpc';
import { ContainersService } from './services/containers';
import { ContentService } from './services/content';
import { DiffService } from './services/diff';
import { EventsService } from './services/events';
import { ImagesService } from './services/images';
import { LeasesService, type LeaseOptions } from './services/leases';
import { NamespacesService } from './services/namespaces';
import { DEFAULT_SNAPSHOTTER, SnapshotsService } from './services/snapshots';
import { TasksService } from './services/tasks';
import { IntrospectionService, VersionService } from './services/version';

const SERVICES = {
  version: 'containerd.services.version.v1.Version',
  introspection: 'containerd.services.introspection.v1.Introspection',
  namespaces: 'containerd.services.namespaces.v1.Namespaces',
  images: 'containerd.services.images.v1.Images',
  containers: 'containerd.services.containers.v1.Containers',
  tasks: 'containerd.services.tasks.v1.Tasks',
  content: 'containerd.services.content.v1.Content',
  snapshots: 'containerd.services.snapshots.v1.Snapshots',
  diff: 'containerd.services.diff.v1.Diff',
  leases: 'containerd.services.leases.v1.Leases',
  events: 'containerd.services.events.v1.Events',
} as const;

type ServiceName = keyof typeof SERVICES;

/** The shared connection: one channel, one grpc-js client per service, reused by every namespace view. */
export class Connection {
  /** @internal */
  readonly channel: grpc.Channel;
  private readonly clients = new Map<ServiceName, grpc.Client>();
  private closed = false;

  constructor(readonly address: string, readonly unaryTimeoutMs: number) {
    this.channel = new grpc.Channel(grpcTarget(address), grpc.credentials.createInsecure(), {
      // containerd answers with messages up to 16 MiB (large List responses); match it.
      'grpc.max_receive_message_length': 16 << 20,
      'grpc.max_send_message_length': 16 << 20,
      // HTTP/2 flow control: with the default 64 KiB window containerd stops every 64 KiB of a large answer
      // (Containers.ListStream sends each record's OCI spec: ~3 MB for 1,000 containers) until we acknowledge, a
      // round trip through both busy processes each time. A window as large as the largest message lets it stream on.
      'grpc-node.flow_control_window': 16 << 20,
      // Unix socket: no need to wait long between reconnect attempts after a daemon restart.
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 5000,
    });
  }

  get socketPath(): string { return socketPathOf(this.address); }
  get isClosed(): boolean { return this.closed; }

  /** @internal */
  client(name: ServiceName): grpc.Client {
    let c = this.clients.get(name);
    if (!c) {
      const Ctor = serviceCtor(SERVICES[name]);
      c = new Ctor(grpcTarget(this.address), grpc.credentials.createInsecure(), { channelOverride: this.channel });
      this.clients.set(name, c);
    }
    return c;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.clients.values()) c.close();
    this.channel.close();
  }
}

/**
 * A client bound to one namespace. `withNamespace` and `withLease` hand out views that share the channel.
 * Services are created lazily so a view costs nothing until used.
 */
export class ContainerdClient {
  constructor(readonly connection: Connection, readonly namespace: string, readonly lease?: string, readonly snapshotter: string = DEFAULT_SNAPSHOTTER) {}

  get address(): string { return this.connection.address; }

  private rpc(name: ServiceName): Rpc {
    const socketPath = (): string | undefined => (this.connection.isClosed ? undefined : this.connection.socketPath);
    return new Rpc(this.connection.client(name), name, this.namespace, this.connection.unaryTimeoutMs, this.lease, socketPath);
  }

  private cache = new Map<string, unknown>();
  private svc<T>(key: string, make: () => T): T {
    let s = this.cache.get(key) as T | undefined;
    if (!s) { s = make(); this.cache.set(key, s); }
    return s;
  }

  get version(): VersionService { return this.svc('version', () => new VersionService(this.rpc('version'))); }
  get introspection(): IntrospectionService { return this.svc('introspection', () => new IntrospectionService(this.rpc('introspection'))); }
  get namespaces(): NamespacesService { return this.svc('namespaces', () => new NamespacesService(this.rpc('namespaces'))); }
  get images(): ImagesService { return this.svc('images', () => new ImagesService(this.rpc('images'))); }
  get containers(): ContainersService { return this.svc('containers', () => new ContainersService(this.rpc('containers'), this.rpc('tasks'), this.snapshotter)); }
  get tasks(): TasksService { return this.svc('tasks', () => new TasksService(this.rpc('tasks'))); }
  get content(): ContentService { return this.svc('content', () => new ContentService(this.rpc('content'))); }
  get snapshots(): SnapshotsService { return this.svc('snapshots', () => new SnapshotsService(this.rpc('snapshots'), this.snapshotter)); }
  get diff(): DiffService { return this.svc('diff', () => new DiffService(this.rpc('diff'))); }
  get leases(): LeasesService { return this.svc('leases', () => new LeasesService(this.rpc('leases'))); }
  get events(): EventsService { return this.svc('events', () => new EventsService(this.rpc('events'))); }

  /** The same connection, another namespace. */
  withNamespace(namespace: string): ContainerdClient {
    return new ContainerdClient(this.connection, namespace, this.lease, this.snapshotter);
  }

  /** The same connection and namespace; calls carry `containerd-lease` so what they create is held by it. */
  withLease(leaseId: string | undefined): ContainerdClient {
    return new ContainerdClient(this.connection, this.namespace, leaseId, this.snapshotter);
  }

  withSnapshotter(snapshotter: string): ContainerdClient {
    return new ContainerdClient(this.connection, this.namespace, this.lease, snapshotter);
  }

  /**
   * Runs `work` under a fresh lease and deletes the lease afterwards, whatever happens. What the work created
   * survives only if something else references it (an image record, GC labels); the rest is collected.
   */
  async withTemporaryLease<T>(work: (leased: ContainerdClient) => Promise<T>, options: LeaseOptions = {}): Promise<T> {
    const lease = await this.leases.create({ expiresInMs: 24 * 3600_000, ...options });
    try {
      return await work(this.withLease(lease.id));
    } finally {
      await this.leases.delete(lease.id).catch(() => undefined);
    }
  }

  close(): void { this.connection.close(); }
}
