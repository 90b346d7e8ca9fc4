// extensionTestsPath of the Stats benchmark (launched by bench/stats-panel.js through the in-host runner): with the
// namespace's tasks running, measures the extension host's CPU and event-loop delay with the all-tasks Stats panel
// open and sampling at 1 Hz, checks that sampling stops while the panel is hidden, then measures the same with the
// panel closed (after start-up has settled: the baseline).
import * as fs from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { StatsFeed } from '../../src/views/stats/stats-feed';
import { hostLog } from '../../test/e2e/runner/host-log';
import { env, explorer } from '../in-host/host';
import { profiled } from '../in-host/profile';
import type { LoadWindow, StatsPanelResult } from './results';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function measure(seconds: number): Promise<LoadWindow> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  loop.enable();
  await sleep(seconds * 1000);
  loop.disable();
  const wallUs = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, cpuPercent: ((cpu.user + cpu.system) / wallUs) * 100, loopDelayP99Ms: loop.percentile(99) / 1e6, loopDelayMaxMs: loop.max / 1e6 };
}

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const median = (v: number[]): number => { const s = [...v].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : 0; };

export async function run(): Promise<void> {
  const file = env('BENCH_RESULT_FILE');
  const ns = env('CONTAINERD_NAMESPACE');
  const tasks = Number(env('BENCH_STATS_TASKS'));
  const seconds = Number(env('BENCH_STATS_SECONDS'));
  try {
    await explorer();
    const opened = await vscode.commands.executeCommand<{ panel: vscode.WebviewPanel; feed: StatsFeed } | undefined>('containerd.showNamespaceStats', { type: 'namespace', name: ns });
    if (!opened?.feed) throw new Error('containerd.showNamespaceStats returned no panel');
    const { feed } = opened;
    let live = 0;
    const perTick: number[] = [];
    const sub = feed.onBatch((b) => { live = b.filter((s) => s.point).length; perTick.push(live); });
    // Warm-up: every task followed (the first tick after opening has no rates yet).
    await until(`${tasks} tasks in one tick`, () => live >= tasks && perTick.length >= 3, 60_000);
    perTick.length = 0;
    const panel = await measure(seconds);
    const ticks = perTick.length;
    hostLog(`bench: panel open ${panel.cpuPercent.toFixed(2)} % of one core, loop p99 ${panel.loopDelayP99Ms.toFixed(1)} ms, ${ticks} ticks`);
    const samples = [...perTick];
    // Another editor in the same group hides the panel: sampling must stop, and start again when it is shown.
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    let stoppedWhenHidden = true;
    try { await until('sampling to stop while hidden', () => !feed.sampling, 10_000); } catch { stoppedWhenHidden = false; }
    await vscode.commands.executeCommand('containerd.showNamespaceStats', { type: 'namespace', name: ns });
    let resumedWhenShown = true;
    try { await until('sampling to start again', () => feed.sampling, 10_000); } catch { resumedWhenShown = false; }
    sub.dispose();
    opened.panel.dispose();
    await until('sampling to end with the panel', () => !feed.sampling, 10_000);
    // BENCH_PROFILE_FILE: a CPU profile of the baseline window, to see what the extension host does with no panel.
    const profileFile = process.env.BENCH_PROFILE_FILE;
    const baseline = (): Promise<LoadWindow> => measure(Math.min(seconds, 20));
    const idle = profileFile ? await profiled(profileFile, baseline).then(({ result, top }) => {
      hostLog(`bench: baseline profile in ${profileFile}; top self time: ${top.slice(0, 8).map((t) => `${t.fn} ${t.ms.toFixed(0)} ms`).join('; ')}`);
      return result;
    }) : await baseline();
    hostLog(`bench: panel closed ${idle.cpuPercent.toFixed(2)} % of one core over ${idle.seconds} s`);
    const result: StatsPanelResult = {
      tasks, idle, panel, ticks, samplesPerTickMin: samples.length ? Math.min(...samples) : 0, samplesPerTickMedian: median(samples),
      stoppedWhenHidden, resumedWhenShown,
    };
    fs.writeFileSync(file, JSON.stringify(result));
  } catch (e) {
    hostLog(`bench: failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    throw e;
  }
}
