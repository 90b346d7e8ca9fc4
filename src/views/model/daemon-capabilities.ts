// What the Daemon view says the daemon can do, in one function so the view can take the client's own capability
// computation (src/containerd/capabilities.ts) as soon as that is committed: until then a stand-in that reads
// the same plugin facts. CRI is the view's own addition (the client never needs it). Free of `vscode`.
import type { Plugin } from '../../containerd';

/** The subset of the client's DaemonCapabilities the view shows, plus CRI. */
export interface DaemonCapabilityView {
  snapshotters: string[];
  defaultSnapshotter: string;
  snapshotterReason: string;
  runtime: string;
  /** The runtime v2 task plugin loaded: containers can run. */
  tasks: boolean;
  transfer: { offered: boolean; preferred: boolean; reason?: string };
  streaming: boolean;
  /** Kubernetes' CRI plugin loaded (`io.containerd.grpc.v1 cri`). */
  cri: boolean;
}

const loaded = (plugins: Plugin[], type: string, id?: string): boolean =>
  plugins.some((p) => p.type === type && (id === undefined || p.id === id) && !p.initError);

/** The capabilities a daemon's answers imply. */
export function capabilitiesFor(version: { version: string }, plugins: Plugin[], _uuid?: string): DaemonCapabilityView {
  const snapshotters = plugins.filter((p) => p.type === 'io.containerd.snapshotter.v1' && !p.initError).map((p) => p.id);
  const defaultSnapshotter = snapshotters.includes('overlayfs') ? 'overlayfs' : snapshotters.includes('native') ? 'native' : snapshotters[0] ?? 'overlayfs';
  const snapshotterReason = defaultSnapshotter === 'overlayfs' ? "overlayfs (containerd's default) is loaded" : `overlayfs is not loaded; using ${defaultSnapshotter}`;
  const transferLoaded = loaded(plugins, 'io.containerd.transfer.v1') && loaded(plugins, 'io.containerd.grpc.v1', 'transfer');
  const streaming = loaded(plugins, 'io.containerd.streaming.v1') && loaded(plugins, 'io.containerd.grpc.v1', 'streaming');
  const major = Number(/^v?(\d+)\./.exec(version.version)?.[1] ?? NaN);
  const offered = transferLoaded && streaming;
  const transfer = !offered
    ? { offered, preferred: false, reason: `containerd ${version.version} has no Transfer service` }
    : major >= 2 ? { offered, preferred: true } : { offered, preferred: false, reason: `containerd ${version.version}: Transfer is experimental before 2.0` };
  return {
    snapshotters, defaultSnapshotter, snapshotterReason, runtime: 'io.containerd.runc.v2',
    tasks: loaded(plugins, 'io.containerd.runtime.v2'), transfer, streaming, cri: loaded(plugins, 'io.containerd.grpc.v1', 'cri'),
  };
}
