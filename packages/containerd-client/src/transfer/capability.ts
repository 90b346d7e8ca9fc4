// Whether the daemon pulls server-side: read from the daemon's capabilities (../capabilities.ts decides).
import { daemonCapabilities, type TransferSupport } from '../capabilities';
import type { ContainerdClient } from '../client';
import type { CallOptions } from '../call-options';

export { majorVersion, transferSupportOf, type TransferSupport } from '../capabilities';

export type PullMethod = 'auto' | 'transfer' | 'client';

/** Asks the daemon (Version and Introspection) whether it offers, and `auto` prefers, a Transfer pull. */
export async function transferSupport(client: ContainerdClient, opts?: CallOptions): Promise<TransferSupport> {
  return (await daemonCapabilities(client, opts)).transfer;
}
