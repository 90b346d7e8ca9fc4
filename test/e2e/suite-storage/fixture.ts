// Names shared by the storage suite's setup (runner process) and its tests (extension host).
export const USED_IMAGE = 'e2e.local/storage/used:1.0';
export const UNUSED_IMAGE = 'e2e.local/storage/unused:1.0';
export const STOPPED_IMAGE = 'e2e.local/storage/stopped:1.0';
export const K8S_IMAGE = 'e2e.local/storage/pause:3.9';
/** A running container (its image, snapshot and content must survive Prune), and one with no task (it goes). */
export const RUNNING = 'storage-web';
export const STOPPED = 'storage-old';
