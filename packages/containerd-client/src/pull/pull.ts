// pull(): what `ctr images pull` does on containerd 1.6, where pulling is the client's job. Under a lease:
// resolve, fetch and store manifests, download layers in parallel (bounded) into resumable ingests, unpack
// each layer as soon as it and those below it are in, then create or update the image record.
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { ContainerdClient } from '../client';
import { CancelledError, ContainerdError, NotFoundError, ResourceExhaustedError } from '../errors';
import { distributionSourceLabel } from '../images/distribution-source';
import { unpackImage } from '../images/unpack';
import { PULL_IMAGE_LABEL, PULL_LEASE_MAX_AGE_MS, PULL_LEASE_PREFIX, holdLease, leaseOwnerLabels } from './pull-leases';
import type { Descriptor } from '../oci/image-types';
import { RegistryClient, type RegistryClientOptions } from '../registry/client';
import type { CredentialsProvider } from '../registry/credentials';
import { chainIds } from '../digest';
import { hostPlatform } from '../registry/platform';
import { parseReference } from '../registry/reference';
import type { Image } from '../types';
import { Limiter } from './limiter';
import { type PlannedImage, type PlatformChoice, type ResolvedTarget, checkResolved, planImages, withSourceLabel } from './plan';
import { ProgressTracker, type ProgressListener } from './progress';
import { type StoreContext, ingestRef, storeStreamedBlob } from './store-blob';
import { settleAll } from '../settle';

export interface PullOptions {
  /** Default: the host's platform. `'all'` fetches every platform of an index and unpacks the host's. */
  platform?: PlatformChoice;
  onProgress?: ProgressListener;
  /** Aborting stops downloads and writes; partial layer ingests stay for the next pull to resume. */
  signal?: AbortSignal;
  /** Registry credentials per host (e.g. chained: the extension's secrets, then ~/.docker/config.json). */
  credentials?: CredentialsProvider;
  /** hosts.toml directory, insecure registries, retries... (`credentials` above wins over theirs). */
  registryOptions?: RegistryClientOptions;
  /** A registry client to reuse (its own credentials and options then apply). */
  registry?: RegistryClient;
  /**
   * The reference already resolved by the caller (e.g. to offer the platforms of its index): the pull starts
   * from this descriptor, and from its fetched manifest or index when given, instead of asking the registry again.
   */
  resolved?: ResolvedTarget;
  /** Layers downloaded at once (default 3, as containerd). */
  concurrency?: number;
  /** Unpack into snapshots (default true). */
  unpack?: boolean;
  /** Least time between two byte-count progress events (default 100 ms). */
  progressIntervalMs?: number;
}

export const DEFAULT_PULL_CONCURRENCY = 3;

/** Pulls `reference` into the client's namespace and returns the image record. */
export async function pull(client: ContainerdClient, reference: string, options: PullOptions = {}): Promise<Image> {
  const ref = parseReference(reference);
  const name = ref.toString();
  const outer = options.signal;
  if (outer?.aborted) throw new CancelledError(`pull of ${name} cancelled`);
  const leaseId = `${PULL_LEASE_PREFIX}${Date.now()}-${randomBytes(4).toString('hex')}`;
  // Held before it exists, so a sweep in this process never takes it; the owner label guards it from others'.
  const releaseLease = holdLease(leaseId);
  const lease = await client.leases.create({
    id: leaseId,
    expiresInMs: PULL_LEASE_MAX_AGE_MS,
    labels: { [PULL_IMAGE_LABEL]: name.slice(0, 200), ...leaseOwnerLabels() },
  }, { signal: outer }).catch((e: unknown) => { releaseLease(); throw e; });
  const tracker = new ProgressTracker(name, options.onProgress, options.progressIntervalMs);
  const registry = options.registry ?? new RegistryClient({ ...options.registryOptions, ...(options.credentials ? { credentials: options.credentials } : {}) });
  // One controller for all of the pull's work: the caller's cancel, or our own first failure, stops the rest.
  const controller = new AbortController();
  // Every request and write of the pull listens on it: many listeners by design.
  setMaxListeners(0, controller.signal);
  const onOuterAbort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  if (outer?.aborted) onOuterAbort();
  tracker.emit(true);
  let succeeded = false;
  /** Layers this pull started to write: after a failure, their empty ingests are dropped. */
  const started: Descriptor[] = [];
  try {
    const image = await run(client.withLease(lease.id), client.withLease(undefined), lease.id);
    succeeded = true;
    return image;
  } catch (e) {
    throw outer?.aborted ? new CancelledError(`pull of ${name} cancelled`, { cause: e }) : explain(e);
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
    controller.abort();
    tracker.dispose();
    if (!options.registry) registry.close();
    // After a failure, collect at once what only the lease held (committed layers, snapshots): nothing
    // half-made stays. Partial ingests were written outside the lease and stay, resumable, for 24 h.
    if (!succeeded) await dropEmptyIngests(client, started);
    // If containerd is gone, the lease stays: the sweep after reconnecting removes it (no longer held).
    await client.leases.delete(lease.id, { sync: !succeeded }).catch(() => undefined);
    releaseLease();
  }

  async function run(leased: ContainerdClient, unleased: ContainerdClient, leaseId: string): Promise<Image> {
    const signal = controller.signal;
    const ctx: StoreContext = {
      leased, unleased, registry, ref, tracker, signal, sourceLabels: distributionSourceLabel(ref.domain, ref.path),
    };
    const resolved = options.resolved ? checkResolved(options.resolved) : await registry.resolve(ref, { signal });
    tracker.phase('fetching');
    const planned = await planImages(ctx, resolved.descriptor, options.platform ?? hostPlatform(), 0, options.resolved?.fetched);

    // Everything the pull will need goes into the lease up front: blobs committed outside it (resumable
    // layer ingests) and snapshots already present are then safe from GC until the image record exists.
    const layers = new Map<string, Descriptor>();
    for (const p of planned) for (const l of p.manifest.layers) if (!layers.has(l.digest)) layers.set(l.digest, l);
    const resources = [...layers.keys()].map((id) => ({ id, type: 'content' }));
    for (const p of planned.filter((x) => x.unpack && options.unpack !== false)) {
      for (const id of chainIds(p.config.rootfs.diff_ids)) resources.push({ id, type: `snapshots/${client.snapshotter}` });
    }
    await Promise.all(resources.map((r) => client.leases.addResource(leaseId, r, { signal })));

    for (const l of layers.values()) { tracker.add(l); started.push(l); }
    // The first failure in time is the cause; what fails after it was stopped by it.
    let firstFailure: unknown;
    const failed = (e: unknown): void => { firstFailure ??= e; controller.abort(); };
    const limiter = new Limiter(options.concurrency ?? DEFAULT_PULL_CONCURRENCY);
    const fetches = new Map<string, Promise<void>>();
    for (const l of layers.values()) {
      const p = limiter.run(() => (signal.aborted ? Promise.reject(signal.reason) : withSourceLabel(ctx, l, () => storeStreamedBlob(ctx, l))));
      // The first failure stops the other downloads and the unpack.
      p.catch(failed);
      fetches.set(l.digest, p);
    }
    const unpacks = options.unpack === false ? [] : planned.filter((p) => p.unpack).map((p) => unpack(leased, p, fetches, failed));
    const downloads = settleAll([...fetches.values()]);
    downloads.then(() => { if (unpacks.length) tracker.phase('unpacking'); }, () => undefined);
    await settleAll([downloads, ...unpacks], () => firstFailure);
    if (signal.aborted) throw new CancelledError(`pull of ${name} cancelled`);

    const target: Descriptor = { mediaType: resolved.descriptor.mediaType, digest: resolved.descriptor.digest, size: resolved.descriptor.size };
    const image = await createOrUpdate(leased, name, target);
    tracker.phase('done');
    return image;
  }

  function unpack(leased: ContainerdClient, p: PlannedImage, fetches: Map<string, Promise<void>>, failed: (e: unknown) => void): Promise<unknown> {
    tracker.setLayersToUnpack(p.manifest.layers.length);
    for (const l of p.manifest.layers) { const b = tracker.get(l.digest); if (b) b.unpack = 'pending'; }
    const work = unpackImage(leased, p.manifest, p.config, {
      signal: controller.signal,
      layerReady: (i) => fetches.get(p.manifest.layers[i].digest) ?? Promise.resolve(),
      onProgress: (u) => {
        const b = tracker.get(u.digest);
        if (u.state === 'applying') { if (b) b.unpack = 'applying'; tracker.emit(true); return; }
        if (b) b.unpack = 'done';
        tracker.layerUnpacked();
      },
    });
    work.catch(failed);
    return work;
  }
}

/** Says in plain words what containerd's disk errors mean; other errors pass unchanged. */
function explain(e: unknown): unknown {
  if (e instanceof ContainerdError && /no space left on device/i.test(e.message)) {
    return new ResourceExhaustedError(`containerd's content store is full (no space left on device): free space under containerd's root and pull again; what was downloaded is kept for the retry. ${e.message}`, { cause: e });
  }
  return e;
}

/** An ingest that got no byte is nothing to resume: abort it rather than leave clutter for 24 hours. */
async function dropEmptyIngests(client: ContainerdClient, layers: Descriptor[]): Promise<void> {
  const refs = new Set(layers.map(ingestRef));
  const statuses = await client.content.listStatuses().catch(() => []);
  for (const s of statuses) if (refs.has(s.ref) && s.offset === 0) await client.content.abort(s.ref).catch(() => undefined);
}

async function createOrUpdate(client: ContainerdClient, name: string, target: Descriptor): Promise<Image> {
  try {
    const existing = await client.images.get(name);
    if (existing.target.digest === target.digest && existing.target.mediaType === target.mediaType) return existing;
    return await client.images.update(name, { target });
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    return client.images.create({ name, target });
  }
}
