// How the views word a container's networking and a network (free of `vscode`, unit-tested): the compact
// description (first address, ports), the port rows, the address a published port is reached at, and the
// whitespace/comma separated port list Create Container… takes, and Create Network…'s checks as typed.
import { network, type ContainerNetworkInfo } from '@containerd-explorer/client';

type PortMapping = network.PortMapping;

/** Every address, in network order (IPv4 first within a network). */
export function allAddresses(info: ContainerNetworkInfo): string[] {
  return info.networks.flatMap((n) => [...(info.addresses[n] ?? [])].sort((a, b) => Number(a.includes(':')) - Number(b.includes(':'))));
}

/** `8080->80/tcp` (host IP shown when the port is bound to one). */
export function portLabel(p: PortMapping): string {
  return `${p.hostIP ? `${p.hostIP}:` : ''}${p.hostPort} -> ${p.containerPort}/${p.protocol}`;
}

/** Compact, for a row's description: `10.4.0.2 · 8080→80, +2 ports`. Empty when there is nothing to show. */
export function networkDescription(info: ContainerNetworkInfo | undefined): string {
  if (!info) return '';
  const parts: string[] = [];
  const [first, ...rest] = allAddresses(info);
  if (first) parts.push(rest.length ? `${first} +${rest.length}` : first);
  const ports = info.ports.slice(0, 2).map((p) => `${p.hostPort}→${p.containerPort}${p.protocol === 'udp' ? '/udp' : ''}`);
  if (info.ports.length > 2) ports.push(`+${info.ports.length - 2}`);
  if (ports.length) parts.push(ports.join(', '));
  return parts.join(' · ');
}

/**
 * The URL a published TCP port is reached at from the machine containerd runs on: its bound host IP, else
 * loopback (portmap answers there too). VS Code maps it to one the user's browser can reach (asExternalUri).
 */
export function portUrl(p: PortMapping): string {
  const host = p.hostIP && p.hostIP !== '0.0.0.0' ? p.hostIP : '127.0.0.1';
  return `http://${host}:${p.hostPort}/`;
}

/** `8080:80 127.0.0.1:5353:53/udp` or `8080:80, 9090:90` → specs; an empty string is none. */
export function splitPortList(text: string): string[] {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

/** Parses a typed port list with the client's parser (InvalidArgumentError saying what is wrong). */
export function parsePortList(text: string): PortMapping[] {
  return network.parsePortSpecs(splitPortList(text));
}

/** Back to the typed form, for editing again. */
export function formatPortList(ports: readonly PortMapping[]): string {
  return ports.map((p) => `${p.hostIP ? `${p.hostIP}:` : ''}${p.hostPort}:${p.containerPort}${p.protocol === 'udp' ? '/udp' : ''}`).join(' ');
}

/** `namespace/id` of containersOnNetwork, split. */
export function splitContainerRef(ref: string): { namespace: string; id: string } {
  const i = ref.indexOf('/');
  return i < 0 ? { namespace: '', id: ref } : { namespace: ref.slice(0, i), id: ref.slice(i + 1) };
}

/** A network row's description: `10.4.0.0/24 · gw 10.4.0.1 · 2 containers`. */
export function networkRowDescription(n: Pick<network.CniNetwork, 'subnets' | 'gateways'>, containers: number | undefined): string {
  const parts = [n.subnets.join(', ') || 'no subnet', ...(n.gateways.length ? [`gw ${n.gateways.join(', ')}`] : [])];
  if (containers !== undefined) parts.push(`${containers} container${containers === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Why a typed subnet is not IPv4 CIDR text (overlaps are the client's to refuse), or undefined. */
export function subnetProblem(v: string): string | undefined {
  if (!v) return undefined;
  const [ip, bits, extra] = v.split('/');
  if (extra !== undefined || !IPV4.test(ip ?? '') || !/^\d{1,2}$/.test(bits ?? '') || Number(bits) > 30) return `"${v}" is not an IPv4 subnet like 10.4.7.0/24 (prefix up to /30)`;
  return undefined;
}

export function gatewayProblem(v: string): string | undefined {
  return !v || IPV4.test(v) ? undefined : `"${v}" is not an IPv4 address`;
}
