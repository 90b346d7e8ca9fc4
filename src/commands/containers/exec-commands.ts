// Open Shell, Exec… and Attach Terminal. Shells and TTY execs run in integrated terminals (several at once, named
// `<container>: <command>`); a one-shot exec without a TTY prints to the "Containerd Exec" output channel. Exec…
// asks for the command and the mode only; the exec id is generated (chosen under "More options…").
import * as path from 'node:path';
import { attachTask, execProcess, joinCommandLine, newExecId, openShell, splitCommandLine, identifierProblem } from '@containerd-explorer/client';
import { ProcessPty } from '../../terminals/process-pty';
import { attachedSession, execSession } from '../../terminals/sessions';
import { clientFor } from '../shared/command-deps';
import { Cancelled } from '../shared/host';
import { fifoDir, isRunning, targetContainers, taskTerminalKey, type ContainerRef, type RunContext } from './run-context';

export interface ExecResult { terminal?: string; execId: string; exitStatus?: number; output?: string; pty?: ProcessPty }

const execFifoDir = (run: RunContext, ref: ContainerRef): string => path.join(fifoDir(run, ref), 'exec');

async function openShellCommand(run: RunContext, arg: unknown, all: unknown): Promise<ExecResult> {
  const [ref] = await targetContainers(run, arg, all, 'Open a shell in', false, isRunning);
  const client = await clientFor(run.deps, ref.namespace);
  const execId = newExecId('shell');
  // Started before the terminal exists, so the terminal can be named after the shell that was found.
  const { handle, shell } = await openShell(client, ref.id, { execId, fifoBaseDir: execFifoDir(run, ref) });
  const pty = new ProcessPty({
    start: async (size) => {
      if (size) await handle.resize(size.width, size.height).catch(() => undefined);
      return execSession(handle);
    },
    onError: (m) => run.deps.log.warn(`${ref.id} ${execId}: ${m}`),
  });
  const { name } = run.terminals.open(`${ref.id}: ${shell}`, `exec:${ref.namespace}/${ref.id}/${execId}`, pty);
  await pty.ready;
  return { terminal: name, execId, pty };
}

async function askExec(run: RunContext, ref: ContainerRef): Promise<{ args: string[]; tty: boolean; execId: string }> {
  const p = run.deps.host();
  const line = await p.input({
    title: `Exec in ${ref.id}: command`, placeHolder: 'e.g. ps aux, or redis-cli ping',
    prompt: 'Split like a shell would, without running one (use sh -c "…" for pipes and variables)',
    validateInput: (v) => {
      try { return splitCommandLine(v).length ? undefined : 'Enter a command'; } catch (e) { return (e as Error).message; }
    },
  });
  if (!line) throw new Cancelled();
  const args = splitCommandLine(line);
  const modes = [
    { label: 'Terminal (TTY)', description: 'interactive, in an integrated terminal', tty: true, more: false },
    { label: 'Output channel', description: 'one-shot, no TTY: output in the Containerd Exec channel', tty: false, more: false },
  ];
  const title = `Exec ${joinCommandLine(args)} in ${ref.id}`;
  let mode = (await p.pick([...modes, { label: 'More options…', description: 'choose the exec id', tty: false, more: true }], { title }))?.[0];
  if (!mode) throw new Cancelled();
  // The exec id only names the process in containerd (Tasks view, ctr): generated unless asked for.
  let execId = newExecId();
  if (mode.more) {
    const chosen = (await p.input({
      title: `${title}: exec id`, value: execId, prompt: 'Names the process in containerd (Tasks view, ctr task ps)',
      validateInput: (v) => identifierProblem(v.trim(), 'exec id'),
    }))?.trim();
    if (!chosen) throw new Cancelled();
    execId = chosen;
    mode = (await p.pick(modes, { title }))?.[0];
    if (!mode) throw new Cancelled();
  }
  return { args, tty: mode.tty, execId };
}

async function oneShot(run: RunContext, ref: ContainerRef, args: string[], execId: string): Promise<ExecResult> {
  const client = await clientFor(run.deps, ref.namespace);
  const out = run.execOutput;
  out.show(true);
  out.appendLine(`[${ref.id}] $ ${joinCommandLine(args)}   (exec ${execId})`);
  const handle = await execProcess(client, ref.id, { args, tty: false, execId, fifoBaseDir: execFifoDir(run, ref) });
  let text = '';
  const append = (b: Buffer): void => { const s = b.toString('utf8'); text += s; out.append(s); };
  handle.io?.stdout.on('data', append);
  handle.io?.stderr?.on('data', append);
  try {
    const { exitStatus } = await handle.exited;
    out.appendLine(`[${ref.id}] exit code ${exitStatus}`);
    return { execId, exitStatus, output: text };
  } finally {
    await handle.delete();
  }
}

async function execCommand(run: RunContext, arg: unknown, all: unknown, scripted?: { args: string[]; tty: boolean; execId?: string }): Promise<ExecResult> {
  const [ref] = await targetContainers(run, arg, all, 'Exec in', false, isRunning);
  const a = scripted ? { ...scripted, execId: scripted.execId ?? newExecId() } : await askExec(run, ref);
  if (!a.tty) return oneShot(run, ref, a.args, a.execId);
  const client = await clientFor(run.deps, ref.namespace);
  // Started by the terminal: a command that is not in the image is reported inside it.
  const pty = new ProcessPty({
    start: async (size) => execSession(await execProcess(client, ref.id, { args: a.args, tty: true, execId: a.execId, size, fifoBaseDir: execFifoDir(run, ref) })),
    onError: (m) => run.deps.log.warn(`${ref.id} ${a.execId}: ${m}`),
  });
  const { name } = run.terminals.open(`${ref.id}: ${path.posix.basename(a.args[0])}`, `exec:${ref.namespace}/${ref.id}/${a.execId}`, pty);
  await pty.ready;
  return { terminal: name, execId: a.execId, pty };
}

async function attachCommand(run: RunContext, arg: unknown, all: unknown): Promise<ExecResult> {
  const [ref] = await targetContainers(run, arg, all, 'Attach a terminal to', false, isRunning);
  const key = taskTerminalKey(ref);
  const open = run.terminals.find(key);
  if (open) {
    open.show();
    return { terminal: open.name, execId: '' };
  }
  const client = await clientFor(run.deps, ref.namespace);
  const attached = await attachTask(client, ref.id);
  const pty = new ProcessPty({
    banner: `Attached to ${ref.id}: closing this terminal detaches; the task keeps running. Press Enter for a prompt.`,
    start: async (size) => {
      if (size) await attached.resize(size.width, size.height).catch(() => undefined);
      return attachedSession(attached);
    },
  });
  const { name } = run.terminals.open(ref.id, key, pty, 'vm');
  await pty.ready;
  return { terminal: name, execId: '', pty };
}

export const execHandlers = { shell: openShellCommand, exec: execCommand, attach: attachCommand };
