// Client-side image pull (containerd 1.6 has no server-side pull): registry -> content store -> snapshots.
export { DEFAULT_PULL_CONCURRENCY } from './pull';
// pull() with `method`: the client-side pull (default) or containerd's Transfer service (see ../transfer).
export { pull, type PullOptions } from '../transfer/dispatch';
export type { PlatformChoice, PlannedImage, ResolvedTarget } from './plan';
export type { PullProgress, PullPhase, BlobProgress, BlobState, UnpackState, ProgressListener } from './progress';
export { ingestRef, PULL_WRITE_CHUNK } from './store-blob';
