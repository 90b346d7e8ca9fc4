// Which storage views an event makes stale. containerd sends events for snapshots, content deletes, images and
// containers; it sends none for leases, ingests or content writes (1.6), so those views refresh on demand.
import type { EventTopic } from '../event-types';

export type StorageView = 'content' | 'snapshots' | 'leases' | 'ingests' | 'diskUsage';

const BY_TOPIC: Partial<Record<EventTopic, readonly StorageView[]>> = {
  '/snapshot/prepare': ['snapshots', 'diskUsage'],
  '/snapshot/commit': ['snapshots', 'diskUsage'],
  '/snapshot/remove': ['snapshots', 'diskUsage'],
  '/content/delete': ['content', 'diskUsage'],
  // A new or renamed image changes which images reference each blob and snapshot, and what is reclaimable.
  '/images/create': ['content', 'snapshots', 'diskUsage'],
  '/images/update': ['content', 'snapshots', 'diskUsage'],
  '/images/delete': ['content', 'snapshots', 'diskUsage'],
  '/containers/create': ['snapshots', 'diskUsage'],
  '/containers/delete': ['snapshots', 'diskUsage'],
  '/tasks/exit': ['diskUsage'],
  '/tasks/start': ['diskUsage'],
};

/** The views to refresh after an event on `topic` (none for topics that say nothing about storage). */
export function storageViewsFor(topic: string): readonly StorageView[] {
  return BY_TOPIC[topic as EventTopic] ?? [];
}

/** Views no event covers: poll them (or refresh when the user asks). */
export const POLLED_STORAGE_VIEWS: readonly StorageView[] = ['leases', 'ingests'];
