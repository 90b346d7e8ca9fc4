// Inside the extension host: the extension's API with its views on screen and synced, and `ctr` timed as a whole
// process (spawn to exit) against the benchmark's private containerd.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { ExplorerApi } from '../../src/extension';

export const EXTENSION_ID = 'containerd-explorer.containerd-explorer';

export function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through bench/views-*.js`);
  return v;
}

/** Activates the extension, shows its views (which subscribes to events) and waits for the first full listing. */
export async function explorer(timeoutMs = 300_000): Promise<{ api: ExplorerApi; syncMs: number }> {
  const ext = vscode.extensions.getExtension<ExplorerApi | undefined>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  const api = await ext.activate();
  if (!api) throw new Error('activate() returned no API: the extension failed to start');
  const t0 = performance.now();
  for (const view of ['namespaces', 'images', 'containers', 'tasks']) await vscode.commands.executeCommand(`containerd.${view}.focus`);
  await api.hub.whenSynced(timeoutMs);
  await api.model.whenIdle();
  return { api, syncMs: performance.now() - t0 };
}

export interface TimedCtr { startAt: number; exitAt: number; code: number; stderr: string }

/** Runs ctr against $CONTAINERD_ADDRESS in $CONTAINERD_NAMESPACE; stdout is read and dropped, as a terminal would. */
export function timedCtr(args: string[]): Promise<TimedCtr> {
  return new Promise((resolve, reject) => {
    const argv = ['--address', env('CONTAINERD_ADDRESS'), '--namespace', env('CONTAINERD_NAMESPACE'), ...args];
    const startAt = performance.now();
    const child = spawn('ctr', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let exitAt = 0;
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('exit', () => { exitAt = performance.now(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ startAt, exitAt: exitAt || performance.now(), code: code ?? 1, stderr }));
  });
}

export async function ctrOk(args: string[]): Promise<TimedCtr> {
  const r = await timedCtr(args);
  if (r.code !== 0) throw new Error(`ctr ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r;
}
