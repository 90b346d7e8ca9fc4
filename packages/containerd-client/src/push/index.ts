// push(): one entry point for both pushes. `method` picks containerd's Transfer service (server-side, 2.x) or
// the client-side push (any containerd); both take the same options, report the same progress and throw the
// same typed errors. The method choice is the pull's (see ../transfer/choose).
import type { ContainerdClient } from '../client';
import { CancelledError } from '../errors';
import { parseReference } from '../registry/reference';
import type { PullMethod } from '../transfer/capability';
import { choosePullMethod, type ChosenPullMethod } from '../transfer/choose';
import type { Image } from '../types';
import { clientPush, type ClientPushOptions } from './push';
import { transferPush } from './transfer-push';

export interface PushOptions extends ClientPushOptions {
  /**
   * `client` (default): this client uploads, on any containerd. `auto`: containerd's Transfer service when the
   * daemon offers it (2.x), else the client-side push. `transfer`: Transfer or fail (UnimplementedError).
   * Through Transfer, `concurrency`, `chunkSize` and the retry options do not apply (the daemon has its own).
   */
  method?: PullMethod;
  /** Told which push runs, and why, before it starts. */
  onMethod?: (chosen: ChosenPullMethod) => void;
}

/** Pushes the local image `options.image ?? reference` to `reference`; returns the local image record. */
export async function push(client: ContainerdClient, reference: string, options: PushOptions = {}): Promise<Image> {
  const method = options.method ?? 'client';
  const name = parseReference(reference).toString(); // a malformed reference fails first, on either path
  if (options.signal?.aborted) throw new CancelledError(`push of ${name} cancelled`);
  let chosen: ChosenPullMethod = { method: 'client', reason: 'client-side push requested' };
  if (method !== 'client') {
    chosen = await choosePullMethod(client, method, { signal: options.signal });
    chosen = { ...chosen, reason: chosen.reason.replace(/\bpulls\b/, 'pushes').replace(/\bpull\b/g, 'push') };
  }
  try {
    options.onMethod?.(chosen);
  } catch {
    // a failing logger must not fail the push
  }
  return chosen.method === 'transfer' ? transferPush(client, reference, options) : clientPush(client, reference, options);
}

export { clientPush, mountSources, DEFAULT_PUSH_CONCURRENCY, type ClientPushOptions } from './push';
export { transferPush } from './transfer-push';
export { planPush, type PushPlan, type PlannedDocument } from './plan';
export type { PushProgress, PushPhase, PushBlobProgress, PushBlobState, PushProgressListener } from './progress';
