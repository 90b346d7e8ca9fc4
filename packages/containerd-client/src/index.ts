// Public API of the client package (@containerd-explorer/client; no vscode): what its dist/index.js and dist/types/ hold.
export { connect, explainConnectFailure, type ConnectOptions } from './connect';
export { ContainerdClient, Connection } from './client';
export * from './errors';
export { TooLargeError, MAX_MANIFEST_BYTES, MAX_CONFIG_BYTES, MAX_TAR_HEADER_BYTES, MAX_USER_FILE_BYTES, MAX_ZSTD_WINDOW_BYTES } from './limits';
export * from './types';
export * from './event-types';
export { DEFAULT_ADDRESS, DEFAULT_NAMESPACE, WELL_KNOWN_SOCKETS, defaultAddress, defaultNamespace, discoverSocket, socketPathOf, type DiscoveredSocket } from './address';
export { diagnoseSocket, PERMISSION_FIX } from './diagnose';
export { identifierProblem, validateIdentifier, MAX_IDENTIFIER_LENGTH } from './identifiers';
export { sha256Digest, chainId, chainIds, shortDigest, isDigest } from './digest';
export type { CallOptions } from './call-options';
export type { NewContainer, ContainerUpdate } from './services/containers';
export type { ImageUpdate } from './services/images';
export { type LeaseOptions } from './services/leases';
export { sweepStalePullLeases, type SweptLease } from './pull/pull-leases';
export type { TaskIO } from './services/tasks';
export { signalNumber, PROCESS_TYPE_URL } from './services/tasks';
export { SPEC_TYPE_URL } from './services/containers';
export type { SubscribeOptions } from './services/events';
export type { DaemonVersion, ServerInfo } from './services/version';
export type { WriteOptions } from './services/content';
export type { TaskMetrics } from './metrics';
export { createFifoSet, fifoTaskIO, fileLogIO, AttachedIO, removeFifoSet, FIFO_DIR_PREFIX, type FifoSet, type FifoOptions } from './fifo';
export { isOwnedDir, type OwnedDirKind } from './owned-dir';
export { startTask, startExec, newExecId, type ProcessHandle, type StdioOptions } from './process';
export { hasBlob, writeBlob, writeBuffer, readJson } from './images/blobs';
export { resolveImage, type ResolvedImage } from './images/resolve';
export { unpackImage, isUnpacked, type UnpackProgress, type UnpackOptions } from './images/unpack';
export { importImage, importOciLayout, layoutDirSource, mapSource, type BlobSource, type ImportOptions } from './images/import';
export { childGcLabels, gcSnapshotLabel } from './images/gc-labels';
export { hostPlatform, normalizePlatform, formatPlatform, parsePlatform, selectManifest, selectManifests, platformMatcher } from './registry/platform';
export * as registry from './registry';
export * as oci from './oci/exports';
export {
  pull, ingestRef, DEFAULT_PULL_CONCURRENCY,
  type PullOptions, type PullProgress, type PullPhase, type BlobProgress, type BlobState, type UnpackState, type PlatformChoice, type ResolvedTarget,
} from './pull';
export { choosePullMethod, pullMethodFor, transferPull, transferSupport, type ChosenPullMethod, type PullMethod, type TransferSupport } from './transfer';
export { capabilitiesOf, daemonCapabilities, pluginReason, pluginStatus, type DaemonCapabilities, type PluginStatus } from './capabilities';
export { runDoctor, renderDoctorReport, summaryLine, parseSystemctlShow, judgeSystemdUnit, execRunner, DEFAULT_CONFIG_PATH, type DoctorReport, type DoctorOptions, type CheckResult, type CheckStatus, type CommandRunner, type DaemonFacts } from './doctor';
export {
  push, DEFAULT_PUSH_CONCURRENCY,
  type PushOptions, type PushProgress, type PushPhase, type PushBlobProgress, type PushBlobState,
} from './push';
export { removeImage, tagImage, normalizeImageName, imageNameProblem, type RemoveImageOptions } from './images/manage';
export { importArchive, type ImportArchiveOptions, type TransferProgress } from './images/archive-import';
export { exportImages, type ExportOptions } from './images/archive-export';
export * from './run';
export * from './storage';
export { taskState, type TaskState, type TaskStateKey } from './task-state';
export * as network from './network';
