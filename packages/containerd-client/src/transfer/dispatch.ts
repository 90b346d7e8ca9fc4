// pull(): one entry point for both pulls. `method` picks containerd's Transfer service (server-side, 2.x) or
// the client-side pull; both take the same options, emit the same progress and throw the same typed errors.
import type { ContainerdClient } from '../client';
import { CancelledError } from '../errors';
import { pull as clientSidePull, type PullOptions as ClientPullOptions } from '../pull/pull';
import { parseReference } from '../registry/reference';
import type { Image } from '../types';
import type { PullMethod } from './capability';
import { choosePullMethod, type ChosenPullMethod } from './choose';
import { transferPull } from './pull';

export interface PullOptions extends ClientPullOptions {
  /**
   * `client` (default): this client downloads and unpacks, on any containerd. `auto`: containerd's Transfer
   * service when the daemon offers it (2.x), else the client-side pull. `transfer`: Transfer or fail.
   * Through Transfer, `registry`, `resolved`, `concurrency` and the retry options do not apply (the daemon has its own).
   */
  method?: PullMethod;
  /** Told which pull runs, and why, before it starts. */
  onMethod?: (chosen: ChosenPullMethod) => void;
}

export async function pull(client: ContainerdClient, reference: string, options: PullOptions = {}): Promise<Image> {
  const method = options.method ?? 'client';
  if (method === 'client') return clientSidePull(client, reference, options);
  const name = parseReference(reference).toString(); // a malformed reference fails first, as on the client path
  if (options.signal?.aborted) throw new CancelledError(`pull of ${name} cancelled`);
  const chosen = await choosePullMethod(client, method, { signal: options.signal });
  try {
    options.onMethod?.(chosen);
  } catch {
    // a failing logger must not fail the pull
  }
  return chosen.method === 'transfer' ? transferPull(client, reference, options) : clientSidePull(client, reference, options);
}
