// Show Task Metrics: CPU (time and current use), memory and pids of a task as a readable Markdown document.
import type * as vscode from 'vscode';
import { taskState, type ContainerdClient, type TaskMetrics } from '@containerd-explorer/client';
import { formatMemory, formatTime } from '../../views/model/format';
import type { ProcessNode, TaskNode } from '../../views/model/nodes';
import { clientFor, registerCommand, selected, type CommandDeps } from '../shared/command-deps';
import type { ReadOnlyDocuments } from '../../views/documents/read-only-documents';
import { pickTasks } from '../shared/pickers';

/** cgroup v1 reports "no limit" as a huge number near 2^63. */
const UNLIMITED = 2 ** 60;
const SAMPLE_GAP_MS = 500;

const seconds = (ns: number): string => `${(ns / 1e9).toFixed(2)} s`;
const limit = (n: number, fmt: (v: number) => string): string => (n <= 0 || n >= UNLIMITED ? 'no limit' : fmt(n));

async function sample(client: ContainerdClient, id: string): Promise<TaskMetrics> {
  const [m] = await client.tasks.metrics([id]);
  if (!m) throw new Error(`containerd has no metrics for task "${id}" (is it running?)`);
  return m;
}

export function renderMetrics(namespace: string, id: string, first: TaskMetrics, second: TaskMetrics, gapMs: number): string {
  const m = second;
  const lines = [`# Metrics of task ${id}`, '', `Namespace \`${namespace}\` · sampled ${formatTime(m.timestamp ?? new Date())} · cgroup ${m.cgroup}`, ''];
  if (!m.cpu && !m.memory && !m.pids) {
    lines.push(`containerd returned metrics this extension cannot decode (${m.cgroup}).`);
    return lines.join('\n');
  }
  lines.push('| | |', '|---|---|');
  if (m.cpu) {
    const busy = first.cpu ? Math.max(0, m.cpu.usageNs - first.cpu.usageNs) : 0;
    const percent = gapMs > 0 ? (busy / (gapMs * 1e6)) * 100 : 0;
    lines.push(`| CPU now | ${percent.toFixed(1)} % of one core (over ${gapMs} ms) |`);
    lines.push(`| CPU time | ${seconds(m.cpu.usageNs)} total (user ${seconds(m.cpu.userNs)}, system ${seconds(m.cpu.kernelNs)}) |`);
  }
  if (m.memory) {
    lines.push(`| Memory | ${formatMemory(m.memory.usageBytes)} used, ${limit(m.memory.limitBytes, formatMemory)} |`);
    if (m.memory.rssBytes !== undefined) lines.push(`| Memory detail | RSS ${formatMemory(m.memory.rssBytes)}, page cache ${formatMemory(m.memory.cacheBytes ?? 0)} |`);
  }
  if (m.pids) lines.push(`| Processes | ${m.pids.current} (${limit(m.pids.limit, String)}) |`);
  lines.push('', 'Run **Containerd: Show Task Metrics** again to refresh.', '');
  return lines.join('\n');
}

export function registerMetricsCommands(deps: CommandDeps, docs: ReadOnlyDocuments): vscode.Disposable[] {
  docs.addRenderer('metrics', async (ref) => {
    const client = await clientFor(deps, ref.namespace);
    const t0 = Date.now();
    const first = await sample(client, ref.name);
    await new Promise((r) => setTimeout(r, SAMPLE_GAP_MS));
    const second = await sample(client, ref.name);
    return renderMetrics(ref.namespace, ref.name, first, second, Date.now() - t0);
  });
  return [
    registerCommand(deps, 'containerd.showTaskMetrics', async (arg) => {
      const node = selected<TaskNode>('task', arg, undefined)?.[0] ?? selected<ProcessNode>('process', arg, undefined)?.[0]
        ?? (await pickTasks(deps, 'Show metrics of task', false, (t) => taskState(t.process).hasProcesses))[0];
      return deps.host().withProgress({ title: `Reading metrics of ${node.containerId}`, where: 'window' },
        () => deps.host().showDocument({ namespace: node.namespace, kind: 'metrics', name: node.containerId, ext: 'md' }));
    }),
  ];
}
