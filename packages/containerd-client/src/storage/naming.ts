// Names and grouping of containers from their labels: Kubernetes pods (CRI in `k8s.io`), nerdctl and compose
// names, Docker's `moby` containers. Pure functions; the views decide how to show them.

/** Labels the kubelet puts on every pod sandbox and container (kubernetes/pkg/kubelet/types/labels.go). */
export const K8S_LABELS = {
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
} as const;

/** containerd's CRI plugin: `sandbox` on the pause container of each pod, `container` on the others. */
export const CRI_KIND_LABEL = 'io.cri-containerd.kind';
/** nerdctl's own name label (nerdctl/pkg/labels), set by `nerdctl run --name` and `nerdctl compose`. */
export const NERDCTL_NAME_LABEL = 'nerdctl/name';
/** Compose's labels (nerdctl compose writes them; Docker keeps its own in dockerd, not in containerd). */
export const COMPOSE_LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
} as const;
/** The one label dockerd gives its containers in `moby`: their names live in dockerd, not in containerd. */
export const DOCKER_BUNDLE_LABEL = 'com.docker/engine.bundle.path';

export type ContainerOrigin = 'kubernetes' | 'nerdctl' | 'compose' | 'docker' | 'plain';

export interface ContainerNaming {
  /** What to show instead of the id: the Kubernetes container name, nerdctl's name, compose's service, or the short id. */
  displayName: string;
  /** Where the name came from. */
  origin: ContainerOrigin;
  /** The pause container of a pod. */
  sandbox: boolean;
  /** `<pod namespace>/<pod name>` for CRI containers (group by it), `compose:<project>` for compose; else undefined. */
  groupKey?: string;
  /** Human label of the group: `kube-system/coredns-5d78c9869d-8xq2f`, `compose project web`. */
  groupLabel?: string;
  /** The pod's uid: pods of the same name recreated later are different pods. */
  podUid?: string;
}

/** First 12 hex digits of a long hex id (as docker, nerdctl and crictl show ids); other ids stay whole. */
export function shortContainerId(id: string): string {
  return /^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id;
}

/** Whether the labels mark a CRI pod sandbox (pause) container. */
export function isSandbox(labels: Record<string, string>): boolean {
  return labels[CRI_KIND_LABEL] === 'sandbox';
}

/** The pod grouping key `<namespace>/<name>` of a CRI container or sandbox, or undefined when not from a pod. */
export function podKey(labels: Record<string, string>): string | undefined {
  const ns = labels[K8S_LABELS.podNamespace];
  const name = labels[K8S_LABELS.podName];
  return ns && name ? `${ns}/${name}` : undefined;
}

/** How a container is named and grouped, from its labels (and its id when no label names it). */
export function containerNaming(id: string, labels: Record<string, string>): ContainerNaming {
  const pod = podKey(labels);
  if (pod) {
    const sandbox = isSandbox(labels);
    const podName = labels[K8S_LABELS.podName];
    const name = labels[K8S_LABELS.containerName];
    return {
      // A sandbox has no container name: it is the pod itself.
      displayName: sandbox || !name ? `${podName} (pause)` : name,
      origin: 'kubernetes', sandbox, groupKey: pod, groupLabel: pod,
      ...(labels[K8S_LABELS.podUid] ? { podUid: labels[K8S_LABELS.podUid] } : {}),
    };
  }
  const project = labels[COMPOSE_LABELS.project];
  const service = labels[COMPOSE_LABELS.service];
  const group = project ? { groupKey: `compose:${project}`, groupLabel: `compose project ${project}` } : {};
  const nerdctlName = labels[NERDCTL_NAME_LABEL];
  if (nerdctlName) return { displayName: nerdctlName, origin: 'nerdctl', sandbox: false, ...group };
  if (service) {
    const n = labels[COMPOSE_LABELS.number];
    return { displayName: n ? `${service}-${n}` : service, origin: 'compose', sandbox: false, ...group };
  }
  if (labels[DOCKER_BUNDLE_LABEL] !== undefined) return { displayName: shortContainerId(id), origin: 'docker', sandbox: false };
  return { displayName: shortContainerId(id), origin: 'plain', sandbox: false };
}

export interface PodGroup<T> {
  key: string;
  label: string;
  podUid?: string;
  /** The pause container(s); normally one, more while a pod is being recreated. */
  sandboxes: T[];
  containers: T[];
}

/**
 * Groups containers by pod (or compose project); those with no group come back in `ungrouped`, in input order.
 * Groups are sorted by key, containers in a group by display name.
 */
export function groupContainers<T extends { id: string; labels: Record<string, string> }>(items: readonly T[]): { groups: PodGroup<T>[]; ungrouped: T[] } {
  const groups = new Map<string, PodGroup<T>>();
  const ungrouped: T[] = [];
  const names = new Map<T, string>();
  for (const item of items) {
    const n = containerNaming(item.id, item.labels);
    names.set(item, n.displayName);
    if (!n.groupKey) { ungrouped.push(item); continue; }
    let g = groups.get(n.groupKey);
    if (!g) {
      g = { key: n.groupKey, label: n.groupLabel ?? n.groupKey, sandboxes: [], containers: [], ...(n.podUid ? { podUid: n.podUid } : {}) };
      groups.set(n.groupKey, g);
    }
    (n.sandbox ? g.sandboxes : g.containers).push(item);
  }
  const byName = (a: T, b: T): number => (names.get(a) ?? '').localeCompare(names.get(b) ?? '') || a.id.localeCompare(b.id);
  const sorted = [...groups.values()].sort((a, b) => a.key.localeCompare(b.key));
  for (const g of sorted) { g.containers.sort(byName); g.sandboxes.sort(byName); }
  return { groups: sorted, ungrouped };
}
