// Typed payloads of containerd's events (api/events/*.proto), camelCased. Keyed by topic.
import type { Descriptor, Mount } from './types';

export interface TopicPayloads {
  '/tasks/create': { containerId: string; bundle: string; rootfs: Mount[]; io?: { stdin: string; stdout: string; stderr: string; terminal: boolean }; checkpoint: string; pid: number };
  '/tasks/start': { containerId: string; pid: number };
  '/tasks/delete': { containerId: string; pid: number; exitStatus: number; exitedAt?: Date; id: string };
  '/tasks/exit': { containerId: string; id: string; pid: number; exitStatus: number; exitedAt?: Date };
  '/tasks/oom': { containerId: string };
  '/tasks/exec-added': { containerId: string; execId: string };
  '/tasks/exec-started': { containerId: string; execId: string; pid: number };
  '/tasks/paused': { containerId: string };
  '/tasks/resumed': { containerId: string };
  '/tasks/checkpointed': { containerId: string; checkpoint: string };
  '/containers/create': { id: string; image: string; runtime?: { name: string } };
  '/containers/update': { id: string; image: string; labels: Record<string, string>; snapshotKey: string };
  '/containers/delete': { id: string };
  '/images/create': { name: string; labels: Record<string, string> };
  '/images/update': { name: string; labels: Record<string, string> };
  '/images/delete': { name: string };
  '/namespaces/create': { name: string; labels: Record<string, string> };
  '/namespaces/update': { name: string; labels: Record<string, string> };
  '/namespaces/delete': { name: string };
  '/snapshot/prepare': { key: string; parent: string; snapshotter?: string };
  '/snapshot/commit': { key: string; name: string; snapshotter?: string };
  '/snapshot/remove': { key: string; snapshotter?: string };
  '/content/delete': { digest: string };
}

export type EventTopic = keyof TopicPayloads;

export const EVENT_TOPICS: readonly EventTopic[] = [
  '/tasks/create', '/tasks/start', '/tasks/delete', '/tasks/exit', '/tasks/oom', '/tasks/exec-added', '/tasks/exec-started',
  '/tasks/paused', '/tasks/resumed', '/tasks/checkpointed', '/containers/create', '/containers/update', '/containers/delete',
  '/images/create', '/images/update', '/images/delete', '/namespaces/create', '/namespaces/update', '/namespaces/delete',
  '/snapshot/prepare', '/snapshot/commit', '/snapshot/remove', '/content/delete',
];

/** A decoded event; narrow on `topic` to get the payload's type. */
export type ContainerdEvent = {
  [T in EventTopic]: { topic: T; namespace: string; timestamp?: Date; payload: TopicPayloads[T] };
}[EventTopic];

export type { Descriptor };
