// What the view model uses of a containerd client: listing and getting namespaces, images, containers and tasks,
// the content reads and snapshot stat behind image details, and withNamespace. The extension passes the real
// ContainerdClient; unit tests an in-memory one, so event application and ordering are tested without a daemon.
import type { Container, Image, Namespace, ProcessInfo, TaskProcess } from '@containerd-explorer/client';

export interface ModelClient {
  /** The same connection, bound to `namespace`. */
  withNamespace(namespace: string): ModelClient;
  readonly namespaces: {
    list(): Promise<Namespace[]>;
    get(name: string): Promise<Namespace>;
  };
  readonly images: {
    list(): Promise<Image[]>;
    get(name: string): Promise<Image>;
  };
  readonly containers: {
    /** `spec: false` leaves out the (large) OCI spec. */
    list(filters: string[], opts: { spec?: boolean }): Promise<Container[]>;
    get(id: string): Promise<Container>;
  };
  readonly tasks: {
    list(): Promise<TaskProcess[]>;
    /** The init process (execId '' or omitted) or an exec. */
    get(containerId: string, execId?: string): Promise<TaskProcess>;
    listPids(containerId: string): Promise<ProcessInfo[]>;
  };
  /** Image details read the index, manifest and config (resolveImage). */
  readonly content: {
    read(digest: string): AsyncIterable<Buffer>;
    info(digest: string): Promise<{ size: number }>;
  };
  /** Whether an image is unpacked: its top layer's committed snapshot exists. */
  readonly snapshots: {
    stat(key: string): Promise<unknown>;
  };
}
