// The run commands: Create Container…, Start, Stop, Restart, Open Shell, Exec…, Show Logs, Attach Terminal.
// Handlers return what they did (container ids, terminal names, exit codes) so tests can check it.
import type * as vscode from 'vscode';
import { TerminalManager } from '../../terminals/terminal-manager';
import { registerCommand, type CommandDeps } from '../shared/command-deps';
import { createContainerCommand } from './create-container';
import { execHandlers } from './exec-commands';
import { showLogsCommand } from './logs-commands';
import { sweepFifoDirs, type RunContext } from './run-context';
import { startOne, startStopHandlers } from './start-stop';

/** Exec without prompts (tests, other extensions): `{ args, tty, execId? }` as the third argument. */
function scriptedExec(v: unknown): { args: string[]; tty: boolean; execId?: string } | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as { args?: unknown; tty?: unknown; execId?: unknown };
  if (!Array.isArray(o.args) || !o.args.every((a) => typeof a === 'string')) return undefined;
  return { args: o.args as string[], tty: o.tty === true, execId: typeof o.execId === 'string' ? o.execId : undefined };
}

export function registerRunCommands(deps: CommandDeps): vscode.Disposable[] {
  // Terminals and the exec channel come from the host in use when they are opened (tests record them).
  const terminals = new TerminalManager((options) => deps.host().createTerminal(options));
  const execOutput = deps.host().createOutputChannel('Containerd Exec');
  const run: RunContext = { deps, terminals, execOutput };
  // A task deleted elsewhere (ctr, the Tasks view) may leave FIFO dirs of ours behind: sweep them.
  const sweeper = deps.hub.onDidReceiveEvent((ev) => {
    if (ev.topic !== '/tasks/delete' || ev.payload.id) return;
    const ref = { namespace: ev.namespace, id: ev.payload.containerId };
    void (async () => {
      const client = deps.connection.client?.withNamespace(ref.namespace);
      const t = await client?.tasks.get(ref.id).catch(() => undefined);
      await sweepFifoDirs(run, ref, t ? [t.stdin, t.stdout] : []);
    })().catch((e: unknown) => deps.log.warn(`FIFO sweep for ${ref.id}: ${String(e)}`));
  });
  return [
    terminals, execOutput, sweeper,
    registerCommand(deps, 'containerd.createContainer', (arg) => createContainerCommand(run, arg, (namespace, id) => startOne(run, { namespace, id }))),
    registerCommand(deps, 'containerd.startContainer', (arg, all) => startStopHandlers.start(run, arg, all)),
    registerCommand(deps, 'containerd.stopContainer', (arg, all) => startStopHandlers.stop(run, arg, all)),
    registerCommand(deps, 'containerd.restartContainer', (arg, all) => startStopHandlers.restart(run, arg, all)),
    registerCommand(deps, 'containerd.openShell', (arg, all) => execHandlers.shell(run, arg, all)),
    registerCommand(deps, 'containerd.execInContainer', (arg, all, scripted) => execHandlers.exec(run, arg, all, scriptedExec(scripted))),
    registerCommand(deps, 'containerd.attachContainer', (arg, all) => execHandlers.attach(run, arg, all)),
    registerCommand(deps, 'containerd.showLogs', (arg, all) => showLogsCommand(run, arg, all)),
  ];
}
