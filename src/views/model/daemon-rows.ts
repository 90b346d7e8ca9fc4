// The Daemon view's rows, built from a DaemonSnapshot: labels a person reads (no raw JSON), facts for the tooltips,
// plugins grouped by type with their status (ok / skipped / error, as `ctr plugins ls` tells them apart).
// Pure and free of `vscode`: the tree provider only maps rows to TreeItems, and tests read the rows.
import { pluginReason, pluginStatus, type Plugin, type PluginStatus } from '@containerd-explorer/client';
import type { DaemonInfo, DaemonSnapshot } from './daemon-model';
import { formatLocalTime, formatWhen } from './format';

export interface DaemonRow {
  /** Stable within the view (TreeItem id). */
  key: string;
  label: string;
  description?: string;
  /** Codicon id, e.g. `server`, `pass`, `error`. */
  icon: string;
  /** Theme color id for the icon. */
  color?: string;
  /** Tooltip: a plain sentence, then a table of facts (the provider escapes both). */
  note?: string;
  facts?: [string, string | undefined][];
  children?: DaemonRow[];
  expanded?: boolean;
}

export { pluginReason, pluginStatus, type PluginStatus };

const TYPE_NAMES: Record<string, string> = {
  'io.containerd.content.v1': 'Content store', 'io.containerd.snapshotter.v1': 'Snapshotters',
  'io.containerd.metadata.v1': 'Metadata', 'io.containerd.differ.v1': 'Differs', 'io.containerd.gc.v1': 'Garbage collector',
  'io.containerd.service.v1': 'Services', 'io.containerd.grpc.v1': 'gRPC API services', 'io.containerd.ttrpc.v1': 'ttrpc services',
  'io.containerd.runtime.v1': 'Runtimes (v1)', 'io.containerd.runtime.v2': 'Runtimes', 'io.containerd.monitor.v1': 'Monitors',
  'io.containerd.internal.v1': 'Internal', 'io.containerd.lease.v1': 'Leases', 'io.containerd.event.v1': 'Events',
  'io.containerd.streaming.v1': 'Streaming', 'io.containerd.transfer.v1': 'Transfer', 'io.containerd.nri.v1': 'NRI',
  'io.containerd.tracing.processor.v1': 'Tracing', 'io.containerd.warning.v1': 'Warnings', 'io.containerd.cri.v1': 'CRI',
  'io.containerd.sandbox.store.v1': 'Sandbox stores', 'io.containerd.sandbox.controller.v1': 'Sandbox controllers',
  'io.containerd.podsandbox.controller.v1': 'Pod sandbox controllers', 'io.containerd.image-verifier.v1': 'Image verifiers',
  'io.containerd.mount-handler.v1': 'Mount handlers', 'io.containerd.mount-manager.v1': 'Mount managers',
};

/** A plugin type in words: `io.containerd.snapshotter.v1` -> `Snapshotters`; unknown types keep their middle part. */
export function pluginTypeName(type: string): string {
  return TYPE_NAMES[type] ?? type.replace(/^io\.containerd\./, '').replace(/\.v\d+$/, '');
}

function counts(plugins: Plugin[]): string {
  const n: Record<PluginStatus, number> = { ok: 0, skipped: 0, error: 0 };
  for (const p of plugins) n[pluginStatus(p)]++;
  return [`${n.ok} ok`, n.skipped ? `${n.skipped} skipped` : '', n.error ? `${n.error} failed` : ''].filter(Boolean).join(', ');
}

const STATUS_ICON: Record<PluginStatus, { icon: string; color?: string }> = {
  ok: { icon: 'pass', color: 'testing.iconPassed' },
  skipped: { icon: 'circle-slash' },
  error: { icon: 'error', color: 'errorForeground' },
};

function pluginRow(p: Plugin): DaemonRow {
  const status = pluginStatus(p);
  const reason = pluginReason(p);
  return {
    key: `plugin:${p.type}:${p.id}`, label: p.id,
    description: status === 'ok' ? 'ok' : `${status === 'skipped' ? 'skipped' : 'error'}: ${reason ?? 'no reason given'}`,
    ...STATUS_ICON[status],
    note: status === 'ok' ? 'Loaded.' : status === 'skipped' ? 'containerd skipped this plugin (it does not apply here).' : 'This plugin failed to load (init_err).',
    facts: [['Type', p.type], ['ID', p.id], ['Status', status], ['Reason', reason],
      ['Requires', p.requires.join(', ')], ['Capabilities', p.capabilities.join(', ')],
      ['Exports', Object.entries(p.exports).map(([k, v]) => `${k}=${v}`).join(', ')]],
  };
}

/** Plugins grouped by type, types in containerd's order of first appearance; groups with a failure start expanded. */
export function pluginRows(plugins: Plugin[]): DaemonRow[] {
  const byType = new Map<string, Plugin[]>();
  for (const p of plugins) byType.set(p.type, [...(byType.get(p.type) ?? []), p]);
  return [...byType].map(([type, list]) => ({
    key: `plugins:${type}`, label: pluginTypeName(type), description: `${counts(list)} · ${type}`,
    icon: list.some((p) => pluginStatus(p) === 'error') ? 'warning' : 'extensions',
    facts: [['Type', type], ['Plugins', list.map((p) => `${p.id} (${pluginStatus(p)})`).join(', ')]],
    children: list.map(pluginRow), expanded: list.some((p) => pluginStatus(p) === 'error'),
  }));
}

function capabilityRows(info: DaemonInfo): DaemonRow[] {
  const c = info.capabilities;
  const snaps = c.snapshotters.map((s) => (s === c.defaultSnapshotter ? `${s} (default)` : s)).join(', ');
  return [
    { key: 'cap:snapshotters', label: 'Snapshotters', description: snaps || 'none loaded', icon: 'layers', note: c.snapshotterReason,
      facts: [['Loaded', c.snapshotters.join(', ')], ['New containers use', c.defaultSnapshotter]] },
    { key: 'cap:runtime', label: 'Runtime', description: c.tasks ? `runc (${c.runtime})` : 'no task runtime loaded', icon: 'play',
      note: c.tasks ? 'New containers run with this shim; the task service is loaded.' : 'The runtime v2 task plugin did not load: containers cannot run.',
      facts: [['Runtime', c.runtime], ['Task service', c.tasks ? 'loaded' : 'not loaded']] },
    { key: 'cap:pull', label: 'Pull', description: c.transfer.preferred ? "by containerd (Transfer service)" : c.transfer.offered ? 'by this extension (Transfer offered, experimental)' : 'by this extension (no Transfer service)',
      icon: 'cloud-download', note: c.transfer.reason ?? 'containerd pulls images itself when containerd.pullMethod is auto or transfer.',
      facts: [['Transfer service', c.transfer.offered ? 'offered' : 'not offered'], ['Streaming service', c.streaming ? 'loaded' : 'not loaded']] },
    { key: 'cap:cri', label: 'Kubernetes CRI', description: c.cri ? 'enabled' : 'not loaded', icon: 'symbol-namespace',
      note: c.cri ? 'The CRI plugin is loaded: kubelet can use this containerd (its pods live in the k8s.io namespace).' : 'The CRI plugin is disabled or failed to load.' },
  ];
}

function identityRows(s: DaemonSnapshot, info: DaemonInfo): DaemonRow[] {
  const rows: DaemonRow[] = [];
  const state = s.stale ? (s.connection === 'failed' ? 'last known, not connected' : 'last known, reconnecting…') : undefined;
  rows.push({
    key: 'version', label: `containerd ${info.version}`,
    description: [info.revision ? `revision ${info.revision.slice(0, 12)}` : 'revision not reported', state].filter(Boolean).join(' · '),
    icon: s.stale ? 'sync~spin' : 'server', note: s.stale ? `What the daemon said at ${formatWhen(info.fetchedAt)}; ${s.problem ?? 'reconnecting'}.` : undefined,
    facts: [['Version', info.version], ['Revision', info.revision || 'not reported by this build'], ['Socket', info.socketPath], ['Asked', formatWhen(info.fetchedAt)]],
  });
  rows.push({ key: 'socket', label: 'Socket', description: info.socketPath, icon: 'plug', facts: [['Socket', info.socketPath], ['Connection', s.connection]] });
  rows.push({
    key: 'uuid', label: 'Server UUID', description: info.uuid ?? 'not reported', icon: 'key',
    note: "Introspection.Server's identifier of this daemon's root directory: it stays the same across restarts on the same root.",
  });
  const p = info.process;
  rows.push(p
    ? { key: 'uptime', label: 'Up since', description: `${formatLocalTime(p.startedAt, true)} (pid ${p.pid})`, icon: 'clock',
      note: `Started ${formatWhen(p.startedAt)}.`, facts: [['Process', `${p.command} (pid ${p.pid})`], ['Started', formatWhen(p.startedAt)]] }
    : { key: 'uptime', label: 'Up since', description: 'unknown (listener not visible in /proc)', icon: 'clock',
      note: "The process listening on the socket is not visible to this user (another user's daemon or another network namespace)." });
  if (s.restarts.length) {
    const r = s.restarts[0];
    const was = r.evidence === 'process' ? `was pid ${r.previous.pid ?? '?'}` : `was UUID ${r.previous.uuid ?? '?'}`;
    rows.push({
      key: 'restarts', label: 'Restarted', description: `${formatLocalTime(r.at, true)} (${was})${s.restarts.length > 1 ? ` · ${s.restarts.length} restarts seen` : ''}`,
      icon: 'debug-restart', note: 'containerd restarted while this window was open; running tasks survive (their shims do).',
      facts: s.restarts.map((x, i) => [`Restart ${i + 1}`, `${formatWhen(x.at)} (${x.evidence === 'process' ? `pid ${x.previous.pid ?? '?'} before` : `UUID ${x.previous.uuid ?? '?'} before`})`]),
    });
  }
  return rows;
}

/** The whole view: identity, capabilities, plugins; or where the connection stands when nothing is known yet. */
export function daemonRows(s: DaemonSnapshot): DaemonRow[] {
  const info = s.info;
  if (!info) {
    if (s.connection === 'failed') return [{ key: 'state', label: 'Not connected', description: s.problem, icon: 'error', color: 'errorForeground', note: s.problem, facts: [['Socket', s.socketPath]] }];
    if (s.connection === 'connected') return [{ key: 'state', label: s.queryError ? 'Could not ask containerd about itself' : 'Asking containerd…', description: s.queryError, icon: s.queryError ? 'warning' : 'loading~spin', note: s.queryError }];
    return [{ key: 'state', label: s.socketPath ? `Connecting to containerd at ${s.socketPath}…` : 'Not connected yet', icon: 'loading~spin' }];
  }
  const rows = identityRows(s, info);
  if (s.queryError && !s.stale) rows.push({ key: 'query-error', label: 'Last refresh failed', description: s.queryError, icon: 'warning', note: s.queryError });
  rows.push({ key: 'capabilities', label: 'Capabilities', description: 'what this daemon can do', icon: 'checklist', children: capabilityRows(info), expanded: true });
  rows.push({ key: 'plugins', label: 'Plugins', description: `${info.plugins.length}: ${counts(info.plugins)}`, icon: 'extensions', children: pluginRows(info.plugins), expanded: false });
  return rows;
}
