// Benchmark, inside the real extension host: a container created, started or deleted by `ctr` (a real process,
// against a private containerd) shows in the views quickly. Each sample is the time from ctr exiting to the tree
// provider firing the change after which its getChildren has (or no longer has) the item.
import { performance } from 'node:perf_hooks';
import type { ContainerdEvent } from '../../packages/containerd-client/src';
import type { ExplorerApi } from '../../src/extension';
import { COALESCE_MS } from '../../src/views/model/explorer-model';
import type { ExplorerTreeProvider } from '../../src/views/tree/base-provider';
import type { ExplorerNode } from '../../src/views/model/nodes';
import { hostLog } from '../../test/e2e/runner/host-log';
import { ctrOk, env } from './host';
import type { EventKind, EventSample, EventsResult } from './results';

interface Step {
  kind: EventKind;
  args: string[];
  provider: ExplorerTreeProvider;
  /** Holds on getChildren's nodes once the view shows the step's outcome. */
  done: (nodes: ExplorerNode[]) => boolean;
  /** The event that carries the step's outcome to the extension. */
  topic: ContainerdEvent['topic'];
  id: string;
}

function eventId(ev: ContainerdEvent): string | undefined {
  const p = ev.payload as { id?: string; containerId?: string };
  return p.containerId || p.id;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function benchEvents(api: ExplorerApi): Promise<EventsResult> {
  const count = Number(process.env.BENCH_EVENTS ?? 50);
  const image = env('BENCH_IMAGE');
  const startId = env('BENCH_START_ID');
  const ns = env('CONTAINERD_NAMESPACE');
  const { containers, tasks } = api.views.providers;
  const m = api.model.model(ns);
  const hasContainer = (id: string) => (nodes: ExplorerNode[]): boolean => nodes.some((n) => n.type === 'container' && n.id === id);
  const hasTask = (id: string) => (nodes: ExplorerNode[]): boolean => nodes.some((n) => n.type === 'task' && n.containerId === id);

  // Arrival of each event in the extension, to split the latency into "containerd -> us" and "us -> the tree".
  const arrivals: { topic: string; id: string | undefined; at: number }[] = [];
  const sub = api.hub.onDidReceiveEvent((ev) => arrivals.push({ topic: ev.topic, id: eventId(ev), at: performance.now() }));
  const samples: EventSample[] = [];
  try {
    for (let cycle = 0; samples.length < count; cycle++) {
      const cid = `bev-${process.pid}-${cycle}`;
      const steps: Step[] = [
        { kind: 'create', args: ['containers', 'create', image, cid, 'sleep', '1000'], provider: containers, done: hasContainer(cid), topic: '/containers/create', id: cid },
        { kind: 'start', args: ['tasks', 'start', '--detach', '--null-io', startId], provider: tasks, topic: '/tasks/start', id: startId,
          done: (nodes) => hasTask(startId)(nodes) && m.tasks.get(startId)?.process.status === 'running' },
        { kind: 'delete-task', args: ['tasks', 'delete', '--force', startId], provider: tasks, done: (nodes) => !hasTask(startId)(nodes), topic: '/tasks/delete', id: startId },
        { kind: 'delete', args: ['containers', 'delete', cid], provider: containers, done: (nodes) => !hasContainer(cid)(nodes), topic: '/containers/delete', id: cid },
      ];
      for (const step of steps) {
        // Registered before ctr runs: only a change after this point counts.
        const changed = step.provider.waitForChange(step.done, 30_000);
        const from = arrivals.length;
        const r = await ctrOk(step.args);
        const change = await changed;
        if (!step.done((await step.provider.getChildren()) ?? [])) throw new Error(`${step.kind} ${step.id}: getChildren disagrees with the change`);
        const arrival = arrivals.slice(from).find((a) => a.topic === step.topic && a.id === step.id);
        if (samples.length < count) {
          samples.push({
            kind: step.kind, command: step.args.join(' '), ctrMs: r.exitAt - r.startAt, latencyMs: change.at - r.exitAt,
            ...(arrival ? { eventMs: arrival.at - r.exitAt } : {}),
          });
        }
        // Let the model settle so each sample starts from quiet.
        await api.model.whenIdle();
        await pause(20);
      }
      hostLog(`bench: ${samples.length}/${count} events`);
    }
  } finally {
    sub.dispose();
  }
  return { samples, coalesceMs: COALESCE_MS };
}
