// What the daemon can do, from the daemon: Version, Introspection.Plugins (a plugin with an init error does not
// count) and Introspection.Server. The one place the client decides the snapshotter, the runtime and whether
// containerd pulls server-side (Transfer + Streaming); everything else asks here rather than assuming.
import type { ContainerdClient } from './client';
import { UnimplementedError } from './errors';
import type { CallOptions } from './call-options';
import { DEFAULT_RUNTIME } from './run/create';
import { DEFAULT_SNAPSHOTTER } from './services/snapshots';
import type { Plugin } from './types';

/** What `auto` pulls and whether the daemon offers a Transfer pull at all. */
export interface TransferSupport {
  /** The daemon serves Transfer and Streaming (plugins loaded without init errors). */
  offered: boolean;
  /** `auto` picks Transfer: offered, and containerd 2.x or newer. */
  preferred: boolean;
  /** containerd's version string, e.g. `2.1.9+unknown`. */
  version: string;
  /** Why not offered or not preferred, in words for a log line. */
  reason?: string;
}

export interface DaemonCapabilities {
  /** containerd's version string (`1.6.20~ds1`, `2.1.9+unknown`). */
  version: string;
  /** '' when the build does not say (Debian's 2.x). */
  revision: string;
  /** Introspection.Server's UUID of this daemon's root, when it answers. */
  uuid?: string;
  /** Snapshotter plugins that loaded (a `native` always does; `overlayfs` needs a filesystem that supports it). */
  snapshotters: string[];
  /** overlayfs when it loaded, else native, else the first that did (containerd's own default is overlayfs). */
  defaultSnapshotter: string;
  /** Why that snapshotter, for a tooltip or log line. */
  snapshotterReason: string;
  /** Runtime for new containers: runc v2 (shims are binaries: Introspection cannot list them). */
  runtime: string;
  /** The task service runs shims (io.containerd.runtime.v2 task plugin loaded). */
  tasks: boolean;
  transfer: TransferSupport;
  streaming: boolean;
}

const SNAPSHOTTER_PLUGIN_TYPE = 'io.containerd.snapshotter.v1';
const TRANSFER_PLUGIN_TYPE = 'io.containerd.transfer.v1';
const STREAMING_PLUGIN_TYPE = 'io.containerd.streaming.v1';
const GRPC_PLUGIN_TYPE = 'io.containerd.grpc.v1';
const RUNTIME_V2_PLUGIN_TYPE = 'io.containerd.runtime.v2';

const loaded = (plugins: Plugin[], type: string, id?: string): boolean =>
  plugins.some((p) => p.type === type && (id === undefined || p.id === id) && !p.initError);

export type PluginStatus = 'ok' | 'skipped' | 'error';

// containerd's plugin.ErrSkipPlugin text, which a skipped plugin's init_err carries: as a suffix ("path must be a
// zfs filesystem: skip plugin") or, wrapped the other way round on 2.x, as a prefix ("skip plugin: tracing endpoint
// not configured"). devmapper without a pool says "devmapper not configured" on 1.6 and was made an ErrSkipPlugin
// in 1.7: a skip on every version, not a failure.
const SKIP_SUFFIX = /:?\s*skip plugin\s*$/;
const SKIP_PREFIX = /^\s*skip plugin:?\s*/;
const NOT_CONFIGURED = /^devmapper not configured$/;

/** One verdict per plugin for every view and check: ok, skipped (does not apply here) or error (init failed). */
export function pluginStatus(p: Plugin): PluginStatus {
  if (!p.initError) return 'ok';
  const e = p.initError.trim();
  return SKIP_SUFFIX.test(e) || SKIP_PREFIX.test(e) || NOT_CONFIGURED.test(e) ? 'skipped' : 'error';
}

/** The init error without containerd's `skip plugin` marker. */
export function pluginReason(p: Plugin): string | undefined {
  return p.initError?.trim().replace(SKIP_SUFFIX, '').replace(SKIP_PREFIX, '').trim() || undefined;
}

/** The major version of a containerd version string (`v1.7.24`, `2.1.9+unknown`); NaN if unreadable. */
export function majorVersion(version: string): number {
  const m = /^v?(\d+)\./.exec(version.trim());
  return m ? Number(m[1]) : NaN;
}

/**
 * Transfer needs the transfer and streaming plugins and their gRPC services. containerd 1.7's Transfer is
 * experimental and ignored `default_scheme: http` (it tried https against a plain-HTTP registry), so `auto`
 * takes it on 2.x only.
 */
export function transferSupportOf(version: string, plugins: Plugin[]): TransferSupport {
  const missing: string[] = [];
  if (!loaded(plugins, TRANSFER_PLUGIN_TYPE)) missing.push(`${TRANSFER_PLUGIN_TYPE} plugin`);
  if (!loaded(plugins, STREAMING_PLUGIN_TYPE)) missing.push(`${STREAMING_PLUGIN_TYPE} plugin`);
  for (const id of ['transfer', 'streaming']) if (!loaded(plugins, GRPC_PLUGIN_TYPE, id)) missing.push(`${GRPC_PLUGIN_TYPE}.${id} service`);
  if (missing.length) return { offered: false, preferred: false, version, reason: `containerd ${version} has no Transfer service (missing or failed to load: ${missing.join(', ')})` };
  if (!(majorVersion(version) >= 2)) return { offered: true, preferred: false, version, reason: `containerd ${version}: Transfer is experimental before 2.0` };
  return { offered: true, preferred: true, version };
}

/** The capabilities a daemon's answers imply (pure: unit-tested on plugin lists). */
export function capabilitiesOf(version: { version: string; revision: string }, plugins: Plugin[], uuid?: string): DaemonCapabilities {
  const snapshotters = plugins.filter((p) => p.type === SNAPSHOTTER_PLUGIN_TYPE && !p.initError).map((p) => p.id);
  const failed = plugins.find((p) => p.type === SNAPSHOTTER_PLUGIN_TYPE && p.id === DEFAULT_SNAPSHOTTER && p.initError);
  let defaultSnapshotter = DEFAULT_SNAPSHOTTER;
  let snapshotterReason = `${DEFAULT_SNAPSHOTTER} (containerd's default) is loaded`;
  if (plugins.length === 0) {
    snapshotterReason = `containerd listed no plugins: assuming ${DEFAULT_SNAPSHOTTER}`;
  } else if (!snapshotters.includes(DEFAULT_SNAPSHOTTER)) {
    const why = failed ? `${DEFAULT_SNAPSHOTTER} failed to load: ${failed.initError ?? ''}` : `${DEFAULT_SNAPSHOTTER} is not loaded`;
    defaultSnapshotter = snapshotters.includes('native') ? 'native' : snapshotters[0] ?? DEFAULT_SNAPSHOTTER;
    snapshotterReason = snapshotters.length ? `${why}; using ${defaultSnapshotter}` : `no snapshotter loaded (${why})`;
  }
  return {
    version: version.version, revision: version.revision ?? '', ...(uuid ? { uuid } : {}),
    snapshotters, defaultSnapshotter, snapshotterReason,
    runtime: DEFAULT_RUNTIME,
    tasks: loaded(plugins, RUNTIME_V2_PLUGIN_TYPE),
    transfer: transferSupportOf(version.version, plugins),
    streaming: loaded(plugins, STREAMING_PLUGIN_TYPE) && loaded(plugins, GRPC_PLUGIN_TYPE, 'streaming'),
  };
}

/** Asks the daemon (Version, Introspection.Plugins and .Server at once). Server is optional: older daemons lack it. */
export async function daemonCapabilities(client: ContainerdClient, opts?: CallOptions): Promise<DaemonCapabilities> {
  const [version, plugins, uuid] = await Promise.all([
    client.version.version(opts),
    client.introspection.plugins([], opts),
    client.introspection.server(opts).then((s) => s.uuid || undefined, (e: unknown) => {
      if (e instanceof UnimplementedError) return undefined;
      throw e;
    }),
  ]);
  return capabilitiesOf(version, plugins, uuid);
}
