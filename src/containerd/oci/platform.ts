// Platforms: the host's, and matching like containerd's platforms.Default() (normalised arch, arm variants).
import type { Descriptor, Platform } from './image-types';

const ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle' };

export function hostPlatform(): Platform {
  const architecture = ARCH[process.arch] ?? process.arch;
  const p: Platform = { os: process.platform === 'win32' ? 'windows' : process.platform, architecture };
  if (architecture === 'arm64') p.variant = 'v8';
  if (architecture === 'arm') p.variant = `v${(process.config.variables as { arm_version?: string }).arm_version ?? '7'}`;
  return p;
}

/** Normalises as containerd does: aarch64 → arm64 (v8), x86_64 → amd64, armhf → arm v7. */
export function normalizePlatform(p: Platform): Platform {
  let { architecture, variant } = p;
  const os = (p.os || '').toLowerCase();
  switch ((architecture || '').toLowerCase()) {
    case 'x86_64': case 'x86-64': case 'amd64': architecture = 'amd64'; if (variant === 'v1') variant = undefined; break;
    case 'aarch64': case 'arm64': architecture = 'arm64'; if (!variant || variant === '8') variant = 'v8'; break;
    case 'armhf': architecture = 'arm'; variant = 'v7'; break;
    case 'armel': architecture = 'arm'; variant = 'v6'; break;
    case 'arm': architecture = 'arm'; if (!variant || variant === '7') variant = 'v7'; else if (/^\d$/.test(variant)) variant = `v${variant}`; break;
    case 'i386': architecture = '386'; break;
    default: architecture = (architecture || '').toLowerCase();
  }
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** Platforms `want` can run, best first (arm v7 runs v6 and v5; arm64 v8 runs only v8 here). */
function compatible(want: Platform): Platform[] {
  const w = normalizePlatform(want);
  if (w.architecture === 'arm' && w.variant) {
    const n = Number(w.variant.slice(1));
    const out: Platform[] = [];
    for (let v = n; v >= 5; v--) out.push({ ...w, variant: `v${v}` });
    return out;
  }
  return [w];
}

export function platformMatches(candidate: Platform, want: Platform): boolean {
  return platformRank(candidate, want) >= 0;
}

/** Lower is better; -1 when the candidate cannot run on `want`. */
export function platformRank(candidate: Platform, want: Platform): number {
  const c = normalizePlatform(candidate);
  const list = compatible(want);
  return list.findIndex((w) => w.os === c.os && w.architecture === c.architecture && (!w.variant || !c.variant || w.variant === c.variant));
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

export function parsePlatform(s: string): Platform {
  const [os, architecture, variant] = s.split('/');
  if (!os || !architecture) throw new Error(`"${s}" is not a platform: use os/arch[/variant], e.g. linux/amd64`);
  return normalizePlatform({ os, architecture, ...(variant ? { variant } : {}) });
}

const isAttestation = (d: Descriptor): boolean =>
  d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || d.platform?.os === 'unknown';

/** The best manifest of an index for `want`, skipping attestations; undefined when none runs there. */
export function selectManifest(manifests: readonly Descriptor[], want: Platform): Descriptor | undefined {
  let best: { d: Descriptor; rank: number } | undefined;
  for (const d of manifests) {
    if (isAttestation(d)) continue;
    if (!d.platform) { if (!best) best = { d, rank: 99 }; continue; }
    const rank = platformRank(d.platform, want);
    if (rank >= 0 && (!best || rank < best.rank)) best = { d, rank };
  }
  return best?.d;
}

/** Every runnable platform manifest of an index (the "all platforms" choice). */
export function platformManifests(manifests: readonly Descriptor[]): Descriptor[] {
  return manifests.filter((d) => !isAttestation(d));
}
