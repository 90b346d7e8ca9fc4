// Storage, disk usage, prune, live stats and container naming: the client half of the Disk Usage, Content,
// Snapshots, Leases, Active downloads, Prune and Stats features.
export { walkImage, type WalkedImage } from './image-walk';
export { takeInventory, reachable, leaseExpiry, GC_ROOT_LABEL, type Inventory, type LeaseWithResources, type SnapshotRecord, type Removal } from './inventory';
export {
  listBlobs, listSnapshots, listLeases, listIngests, deleteLease, abortIngest, measureSnapshots, blobEntries, snapshotEntries, leaseEntries,
  type BlobEntry, type SnapshotEntry, type SnapshotOwner, type LeaseEntry, type IngestEntry,
} from './listings';
export { namespaceDiskUsage, daemonDiskUsage, type NamespaceDiskUsage, type DaemonDiskUsage, type ImageDiskUsage, type ContainerDiskUsage, type DiskUsageOptions } from './disk-usage';
export { planPrune, planPruneOf, DEFAULT_INGEST_MAX_AGE_MS, KUBELET_NAMESPACE, type PrunePlan, type PruneItem, type PruneKind, type PruneOptions } from './prune-plan';
export { executePrune, type PruneResult, type PruneItemResult, type PruneStatus } from './prune-execute';
export { countersOf, sampleOf, parseNetDev, type StatsCounters, type StatsSample, type SampleState } from './stats';
export { StatsSampler, sampleStats, DEFAULT_STATS_INTERVAL_MS, type StatsSamplerOptions } from './stats-sampler';
export {
  containerNaming, groupContainers, isSandbox, podKey, shortContainerId, K8S_LABELS, CRI_KIND_LABEL, NERDCTL_NAME_LABEL, COMPOSE_LABELS, DOCKER_BUNDLE_LABEL,
  type ContainerNaming, type ContainerOrigin, type PodGroup,
} from './naming';
export { storageViewsFor, POLLED_STORAGE_VIEWS, type StorageView } from './refresh';
