// The session's share of container networking: a task that exits on its own (containerd's /tasks/exit) is
// disconnected from its CNI networks (DEL), and at each connect the network state of containers that are gone
// (deleted by ctr or while VS Code was closed) is swept. Both best effort: a failure is logged, never shown.
// The CNI dirs come from the composition root (settings are read in src/settings).
import { handleTaskExit, sweepContainerNetworks, type CniOptions, type ContainerdClient, type ContainerdEvent } from '@containerd-explorer/client';
import { Emitter, type Event } from '../base/emitter';
import { Disposable } from '../base/lifecycle';
import type { ConnectionManager } from './connection-manager';
import type { Logger } from './logger';

export interface ContainerRef { namespace: string; id: string }

export interface NetworkUpkeepDeps {
  connection: Pick<ConnectionManager, 'onDidChangeState' | 'state'>;
  events: Event<ContainerdEvent>;
  cni(): CniOptions;
  log: Logger;
}

export class NetworkUpkeep extends Disposable {
  private readonly disconnected = this._register(new Emitter<ContainerRef>());
  /** A container's network was taken down after its task exited on its own (the views show it without addresses). */
  readonly onDidDisconnect = this.disconnected.event;
  private sweptEpoch = 0;
  /** The sweep and exit handling in flight (tests wait for them). */
  readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly deps: NetworkUpkeepDeps) {
    super();
    this._register(deps.events((ev) => {
      if (ev.topic !== '/tasks/exit') return;
      const client = deps.connection.state.kind === 'connected' ? deps.connection.state.client : undefined;
      if (client) this.track(this.exited(client.withNamespace(ev.namespace), ev.payload));
    }));
    this._register(deps.connection.onDidChangeState((s) => {
      if (s.kind === 'connected' && s.epoch !== this.sweptEpoch) {
        this.sweptEpoch = s.epoch;
        this.track(this.sweep(s.client));
      }
    }));
    const s = deps.connection.state;
    if (s.kind === 'connected') { this.sweptEpoch = s.epoch; this.track(this.sweep(s.client)); }
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async exited(client: ContainerdClient, ev: { containerId: string; id: string; pid: number }): Promise<void> {
    try {
      if (await handleTaskExit(client, ev)) {
        this.deps.log.info(`Disconnected ${ev.containerId} (namespace ${client.namespace}) from its networks: its task exited`);
        this.disconnected.fire({ namespace: client.namespace, id: ev.containerId });
      }
    } catch (e) {
      this.deps.log.warn(`Network teardown after ${ev.containerId} exited: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async sweep(client: ContainerdClient): Promise<void> {
    try {
      const swept = await sweepContainerNetworks(client, this.deps.cni());
      if (swept.length) this.deps.log.info(`Removed the network state of containers that are gone: ${swept.join(', ')}`);
    } catch (e) {
      this.deps.log.warn(`Network state sweep: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
