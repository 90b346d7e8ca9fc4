// Running containers: create (spec, snapshot, record), start/stop/restart, attach, exec and shells, logs.
export { createContainer, checkCreateOptions, envEntryProblem, userProblem, RunLabels, DEFAULT_RUNTIME, type CreateContainerOptions, type CreatedContainer } from './create';
export { resolveBindMount, resolveBindMounts, resolveMountSource, containerdSocketPath, HostRootMountError, SENSITIVE_HOST_PATHS, type ResolvedBindMount, type BindMountCheckOptions } from './bind-mounts';
export {
  startContainer, stopContainer, restartContainer, deleteTask, findTask, removeTaskFifos, prepareLogFile, removeContainerTask, deleteContainer,
  type StartContainerOptions, type StartedContainer, type StopOptions, type StopResult,
} from './lifecycle';
export { labelLogPath, prepareLogDir } from './log-files';
export { attachTask, type AttachedTask } from './attach';
export { execProcess, openShell, type ExecOptions, type ShellOptions } from './exec';
export { findLogSource, LogFollower, containerLogPath, type LogSource, type LogFormat, type LogChunk, type FollowOptions } from './logs';
export type { BindMount, HostFiles } from '../oci/spec';
export { readImageFiles, readUserFiles, normalizeImagePath, type ImageFiles } from './image-files';
export { splitCommandLine, joinCommandLine, parseEnvList, parseLabelList, snapshotNameProblem } from './command-line';
export { isRuncRuntime, runcRootOptions, RUNC_OPTIONS_TYPE_URL } from './runtime-options';
export {
  handleTaskExit, disconnectContainer, removeContainerNetwork, containerNetworkState, containerNetworkInfo, sweepContainerNetworks, isCniNetwork, networkEnvOf,
  type NetworkMode, type CniOptions, type ContainerNetworkInfo,
} from './network';
