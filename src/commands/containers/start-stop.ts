// Start, Stop and Restart. A TTY container starts inside a new integrated terminal (its task is created when the
// terminal opens, at the terminal's size); a detached one writes to its log file. Stop sends the stop signal,
// waits `containerd.stopTimeoutSeconds`, then SIGKILLs, and deletes the task (and its FIFOs).
import * as vscode from 'vscode';
import { startContainer, stopContainer, type ContainerdClient, taskState } from '@containerd-explorer/client';
import { cniSettings } from '../../settings/cni-settings';
import { ProcessPty } from '../../terminals/process-pty';
import { taskSession } from '../../terminals/sessions';
import { clientFor, plural } from '../shared/command-deps';
import {
  fifoDir, isLive, logPathOf, logsRoot, stopTimeoutMs, sweepFifoDirs, targetContainers, taskTerminalKey, type ContainerRef, type RunContext,
} from './run-context';

export interface StartResult { namespace: string; id: string; tty: boolean; pid: number; logPath?: string; terminal?: string; pty?: ProcessPty }

/** Opens a terminal that starts the TTY task of `ref`; resolves once the task runs (rejects if it cannot start). */
async function startInTerminal(run: RunContext, client: ContainerdClient, ref: ContainerRef): Promise<StartResult> {
  const pty = new ProcessPty({
    banner: `Container ${ref.id}: closing this terminal detaches from the task; it keeps running (Attach Terminal reconnects, Stop ends it).`,
    start: async (size) => {
      const started = await startContainer(client, ref.id, { fifoBaseDir: fifoDir(run, ref), cni: cniSettings() });
      if (size) await started.handle.resize(size.width, size.height).catch(() => undefined);
      return taskSession(started.handle);
    },
    onError: (m) => run.deps.log.warn(`${ref.id}: ${m}`),
  });
  const { name } = run.terminals.open(ref.id, taskTerminalKey(ref), pty, 'vm');
  await pty.ready;
  const task = await client.tasks.get(ref.id);
  return { namespace: ref.namespace, id: ref.id, tty: true, pid: task.pid, terminal: name, pty };
}

export async function startOne(run: RunContext, ref: ContainerRef): Promise<StartResult> {
  const client = await clientFor(run.deps, ref.namespace);
  const container = await client.containers.get(ref.id);
  const current = await client.tasks.get(ref.id).catch(() => undefined);
  await sweepFifoDirs(run, ref, current && taskState(current).live ? [current.stdin, current.stdout] : []);
  const tty = (container.spec as { process?: { terminal?: boolean } } | undefined)?.process?.terminal === true;
  if (tty) {
    if (current && taskState(current).live) throw new Error(`${ref.id} is already ${current.status}: use Attach Terminal to see it`);
    return startInTerminal(run, client, ref);
  }
  const started = await startContainer(client, ref.id, { logPath: logPathOf(run, ref, container), logDir: logsRoot(run), cni: cniSettings() });
  return { namespace: ref.namespace, id: ref.id, tty: false, pid: started.handle.pid, logPath: started.logPath };
}

function announce(run: RunContext, results: StartResult[]): void {
  const detached = results.filter((r) => !r.tty);
  if (!detached.length) return;
  const what = detached.length === 1 ? `${detached[0].id} (pid ${detached[0].pid})` : plural(detached.length, 'container');
  void run.deps.host().info(`Started ${what}. Output goes to its log file.`, 'Show Logs').then((c) => {
    if (c) void vscode.commands.executeCommand('containerd.showLogs', { type: 'container', namespace: detached[0].namespace, id: detached[0].id });
  });
}

async function startCommand(run: RunContext, arg: unknown, all: unknown): Promise<StartResult[]> {
  const refs = await targetContainers(run, arg, all, 'Start containers', true, (t) => !isLive(t));
  const results: StartResult[] = [];
  for (const ref of refs) results.push(await startOne(run, ref));
  announce(run, results);
  return results;
}

export interface StopResultInfo { id: string; exitStatus?: number; killed: boolean }

async function stopOne(run: RunContext, ref: ContainerRef): Promise<StopResultInfo> {
  const client = await clientFor(run.deps, ref.namespace);
  const r = await stopContainer(client, ref.id, { timeoutMs: stopTimeoutMs() });
  await sweepFifoDirs(run, ref, []);
  return { id: ref.id, exitStatus: r.exit?.exitStatus, killed: r.killed };
}

async function stopCommand(run: RunContext, arg: unknown, all: unknown): Promise<StopResultInfo[]> {
  const refs = await targetContainers(run, arg, all, 'Stop containers', true, isLive);
  const secs = stopTimeoutMs() / 1000;
  const what = refs.length === 1 ? refs[0].id : plural(refs.length, 'container');
  const results = await run.deps.host().withProgress({ title: `Stopping ${what} (SIGKILL after ${secs} s)` },
    () => Promise.all(refs.map((r) => stopOne(run, r))));
  const killed = results.filter((r) => r.killed).map((r) => r.id);
  if (killed.length) run.deps.host().warn(`${killed.join(', ')} did not stop within ${secs} s of the stop signal and ${killed.length === 1 ? 'was' : 'were'} killed (SIGKILL).`);
  return results;
}

async function restartCommand(run: RunContext, arg: unknown, all: unknown): Promise<StartResult[]> {
  const refs = await targetContainers(run, arg, all, 'Restart containers', true, () => true);
  const results: StartResult[] = [];
  await run.deps.host().withProgress({ title: `Restarting ${refs.map((r) => r.id).join(', ')}` }, async () => {
    for (const ref of refs) {
      await stopOne(run, ref);
      results.push(await startOne(run, ref));
    }
  });
  announce(run, results);
  return results;
}

export const startStopHandlers = {
  start: startCommand,
  stop: stopCommand,
  restart: restartCommand,
};
