// Show Logs: a terminal that prints the container's log and follows new lines. Finds the log through the task's
// `file://` stdout, our log-path label, nerdctl's labels, or the default place we write detached output to.
import * as fs from 'node:fs';
import { findLogSource, NotFoundError, type LogSource, type TaskProcess } from '@containerd-explorer/client';
import { LogPty } from '../../terminals/log-pty';
import { clientFor } from '../shared/command-deps';
import { defaultLogPath, logsRoot, targetContainers, type RunContext } from './run-context';

export interface LogsResult { terminal: string; path: string; pty?: LogPty }

export async function showLogsCommand(run: RunContext, arg: unknown, all: unknown): Promise<LogsResult> {
  const [ref] = await targetContainers(run, arg, all, 'Show logs of', false, () => true);
  const key = `logs:${ref.namespace}/${ref.id}`;
  const open = run.terminals.find(key);
  const client = await clientFor(run.deps, ref.namespace);
  const container = await client.containers.get(ref.id);
  let task: TaskProcess | undefined;
  try { task = await client.tasks.get(ref.id); } catch (e) { if (!(e instanceof NotFoundError)) throw e; }
  // Our label is read only inside our own log directory: a hostile label must not show an arbitrary host file.
  const found = findLogSource(container, task, ref.namespace, { logDir: logsRoot(run) });
  let source = found.source;
  const fallback = defaultLogPath(run, ref);
  if (!source && fs.existsSync(fallback)) source = { path: fallback, format: 'raw', origin: 'label' } satisfies LogSource;
  if (!source) throw new Error(`No log to show: ${found.why ?? 'unknown reason'}`);
  if (open) {
    open.show();
    return { terminal: open.name, path: source.path };
  }
  const pty = new LogPty(source, ref.id);
  const { name } = run.terminals.open(`${ref.id}: logs`, key, pty, 'output');
  return { terminal: name, path: source.path, pty };
}
