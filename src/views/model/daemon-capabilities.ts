// What the Daemon view says the daemon can do: the client's own capability computation (capabilitiesOf in
// packages/containerd-client/src/capabilities.ts, which also decides the snapshotter, runtime and pull method), plus CRI, which only
// this view shows (the client never needs it). Free of `vscode`.
import { capabilitiesOf, type DaemonCapabilities, type Plugin } from '@containerd-explorer/client';

export interface DaemonCapabilityView extends DaemonCapabilities {
  /** Kubernetes' CRI plugin loaded (`io.containerd.grpc.v1 cri`, without an init error). */
  cri: boolean;
}

/** The capabilities a daemon's answers imply. */
export function capabilitiesFor(version: { version: string; revision: string }, plugins: Plugin[], uuid?: string): DaemonCapabilityView {
  const cri = plugins.some((p) => p.type === 'io.containerd.grpc.v1' && p.id === 'cri' && !p.initError);
  return { ...capabilitiesOf(version, plugins, uuid), cri };
}
