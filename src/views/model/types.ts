// Shapes the per-namespace models hold and announce. Free of `vscode`.
import type { Container, Image, TaskProcess } from '@containerd-explorer/client';
import type { ImageDetails } from './image-details';
import type { ModelClient } from './model-client';

export type ResourceKind = 'images' | 'containers' | 'tasks';

export interface ImageEntry {
  image: Image;
  details?: ImageDetails;
  /** undefined until checked. */
  unpacked?: boolean;
}

/** A container record without its OCI spec (large; Inspect fetches it fresh). */
export type ContainerEntry = Omit<Container, 'spec'>;

export interface TaskEntry {
  /** The init process. */
  process: TaskProcess;
  /** Exec processes seen through events, by exec id. */
  execs: Map<string, TaskProcess>;
  /** Set when containerd reported an OOM kill for this task. */
  oom?: boolean;
}

/** One coalesced batch of changes. */
export interface ModelChange {
  /** The namespace list or a namespace's labels changed. */
  namespaces: boolean;
  /** Namespace -> kinds of resources that changed in it. */
  kinds: Map<string, Set<ResourceKind>>;
}

/** What the models need from their owner: the current client and a place to report failures. */
export interface ModelContext {
  /** The connected client (any namespace), or undefined while disconnected. */
  client(): ModelClient | undefined;
  /** A resource of a namespace changed; the owner coalesces. */
  changed(namespace: string, kind: ResourceKind): void;
  /** A listing is one batch already: announce what changed now rather than after the coalescing window. */
  listed(): void;
  /**
   * A call failed for a reason other than "not found"; UnavailableError means the daemon went away. `client` is the
   * connection the call used, so a failure on an old connection cannot tear down a newer one.
   */
  failed(e: unknown, what: string, client?: ModelClient): void;
}
