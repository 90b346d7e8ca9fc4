// Benchmark, inside the real extension host: with 1,000 containers (with tasks) and 200 images in the namespace,
// the time from the Refresh command to the Containers, Tasks and Images providers having fired and their
// getChildren + getTreeItem done for every row, against whole `ctr containers ls` processes in the same run.
// The event loop's delay during our refresh says whether the extension host stalled.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { ExplorerApi } from '../../src/extension';
import type { ExplorerTreeProvider } from '../../src/views/tree/base-provider';
import { hostLog } from '../../test/e2e/runner/host-log';
import { ctrOk } from './host';
import { profiled } from './profile';
import type { ListResult, ListRun } from './results';

type ViewName = 'containers' | 'tasks' | 'images';
const VIEWS: ViewName[] = ['containers', 'tasks', 'images'];

/** getChildren of the root, then getTreeItem of every node, as VS Code does for a visible view. */
async function render(provider: ExplorerTreeProvider): Promise<number> {
  const nodes = (await provider.getChildren()) ?? [];
  for (const n of nodes) provider.getTreeItem(n);
  return nodes.length;
}

async function ourRefresh(api: ExplorerApi, expected: Record<ViewName, number>): Promise<Omit<ListRun, 'ctrContainersMs' | 'ctrTasksMs' | 'ctrImagesMs'>> {
  await api.model.whenIdle();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const t0 = performance.now();
  loop.enable();
  const firedMs = {} as Record<ViewName, number>;
  const renderMs = {} as Record<ViewName, number>;
  const views = VIEWS.map(async (name) => {
    const provider = api.views.providers[name];
    const change = await provider.waitForChange((nodes) => nodes.length === expected[name], 120_000);
    firedMs[name] = change.at - t0;
    const r0 = performance.now();
    const n = await render(provider);
    renderMs[name] = performance.now() - r0;
    if (n !== expected[name]) throw new Error(`${name}: getChildren gave ${n} rows, expected ${expected[name]}`);
  });
  await vscode.commands.executeCommand('containerd.refresh');
  await Promise.all(views);
  const oursMs = performance.now() - t0;
  loop.disable();
  // What a user waits for before the Containers and Images views show their rows (task states follow).
  const shownMs = Math.max(...(['containers', 'images'] as const).map((n) => firedMs[n] + renderMs[n]));
  return { oursMs, shownMs, firedMs, renderMs, loopDelayMaxMs: loop.max / 1e6, loopDelayP99Ms: loop.percentile(99) / 1e6 };
}

async function oneRun(api: ExplorerApi, expected: Record<ViewName, number>): Promise<ListRun> {
  const ours = await ourRefresh(api, expected);
  const time = async (args: string[]): Promise<number> => { const r = await ctrOk(args); return r.exitAt - r.startAt; };
  return { ...ours, ctrContainersMs: await time(['containers', 'ls']), ctrTasksMs: await time(['tasks', 'ls']), ctrImagesMs: await time(['images', 'ls']) };
}

export async function benchList(api: ExplorerApi, initialSyncMs: number): Promise<ListResult> {
  const ns = process.env.CONTAINERD_NAMESPACE ?? 'default';
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const m = api.model.model(ns);
  const counts = { containers: m.containers.size, tasks: m.tasks.size, images: m.images.size };
  const expected = { containers: Number(process.env.BENCH_CONTAINERS), tasks: Number(process.env.BENCH_CONTAINERS), images: Number(process.env.BENCH_IMAGES) };
  for (const v of VIEWS) {
    if (counts[v] !== expected[v]) throw new Error(`the model holds ${counts[v]} ${v}, the fixture made ${expected[v]}`);
  }
  hostLog(`bench: ${counts.containers} containers, ${counts.tasks} tasks, ${counts.images} images listed (first sync ${initialSyncMs.toFixed(0)} ms)`);
  const warmup = await oneRun(api, expected);
  const out: ListRun[] = [];
  for (let i = 0; i < runs; i++) {
    out.push(await oneRun(api, expected));
    hostLog(`bench: run ${i + 1}/${runs}: ours ${out[i].oursMs.toFixed(0)} ms, ctr containers ls ${out[i].ctrContainersMs.toFixed(0)} ms`);
  }
  let profile: ListResult['profile'];
  if (process.env.BENCH_PROFILE_FILE) {
    // One more run under the profiler (not counted: profiling slows it down).
    const { top } = await profiled(process.env.BENCH_PROFILE_FILE, () => ourRefresh(api, expected));
    profile = { file: process.env.BENCH_PROFILE_FILE, top };
  }
  return { counts, runs: out, warmup, initialSyncMs, ...(profile ? { profile } : {}) };
}
