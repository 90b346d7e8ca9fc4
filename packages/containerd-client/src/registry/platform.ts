// Platforms: the host's, normalisation and matching as containerd's `platforms` package does
// (platforms.Default() = Only(host): amd64 also takes 386, arm64 also takes arm/v7..v5), and choosing
// manifests from an index (attestations and unknown/unknown entries skipped).
import type { Descriptor, Index, Platform } from '../oci/image-types';
import { NoMatchingPlatformError } from './errors';

const ATTESTATION_ANNOTATION = 'vnd.docker.reference.type';

/** Node's process.arch -> GOARCH. */
const ARCH_FROM_NODE: Record<string, string> = {
  x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x',
  riscv64: 'riscv64', mips64el: 'mips64le', mipsel: 'mipsle', loong64: 'loong64',
};
const OS_FROM_NODE: Record<string, string> = { win32: 'windows', sunos: 'solaris' };

/** The platform this process runs on, like containerd's platforms.DefaultSpec(). */
export function hostPlatform(): Platform {
  const os = OS_FROM_NODE[process.platform] ?? process.platform;
  const architecture = ARCH_FROM_NODE[process.arch] ?? process.arch;
  let variant: string | undefined;
  if (architecture === 'arm64') variant = 'v8';
  if (architecture === 'arm') {
    const v = (process.config.variables as Record<string, unknown>)['arm_version'];
    variant = `v${typeof v === 'string' || typeof v === 'number' ? v : '7'}`;
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** containerd's Normalize: aliases (x86_64, aarch64, armhf...) and default variants folded. */
export function normalizePlatform(p: Platform): Platform {
  const os = normalizeOs(p.os);
  let arch = (p.architecture ?? '').toLowerCase();
  let variant = (p.variant ?? '').toLowerCase();
  switch (arch) {
    case 'i386': arch = '386'; variant = ''; break;
    case 'x86_64': case 'x86-64': case 'amd64':
      arch = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64': case 'arm64':
      arch = 'arm64';
      if (variant === '8' || variant === 'v8') variant = '';
      break;
    case 'armhf': arch = 'arm'; variant = 'v7'; break;
    case 'armel': arch = 'arm'; variant = 'v6'; break;
    case 'arm':
      if (variant === '' || variant === '7') variant = 'v7';
      else if (['5', '6', '8'].includes(variant)) variant = `v${variant}`;
      break;
  }
  const out: Platform = { os, architecture: arch };
  if (variant) out.variant = variant;
  if (p['os.version']) out['os.version'] = p['os.version'];
  return out;
}

function normalizeOs(os: string | undefined): string {
  if (!os) return hostPlatform().os;
  const l = os.toLowerCase();
  return l === 'macos' ? 'darwin' : l;
}

/** Parses `linux/arm64/v8`, `linux/amd64`, `arm64` (host OS), `linux` (host architecture). */
export function parsePlatform(spec: string): Platform {
  const parts = spec.trim().split('/');
  if (parts.some((x) => x === '') || parts.length > 3) throw new Error(`invalid platform ${JSON.stringify(spec)}: expected os/arch[/variant]`);
  if (parts.length === 1) {
    const known = new Set(['linux', 'windows', 'darwin', 'freebsd', 'macos']);
    const host = hostPlatform();
    return known.has(parts[0].toLowerCase())
      ? normalizePlatform({ ...host, os: parts[0] })
      : normalizePlatform({ os: host.os, architecture: parts[0] });
  }
  return normalizePlatform({ os: parts[0], architecture: parts[1], variant: parts[2] });
}

export function formatPlatform(p: Platform): string {
  return [p.os || 'unknown', p.architecture || 'unknown', p.variant].filter(Boolean).join('/');
}

export interface PlatformMatcher {
  match(p: Platform): boolean;
  /** True when `a` is preferred over `b`. */
  less(a: Platform, b: Platform): boolean;
  /** For messages: `linux/amd64`. */
  readonly description: string;
}

function exact(platform: Platform): (p: Platform) => boolean {
  const want = normalizePlatform(platform);
  return (p) => {
    const n = normalizePlatform(p);
    return n.os === want.os && n.architecture === want.architecture && (n.variant ?? '') === (want.variant ?? '');
  };
}

/** containerd's platformVector: the platforms a machine can run, best first. */
function compatible(p: Platform): Platform[] {
  const out: Platform[] = [p];
  const num = Number((p.variant ?? '').replace(/^v/, ''));
  switch (p.architecture) {
    case 'amd64':
      if (Number.isInteger(num) && num > 1) for (let v = num - 1; v >= 1; v--) out.push({ ...p, variant: `v${v}` });
      out.push({ os: p.os, architecture: '386' });
      break;
    case 'arm':
      if (Number.isInteger(num) && num > 5) for (let v = num - 1; v >= 5; v--) out.push({ ...p, variant: `v${v}` });
      break;
    case 'arm64':
      out.push(...compatible({ os: p.os, architecture: 'arm', variant: p.variant || 'v8' }));
      break;
  }
  return out;
}

/** Like containerd's platforms.Only(p): matches p and what p can run, preferring p. */
export function platformMatcher(platform: Platform): PlatformMatcher {
  const matchers = compatible(normalizePlatform(platform)).map(exact);
  const rank = (p: Platform): number => {
    const i = matchers.findIndex((m) => m(p));
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return {
    match: (p) => matchers.some((m) => m(p)),
    less: (a, b) => rank(a) < rank(b),
    description: formatPlatform(normalizePlatform(platform)),
  };
}

/** Strict variant (containerd's OnlyStrict): the platform itself only. */
export function strictPlatformMatcher(platform: Platform): PlatformMatcher {
  const m = exact(normalizePlatform(platform));
  return { match: m, less: (a, b) => m(a) && !m(b), description: formatPlatform(normalizePlatform(platform)) };
}

/** platforms.Default(): the host platform and what it can run. */
export function defaultPlatformMatcher(): PlatformMatcher {
  return platformMatcher(hostPlatform());
}

export const allPlatforms: PlatformMatcher = { match: () => true, less: () => false, description: 'all platforms' };

/** Attestation manifests (buildx provenance/SBOM) and unknown/unknown entries are not runnable images. */
export function isAttestation(d: Descriptor): boolean {
  if (d.annotations?.[ATTESTATION_ANNOTATION] === 'attestation-manifest') return true;
  return d.platform?.os === 'unknown' && d.platform?.architecture === 'unknown';
}

type PlatformChoice = Platform | PlatformMatcher | 'all';

function toMatcher(choice: PlatformChoice): PlatformMatcher {
  if (choice === 'all') return allPlatforms;
  return 'match' in choice ? choice : platformMatcher(choice);
}

/**
 * Entries of an index for a platform, best first (entries without a platform last, as containerd does),
 * or every runnable entry in index order for 'all'.
 */
export function selectManifests(index: Index, choice: PlatformChoice): Descriptor[] {
  const matcher = toMatcher(choice);
  const candidates = index.manifests.filter((d) => !isAttestation(d) && (!d.platform || matcher.match(d.platform)));
  return candidates
    .map((d, i) => ({ d, i }))
    .sort((x, y) => {
      const a = x.d.platform;
      const b = y.d.platform;
      if (!a || !b) return a ? -1 : b ? 1 : x.i - y.i;
      return matcher.less(a, b) ? -1 : matcher.less(b, a) ? 1 : x.i - y.i;
    })
    .map((x) => x.d);
}

/** The best entry for a platform; throws NoMatchingPlatformError listing what the index offers. */
export function selectManifest(index: Index, platform: Platform | PlatformMatcher = hostPlatform(), reference?: string): Descriptor {
  const [best] = selectManifests(index, platform);
  if (best) return best;
  const matcher = toMatcher(platform);
  const available = index.manifests.filter((d) => !isAttestation(d) && d.platform).map((d) => formatPlatform(d.platform as Platform));
  throw new NoMatchingPlatformError(matcher.description, [...new Set(available)], reference);
}
