// nerdctl's container labels for networking (pkg/labels/labels.go): `nerdctl/networks` (JSON list of names),
// `nerdctl/ports` (JSON list of go-cni PortMapping, Go field names as keys, HostIP "0.0.0.0" for all addresses) and
// `nerdctl/hostname`. We write them on our containers, so `nerdctl ps` shows our ports, and read them on nerdctl's.
import type { PortMapping, PortProtocol } from './ports';

export const NerdctlLabels = {
  networks: 'nerdctl/networks',
  ports: 'nerdctl/ports',
  hostname: 'nerdctl/hostname',
} as const;

export interface NetworkLabelValues {
  networks: string[];
  ports: PortMapping[];
  hostname?: string;
}

/** The labels for a container on `networks` publishing `ports`. */
export function nerdctlNetworkLabels(v: NetworkLabelValues): Record<string, string> {
  const ports = v.ports.map((p) => ({ HostPort: p.hostPort, ContainerPort: p.containerPort, Protocol: p.protocol, HostIP: p.hostIP || '0.0.0.0' }));
  return {
    [NerdctlLabels.networks]: JSON.stringify(v.networks),
    ...(ports.length ? { [NerdctlLabels.ports]: JSON.stringify(ports) } : {}),
    ...(v.hostname ? { [NerdctlLabels.hostname]: v.hostname } : {}),
  };
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try { return JSON.parse(text); } catch { return undefined; }
}

/** What a container's labels (ours or nerdctl's) say about its networks, ports and hostname; malformed parts are dropped. */
export function readNetworkLabels(labels: Readonly<Record<string, string>>): NetworkLabelValues {
  const nets = parseJson(labels[NerdctlLabels.networks]);
  const ports = parseJson(labels[NerdctlLabels.ports]);
  const out: NetworkLabelValues = {
    networks: Array.isArray(nets) ? nets.filter((n): n is string => typeof n === 'string') : [],
    ports: [],
  };
  for (const p of Array.isArray(ports) ? ports : []) {
    if (typeof p !== 'object' || p === null) continue;
    const { HostPort, ContainerPort, Protocol, HostIP } = p as Record<string, unknown>;
    if (typeof HostPort !== 'number' || typeof ContainerPort !== 'number') continue;
    const protocol: PortProtocol = Protocol === 'udp' ? 'udp' : 'tcp';
    out.ports.push({ hostPort: HostPort, containerPort: ContainerPort, protocol, ...(typeof HostIP === 'string' && HostIP && HostIP !== '0.0.0.0' ? { hostIP: HostIP } : {}) });
  }
  if (labels[NerdctlLabels.hostname]) out.hostname = labels[NerdctlLabels.hostname];
  return out;
}
