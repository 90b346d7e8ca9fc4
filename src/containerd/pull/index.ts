// Client-side image pull (containerd 1.6 has no server-side pull): registry -> content store -> snapshots.
export { pull, DEFAULT_PULL_CONCURRENCY, type PullOptions } from './pull';
export type { PlatformChoice, PlannedImage } from './plan';
export type { PullProgress, PullPhase, BlobProgress, BlobState, UnpackState, ProgressListener } from './progress';
export { ingestRef, PULL_WRITE_CHUNK } from './store-blob';
