// The real ConnectFn and lease sweep for the connection manager: connect() of the client package, the daemon's
// capabilities (Introspection), and snapshot calls bound to the snapshotter the daemon can use. Free of `vscode`.
import { capabilitiesOf, connect, daemonCapabilities, sweepStalePullLeases, type ContainerdClient } from '@containerd-explorer/client';
import type { Logger } from './logger';
import type { ConnectFn, SweepLeasesFn } from './session-client';

export interface ContainerdConnect {
  connect: ConnectFn<ContainerdClient>;
  sweepLeases: SweepLeasesFn<ContainerdClient>;
}

/** What ConnectionManager needs to talk to a real containerd; a failed Introspection is logged, not fatal. */
export function containerdConnect(log: Logger): ContainerdConnect {
  return {
    connect: async (address, timeoutMs) => {
      const connected = await connect({ address, timeoutMs });
      const version = connected.daemonVersion ?? { version: 'unknown', revision: '' };
      let capabilities;
      try {
        capabilities = await daemonCapabilities(connected, { timeoutMs: 10_000 });
      } catch (e) {
        log.warn(`Could not read containerd's plugins (Introspection): ${e instanceof Error ? e.message : String(e)}; assuming overlayfs and the client-side pull`);
        capabilities = capabilitiesOf(version, []);
      }
      // Snapshot calls of every view and command go to the snapshotter the daemon can use.
      const client = capabilities.defaultSnapshotter === connected.snapshotter ? connected : connected.withSnapshotter(capabilities.defaultSnapshotter);
      return { client, version, capabilities };
    },
    sweepLeases: (client) => sweepStalePullLeases(client),
  };
}
