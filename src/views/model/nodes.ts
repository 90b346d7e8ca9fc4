// Tree nodes are small keys into the model; the TreeItems are built from the model when VS Code asks.
// Commands receive these objects as their first argument (and the multi-selection as the second).

export interface MessageNode {
  type: 'message';
  key: string;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  icon: string;
  /** Theme color id for the icon, e.g. `errorForeground`. */
  color?: string;
  command?: { command: string; title: string; arguments?: unknown[] };
}

export interface NamespaceNode { type: 'namespace'; name: string }
export interface ImageNode { type: 'image'; namespace: string; name: string }
export interface ContainerNode { type: 'container'; namespace: string; id: string }
/** A Kubernetes pod (k8s.io) or a compose project: the Containers view groups their containers under it. */
export interface ContainerGroupNode { type: 'container-group'; namespace: string; key: string }
/** A port a container publishes (child of its row in the Containers view). */
export interface ContainerPortNode {
  type: 'container-port';
  namespace: string;
  containerId: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
  hostIP?: string;
}
export interface TaskNode { type: 'task'; namespace: string; containerId: string }
export interface ProcessNode {
  type: 'process';
  namespace: string;
  containerId: string;
  pid: number;
  /** Set for exec processes. */
  execId?: string;
}

export type ExplorerNode = MessageNode | NamespaceNode | ImageNode | ContainerNode | ContainerGroupNode | ContainerPortNode | TaskNode | ProcessNode;

export function nodeId(n: ExplorerNode): string {
  switch (n.type) {
    case 'message': return `message:${n.key}`;
    case 'namespace': return `namespace:${n.name}`;
    case 'image': return `image:${n.namespace}:${n.name}`;
    case 'container': return `container:${n.namespace}:${n.id}`;
    case 'container-group': return `container-group:${n.namespace}:${n.key}`;
    case 'container-port': return `container-port:${n.namespace}:${n.containerId}:${n.hostIP ?? ''}:${n.hostPort}/${n.protocol}`;
    case 'task': return `task:${n.namespace}:${n.containerId}`;
    case 'process': return `process:${n.namespace}:${n.containerId}:${n.execId ?? 'pid'}:${n.pid}`;
  }
}

export function isNode<T extends ExplorerNode['type']>(v: unknown, type: T): v is Extract<ExplorerNode, { type: T }> {
  return !!v && typeof v === 'object' && (v as { type?: unknown }).type === type;
}
