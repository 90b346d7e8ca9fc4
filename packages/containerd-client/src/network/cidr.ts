// IPv4 subnets as numbers: parsing CIDRs, overlap, the gateway default (first host), free subnet search, and the
// host's routes (/proc/net/route), which an automatic subnet must not overlap.
import * as fs from 'node:fs';

export interface Ipv4Net { base: number; prefix: number }

/** 'a.b.c.d' as an unsigned 32-bit number, or undefined. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

function maskOf(prefix: number): number { return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0; }

/** 'a.b.c.d/n' (the network address itself, not a host in it), or a reason. */
export function parseSubnet(text: string): Ipv4Net | string {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  const ip = m ? parseIpv4(m[1]) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (!m || ip === undefined || prefix > 32) return `"${text}" is not an IPv4 subnet like 10.4.2.0/24`;
  if (prefix > 30) return `subnet ${text} is too small: use /30 or larger`;
  const base = (ip & maskOf(prefix)) >>> 0;
  if (base !== ip) return `"${text}" is not a network address: did you mean ${formatIpv4(base)}/${prefix}?`;
  return { base, prefix };
}

export function formatSubnet(n: Ipv4Net): string { return `${formatIpv4(n.base)}/${n.prefix}`; }

export function contains(net: Ipv4Net, ip: number): boolean { return ((ip & maskOf(net.prefix)) >>> 0) === net.base; }

export function overlaps(a: Ipv4Net, b: Ipv4Net): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  return ((a.base & maskOf(prefix)) >>> 0) === ((b.base & maskOf(prefix)) >>> 0);
}

/** The first host address of a subnet (nerdctl's and Docker's default gateway). */
export function firstHost(net: Ipv4Net): number { return net.base + 1; }

/** Routes of this network namespace (IPv4), default route excluded: their destinations are taken. */
export function hostRoutes(file = '/proc/net/route'): Ipv4Net[] {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch { return []; }
  const out: Ipv4Net[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    // Little-endian hex in /proc/net/route.
    const le = (h: string): number => Buffer.from(h.padStart(8, '0'), 'hex').readUInt32LE(0);
    const dest = le(f[1]);
    const mask = le(f[7]);
    if (mask === 0) continue;
    out.push({ base: dest >>> 0, prefix: countBits(mask) });
  }
  return out;
}

function countBits(n: number): number { let c = 0; for (let v = n >>> 0; v; v >>>= 1) c += v & 1; return c; }

/** The first /24 from `start` (nerdctl's 10.4.1.0/24) up to 10.255.255.0 that overlaps none of `used`. */
export function freeSubnet(used: readonly Ipv4Net[], start = '10.4.1.0/24'): Ipv4Net | undefined {
  const first = parseSubnet(start);
  if (typeof first === 'string') return undefined;
  for (let base = first.base; base < (parseIpv4('11.0.0.0') ?? 0); base += 256) {
    const candidate = { base, prefix: 24 };
    if (!used.some((u) => overlaps(u, candidate))) return candidate;
  }
  return undefined;
}
