// containerd.services.containers.v1: container metadata records (no process; see tasks).
import type { CallOptions } from '../call-options';
import type { Rpc } from '../grpc/rpc';
import { jsonAny, labels, parseJsonAny, toDate, type RawAny, type RawTimestamp } from '../grpc/convert';
import { FailedPreconditionError, NotFoundError, UnimplementedError } from '../errors';
import { validateIdentifier } from '../identifiers';
import { decodeContainerRecords } from './container-records';
import { DEFAULT_SNAPSHOTTER } from './snapshots';
import type { Container } from '../types';

export const SPEC_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/Spec';

/** @internal */
export interface RawContainer {
  id: string; labels: Record<string, string>; image: string;
  runtime?: { name: string; options?: RawAny | null } | null; spec?: RawAny | null;
  snapshotter: string; snapshot_key: string; created_at?: RawTimestamp; updated_at?: RawTimestamp;
  extensions?: Record<string, RawAny>;
}

/** @internal The full record (protobufjs's decoding, as proto-loader hands it out) as our Container. */
export function toContainer(c: RawContainer, withSpec = true): Container {
  const ext: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.extensions ?? {})) ext[k] = v.type_url;
  return {
    id: c.id, labels: labels(c.labels), image: c.image,
    runtime: { name: c.runtime?.name ?? '', ...(c.runtime?.options?.type_url ? { optionsTypeUrl: c.runtime.options.type_url } : {}) },
    spec: withSpec ? parseJsonAny(c.spec) : undefined, snapshotter: c.snapshotter, snapshotKey: c.snapshot_key,
    createdAt: toDate(c.created_at), updatedAt: toDate(c.updated_at), extensions: ext,
  };
}

export interface NewContainer {
  id: string;
  image?: string;
  labels?: Record<string, string>;
  runtime?: string;
  /** Runtime options as an encoded Any, e.g. runc's `containerd.runc.v1.Options` (its `root` keeps runc state off /run/containerd). */
  runtimeOptions?: { typeUrl: string; value: Uint8Array };
  /** OCI runtime spec; sent as JSON in an Any. */
  spec: unknown;
  snapshotter?: string;
  snapshotKey?: string;
}

export interface ContainerUpdate { labels?: Record<string, string>; image?: string; spec?: unknown; snapshotKey?: string }

export class ContainersService {
  /** `tasks`: the Tasks service's Rpc, so delete can refuse while the container has a task (see delete). */
  /** `snapshotter`: for a record with a snapshot key but no snapshotter (the client's, from the daemon's capabilities). */
  /** @internal */
  constructor(private readonly rpc: Rpc, private readonly tasks?: Rpc, private readonly snapshotter = DEFAULT_SNAPSHOTTER) {}

  /**
   * Lists containers through ListStream (one message per container, so no 16 MiB response limit), falling back
   * to List on daemons without it, as containerd's Go client does. `spec: false` leaves the OCI specs out (no spec
   * is parsed, and the records are read from their bytes with the spec stepped over: container-records.ts), for
   * large lists whose caller only shows names and states.
   */
  async list(filters: string[] = [], opts: CallOptions & { spec?: boolean } = {}): Promise<Container[]> {
    const withSpec = opts.spec !== false;
    const op = 'containers.list';
    const out: Container[] = [];
    try {
      const streamOpts = { timeoutMs: this.rpc.unaryTimeoutMs, ...opts };
      if (withSpec) {
        for await (const m of this.rpc.serverStream<{ container: RawContainer }>('ListStream', { filters }, streamOpts, op)) out.push(toContainer(m.container));
      } else {
        for await (const records of this.rpc.serverStream('ListStream', { filters }, streamOpts, op, decodeContainerRecords)) out.push(...records);
      }
      return out;
    } catch (e) {
      if (!(e instanceof UnimplementedError)) throw e;
    }
    if (!withSpec) return this.rpc.unary('List', { filters }, opts, op, decodeContainerRecords);
    const res = await this.rpc.unary<{ containers: RawContainer[] }>('List', { filters }, opts, op);
    return res.containers.map((c) => toContainer(c));
  }

  async get(id: string, opts?: CallOptions): Promise<Container> {
    const res = await this.rpc.unary<{ container: RawContainer }>('Get', { id }, opts, `containers.get "${id}"`);
    return toContainer(res.container);
  }

  async create(c: NewContainer, opts?: CallOptions): Promise<Container> {
    validateIdentifier(c.id, 'container id');
    const container = {
      id: c.id, image: c.image ?? '', labels: c.labels ?? {},
      runtime: {
        name: c.runtime ?? 'io.containerd.runc.v2',
        ...(c.runtimeOptions ? { options: { type_url: c.runtimeOptions.typeUrl, value: Buffer.from(c.runtimeOptions.value) } } : {}),
      },
      spec: jsonAny(SPEC_TYPE_URL, c.spec),
      snapshotter: c.snapshotter ?? (c.snapshotKey ? this.snapshotter : ''), snapshot_key: c.snapshotKey ?? '',
    };
    const res = await this.rpc.unary<{ container: RawContainer }>('Create', { container }, opts, `containers.create "${c.id}"`);
    return toContainer(res.container);
  }

  async update(id: string, update: ContainerUpdate, opts?: CallOptions): Promise<Container> {
    const paths: string[] = [];
    const container: Record<string, unknown> = { id };
    if (update.labels) { paths.push('labels'); container.labels = update.labels; }
    if (update.image !== undefined) { paths.push('image'); container.image = update.image; }
    if (update.spec !== undefined) { paths.push('spec'); container.spec = jsonAny(SPEC_TYPE_URL, update.spec); }
    if (update.snapshotKey !== undefined) { paths.push('snapshotkey'); container.snapshot_key = update.snapshotKey; }
    const res = await this.rpc.unary<{ container: RawContainer }>('Update', { container, update_mask: { paths } }, opts, `containers.update "${id}"`);
    return toContainer(res.container);
  }

  /**
   * Removes the record only; the snapshot is the caller's. containerd 1.6 itself deletes a container whose task
   * still runs (orphaning the task and its shim), so like containerd's Go client this refuses while a task exists.
   */
  async delete(id: string, opts?: CallOptions): Promise<void> {
    const op = `containers.delete "${id}"`;
    if (this.tasks) {
      let task: { status?: string; pid?: number } | undefined;
      try {
        task = (await this.tasks.unary<{ process: { status?: string; pid?: number } }>('Get', { container_id: id, exec_id: '' }, opts, op)).process;
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
      if (task) {
        throw new FailedPreconditionError(`${op}: the container still has a task (${String(task.status ?? 'unknown').toLowerCase()}, pid ${task.pid ?? '?'}): kill and delete the task first`);
      }
    }
    await this.rpc.unary('Delete', { id }, opts, op);
  }
}
