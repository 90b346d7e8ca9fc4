// Published ports: `[hostIP:]hostPort:containerPort[/tcp|udp]` parsed into CNI port mappings, and the check that a
// host port is free: no other container publishes it (portmap's CNI-DN-* DNAT rules, ours and nerdctl's alike, in
// iptables-save) and no process listens on it (/proc/net/tcp, udp and their v6 twins).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { InvalidArgumentError } from '../errors';
import { parseIpv4 } from './cidr';
import { HostPortInUseError } from './errors';

export type PortProtocol = 'tcp' | 'udp';

/** What portmap's `runtimeConfig.portMappings` takes. */
export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol: PortProtocol;
  /** Empty or absent: every address. */
  hostIP?: string;
}

function portNumber(text: string, what: string, spec: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new InvalidArgumentError(`${what} "${text}" in "${spec}" is not a port number (1-65535)`);
  return Number(text);
}

/** Parses one port spec (InvalidArgumentError with what is wrong). */
export function parsePortSpec(spec: string): PortMapping {
  const trimmed = spec.trim();
  const [main, proto, extra] = trimmed.split('/');
  if (extra !== undefined) throw new InvalidArgumentError(`port "${spec}" has more than one "/": use [hostIP:]hostPort:containerPort[/tcp|udp]`);
  const protocol = (proto ?? 'tcp').toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') throw new InvalidArgumentError(`port "${spec}": protocol "${proto}" is not tcp or udp`);
  const parts = main.split(':');
  if (parts.length < 2 || parts.length > 3) throw new InvalidArgumentError(`port "${spec}" is not [hostIP:]hostPort:containerPort[/tcp|udp], e.g. 8080:80`);
  const hostIP = parts.length === 3 ? parts[0] : undefined;
  if (hostIP !== undefined && parseIpv4(hostIP) === undefined) throw new InvalidArgumentError(`port "${spec}": host address "${hostIP}" is not an IPv4 address`);
  const hostPort = portNumber(parts[parts.length - 2], 'host port', spec);
  const containerPort = portNumber(parts[parts.length - 1], 'container port', spec);
  return { hostPort, containerPort, protocol, ...(hostIP && hostIP !== '0.0.0.0' ? { hostIP } : {}) };
}

/** Parses several specs; the same host port and protocol twice is refused. */
export function parsePortSpecs(specs: readonly (string | PortMapping)[]): PortMapping[] {
  const out = specs.map((s) => (typeof s === 'string' ? parsePortSpec(s) : s));
  for (const [i, p] of out.entries()) {
    if (out.slice(0, i).some((q) => q.hostPort === p.hostPort && q.protocol === p.protocol && sameHost(q.hostIP, p.hostIP))) {
      throw new InvalidArgumentError(`host port ${p.hostPort}/${p.protocol} is given twice`);
    }
  }
  return out;
}

function sameHost(a?: string, b?: string): boolean {
  const wild = (x?: string): boolean => !x || x === '0.0.0.0';
  return wild(a) || wild(b) || a === b;
}

/** Host ports portmap publishes now: `-A CNI-DN-… -p tcp … --dport N` rules of the nat table. */
export function publishedPorts(iptablesSave: string): { port: number; protocol: string; hostIP?: string }[] {
  const out: { port: number; protocol: string; hostIP?: string }[] = [];
  for (const line of iptablesSave.split('\n')) {
    if (!line.startsWith('-A CNI-DN-')) continue;
    const port = /--dport (\d+)/.exec(line);
    const proto = /-p (tcp|udp)/.exec(line);
    if (!port || !proto) continue;
    const dst = /-d ([\d.]+)\/32/.exec(line);
    out.push({ port: Number(port[1]), protocol: proto[1], ...(dst ? { hostIP: dst[1] } : {}) });
  }
  return out;
}

/** Sockets listening (tcp state 0A) or bound (udp) in this network namespace, by protocol. */
export function listeningPorts(protocol: PortProtocol, procNet = '/proc/net'): number[] {
  const out: number[] = [];
  for (const file of [protocol, `${protocol}6`]) {
    let text: string;
    try { text = fs.readFileSync(`${procNet}/${file}`, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4) continue;
      if (protocol === 'tcp' && f[3] !== '0A') continue;
      const port = parseInt(f[1].split(':')[1] ?? '', 16);
      if (port) out.push(port);
    }
  }
  return out;
}

/** `iptables-save -t nat`, or undefined when iptables is missing or not permitted (then only listeners are checked). */
export function iptablesNat(): Promise<string | undefined> {
  return new Promise((resolve) => execFile('iptables-save', ['-t', 'nat'], { timeout: 10_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => resolve(err ? undefined : stdout)));
}

/**
 * Throws HostPortInUseError for the first mapping whose host port is published or listened on. `natTable`: an
 * iptablesNat() read the caller started earlier (so the exec overlaps other work), else one is read now.
 */
export async function checkHostPorts(mappings: readonly PortMapping[], natTable?: Promise<string | undefined>): Promise<void> {
  if (!mappings.length) return;
  const nat = await (natTable ?? iptablesNat());
  const published = nat ? publishedPorts(nat) : [];
  for (const m of mappings) {
    if (published.some((p) => p.port === m.hostPort && p.protocol === m.protocol && sameHost(p.hostIP, m.hostIP))) {
      throw new HostPortInUseError(m.hostPort, m.protocol, 'already published by another container');
    }
    if (listeningPorts(m.protocol).includes(m.hostPort)) throw new HostPortInUseError(m.hostPort, m.protocol, 'in use by a process on this host');
  }
}

/** `0.0.0.0:8080->80/tcp` (nerdctl ps's form). */
export function formatPort(m: PortMapping): string {
  return `${m.hostIP || '0.0.0.0'}:${m.hostPort}->${m.containerPort}/${m.protocol}`;
}
