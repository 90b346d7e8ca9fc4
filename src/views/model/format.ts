// Text for the views: sizes, ages, image names, task states. Free of `vscode` (unit-tested in plain Node).
import type { TaskProcess } from '../../containerd';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Decimal units like `docker images`: 1.2 MB, 532 KB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  let i = 0;
  let v = n;
  while (v >= 1000 && i < UNITS.length - 1) { v /= 1000; i++; }
  return i === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[i]}`;
}

/** Binary units for memory: 12.5 MiB. */
export function formatMemory(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** "just now", "5 minutes ago", "3 days ago". */
export function formatAge(date: Date | undefined, now: Date = new Date()): string {
  if (!date) return 'unknown time';
  const s = Math.round((now.getTime() - date.getTime()) / 1000);
  if (s < 0) return 'in the future';
  if (s < 45) return 'just now';
  const steps: [number, string][] = [[60, 'minute'], [3600, 'hour'], [86400, 'day'], [86400 * 30, 'month'], [86400 * 365, 'year']];
  let unit = 'second';
  let n = s;
  for (const [secs, name] of steps) if (s >= secs * 0.75) { unit = name; n = Math.round(s / secs); }
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}

/** A fixed, locale-independent timestamp for tooltips: 2026-11-26 17:03:09 UTC. */
export function formatTime(date: Date | undefined): string {
  if (!date) return 'unknown';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export interface ImageName { repository: string; tag?: string; digest?: string }

/** Splits `host/repo:tag` and `repo@sha256:…`; a colon in the host part (a port) is not a tag. */
export function parseImageName(name: string): ImageName {
  const at = name.indexOf('@');
  if (at >= 0) return { repository: name.slice(0, at), digest: name.slice(at + 1) };
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) return { repository: name.slice(0, colon), tag: name.slice(colon + 1) };
  return { repository: name };
}

/** `io.containerd.runc.v2` -> `runc.v2`. */
export function shortRuntime(name: string): string {
  return name.replace(/^io\.containerd\./, '') || 'unknown runtime';
}

export type TaskState = 'running' | 'paused' | 'pausing' | 'stopped' | 'created' | 'unknown' | 'none';

export function taskState(p: TaskProcess | undefined): TaskState {
  return p ? p.status : 'none';
}

/** "running (pid 4242)", "exited with code 137", "paused", "created", "no task". */
export function describeTaskState(p: TaskProcess | undefined): string {
  if (!p) return 'no task';
  switch (p.status) {
    case 'running': return `running (pid ${p.pid})`;
    case 'stopped': return `exited with code ${p.exitStatus}`;
    case 'paused': return `paused (pid ${p.pid})`;
    case 'pausing': return 'pausing';
    case 'created': return `created, not started (pid ${p.pid})`;
    default: return 'state unknown';
  }
}

/** `a=1, b=2` for descriptions; '' when none. */
export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** Parses `a=1, b=2` (commas or newlines); a key without `=` gets ''. Throws on an empty key. */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = (eq >= 0 ? part.slice(0, eq) : part).trim();
    if (!key) throw new Error(`"${part}" has no label name`);
    out[key] = eq >= 0 ? part.slice(eq + 1).trim() : '';
  }
  return out;
}
