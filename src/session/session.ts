// The session: one connection to containerd, its event subscription and the active namespace, shared by views and
// commands. Commands ask it for a client in a namespace: that waits for the connection, never for the views' listing.
import type { ContainerdClient } from '@containerd-explorer/client';
import { Disposable } from '../base/lifecycle';
import type { ActiveNamespace } from './active-namespace';
import type { ConnectionManager } from './connection-manager';
import type { EventHub } from './event-hub';

/** How long a command waits for a connection that is being made before it says so. */
export const CONNECT_TIMEOUT_MS = 15_000;

export class Session extends Disposable {
  constructor(readonly connection: ConnectionManager, readonly hub: EventHub, readonly active: ActiveNamespace) {
    super();
    this._register(hub);
    this._register(connection);
  }

  /** A client bound to `namespace` (default: the active one); a clear error when containerd cannot be reached. */
  async client(namespace = this.active.name, timeoutMs = CONNECT_TIMEOUT_MS): Promise<ContainerdClient> {
    this.connection.start();
    const s = this.connection.state;
    if (s.kind === 'failed' && !s.retrying) throw new Error(`Not connected to containerd: ${s.error.message}`);
    try {
      return (await this.connection.whenConnected(timeoutMs)).withNamespace(namespace);
    } catch {
      const now = this.connection.state;
      throw new Error(now.kind === 'failed' ? `Not connected to containerd: ${now.error.message}` : 'containerd did not answer in time');
    }
  }
}
