// OCI image and runtime spec helpers, re-exported as `oci` from the client's public API.
export * from './image-types';
export * from './media-types';
export * from './runtime-spec-types';
export { buildContainerSpec, buildProcessSpec, mergeEnv, NoCommandError } from './spec';
export type { ContainerSpecOptions, ProcessSpecOptions, BindMount, HostFiles, SpecImageConfig } from './spec';
export { defaultSpec } from './spec-defaults';
export { resolveUser, resolveImageUser, parsePasswd, parseGroup, UserNotFoundError, GroupNotFoundError, InvalidUserError } from './user';
