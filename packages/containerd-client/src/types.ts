// Domain types shared across the client layer. Proto shapes never leave src/containerd/.

/** An OCI content descriptor. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** A mount as containerd's snapshotters return it (e.g. overlay with lowerdir/upperdir options). */
export interface Mount {
  type: string;
  source: string;
  target?: string;
  options: string[];
}

export interface Namespace {
  name: string;
  labels: Record<string, string>;
}

export interface Image {
  name: string;
  labels: Record<string, string>;
  target: Descriptor;
  createdAt?: Date;
  updatedAt?: Date;
}

export interface ContainerRuntime {
  name: string;
  /** Raw runtime options as containerd stores them; opaque to us. */
  optionsTypeUrl?: string;
}

export interface Container {
  id: string;
  labels: Record<string, string>;
  image: string;
  runtime: ContainerRuntime;
  /** The OCI runtime spec (JSON of the runtime-spec `Spec`). */
  spec?: unknown;
  snapshotter: string;
  snapshotKey: string;
  createdAt?: Date;
  updatedAt?: Date;
  /** Extension records, by name: type URL only (contents are owner-specific). */
  extensions: Record<string, string>;
}

export type TaskStatus = 'unknown' | 'created' | 'running' | 'stopped' | 'paused' | 'pausing';

export interface TaskProcess {
  containerId: string;
  /** Exec id; empty for a container's init process. */
  id: string;
  pid: number;
  status: TaskStatus;
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
  exitStatus: number;
  exitedAt?: Date;
}

export interface ProcessInfo {
  pid: number;
  /** Set for exec processes: containerd reports their exec id in the runc process details. */
  execId?: string;
}

export interface ExitStatus {
  exitStatus: number;
  exitedAt?: Date;
}

export interface Plugin {
  type: string;
  id: string;
  requires: string[];
  platforms: Platform[];
  exports: Record<string, string>;
  capabilities: string[];
  /** Why the plugin failed to initialise, when it did. */
  initError?: string;
}

export interface Lease {
  id: string;
  createdAt?: Date;
  labels: Record<string, string>;
}

export interface LeaseResource { id: string; type: string }

export type SnapshotKind = 'unknown' | 'view' | 'active' | 'committed';

export interface SnapshotInfo {
  name: string;
  parent: string;
  kind: SnapshotKind;
  createdAt?: Date;
  updatedAt?: Date;
  labels: Record<string, string>;
}

export interface SnapshotUsage { size: number; inodes: number }

export interface ContentInfo {
  digest: string;
  size: number;
  createdAt?: Date;
  updatedAt?: Date;
  labels: Record<string, string>;
}

export interface IngestStatus {
  ref: string;
  offset: number;
  total: number;
  expected: string;
  startedAt?: Date;
  updatedAt?: Date;
}
