// Text for the views: sizes, times and ages, image names, task states. Free of `vscode` (unit-tested in plain Node).
import type { TaskProcess } from '@containerd-explorer/client';

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

/** "just now", "5 minutes ago", "3 days ago": only for text built at the moment it is shown (tooltips on hover). */
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

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * The extension host's local time, for tree descriptions: `2026-11-26 17:03`. Absolute on purpose: a description
 * is rendered once and stays on screen, where "just now" would go stale (the relative age is in the tooltip).
 */
export function formatLocalTime(date: Date | undefined, seconds = false): string {
  if (!date) return 'unknown time';
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}${seconds ? `:${pad(date.getSeconds())}` : ''}`;
}

/** `UTC+01:00`: which local time formatLocalTime meant (the host's zone may not be the browser's). */
export function formatUtcOffset(date: Date): string {
  const off = -date.getTimezoneOffset();
  const a = Math.abs(off);
  return `UTC${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** For tooltips, built on hover: `2026-11-26 17:03:09 UTC+01:00, 5 minutes ago`. */
export function formatWhen(date: Date | undefined, now: Date = new Date()): string {
  if (!date) return 'unknown';
  return `${formatLocalTime(date, true)} ${formatUtcOffset(date)}, ${formatAge(date, now)}`;
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

/**
 * The one wording of a task's (or exec's) state, for both views' descriptions and tooltips: "running", "paused",
 * "created", "stopped (exit 137)", "no task"; `pid` adds "(pid 4242)" to live ones, `oom` marks an OOM kill.
 * "stopped" is containerd's own word (ctr task ls), so the views and ctr agree.
 */
export function taskStateText(p: TaskProcess | undefined, opts: { pid?: boolean; oom?: boolean } = {}): string {
  if (!p) return 'no task';
  const withPid = (word: string): string => (opts.pid && p.pid ? `${word} (pid ${p.pid})` : word);
  switch (p.status) {
    case 'running': case 'paused': case 'pausing': case 'created': return withPid(p.status);
    case 'stopped': return `stopped (exit ${p.exitStatus}${opts.oom ? ', OOM killed' : ''})`;
    default: return 'state unknown';
  }
}

/** The state with its pid, for tooltips: "running (pid 4242)", "stopped (exit 137)". */
export function describeTaskState(p: TaskProcess | undefined, oom = false): string {
  return taskStateText(p, { pid: true, oom });
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
