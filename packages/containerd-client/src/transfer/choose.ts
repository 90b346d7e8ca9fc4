// Which pull a `pull()` call runs: containerd's Transfer service (server-side, 2.x) or the client-side pull.
import { type TransferSupport } from '../capabilities';
import type { ContainerdClient } from '../client';
import { UnimplementedError } from '../errors';
import type { CallOptions } from '../call-options';
import { transferSupport, type PullMethod } from './capability';

export interface ChosenPullMethod {
  method: 'transfer' | 'client';
  /** Why, for a log line (e.g. `containerd 1.6.20 has no working io.containerd.transfer.v1 plugin`). */
  reason: string;
}

/**
 * The choice for a daemon whose support is known (pure: the status bar shows it without a pull). `client` never
 * needs the daemon; `auto` takes Transfer when offered on 2.x or newer; `transfer` insists, and fails with
 * UnimplementedError when the daemon has no Transfer service.
 */
export function pullMethodFor(method: PullMethod, support: TransferSupport | undefined): ChosenPullMethod {
  if (method === 'client') return { method: 'client', reason: 'client-side pull requested' };
  if (!support) throw new Error('pullMethodFor: the daemon\'s Transfer support is needed for "auto" and "transfer"');
  if (method === 'transfer') {
    if (!support.offered) {
      throw new UnimplementedError(`${support.reason ?? `containerd ${support.version} has no Transfer service`}: pull with the client-side method instead (method "client" or "auto", setting containerd.pullMethod)`);
    }
    return { method: 'transfer', reason: `Transfer requested; containerd ${support.version}` };
  }
  if (support.preferred) return { method: 'transfer', reason: `containerd ${support.version} pulls server-side (Transfer service)` };
  return { method: 'client', reason: support.reason ?? `containerd ${support.version}` };
}

/** Asks the daemon when the method depends on it, then decides as pullMethodFor. */
export async function choosePullMethod(client: ContainerdClient, method: PullMethod = 'auto', opts?: CallOptions): Promise<ChosenPullMethod> {
  return pullMethodFor(method, method === 'client' ? undefined : await transferSupport(client, opts));
}
