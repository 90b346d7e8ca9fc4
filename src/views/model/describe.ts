// One-line descriptions of images, containers and tasks: the trees' row descriptions and the palette's QuickPick
// details say the same thing, so both read them from here.
import { shortDigest, taskState } from '@containerd-explorer/client';
import { formatBytes, formatLocalTime, parseImageName, shortRuntime, taskStateText } from './format';
import type { ContainerEntry, ImageEntry, TaskEntry } from './types';

/** `tasksKnown` false: Tasks.List has not answered yet, so a missing task means "not known", not "no task". */
export function describeContainer(c: ContainerEntry, task: TaskEntry | undefined, tasksKnown = true): string {
  return [task || tasksKnown ? taskStateText(task?.process, { oom: task?.oom }) : 'task state…', c.image || 'no image', shortRuntime(c.runtime.name), formatLocalTime(c.createdAt)].join(' · ');
}

export function describeImage(entry: ImageEntry): string {
  const { image, details } = entry;
  const parsed = parseImageName(image.name);
  const parts = [shortDigest(image.target.digest)];
  if (parsed.digest && !parsed.tag) parts[0] = `@${shortDigest(parsed.digest)}`;
  parts.push(details ? (details.error ? 'content missing' : formatBytes(details.size)) : '…');
  parts.push(formatLocalTime(image.createdAt));
  if (entry.unpacked === false && !details?.error) parts.push('not unpacked');
  return parts.join(' · ');
}

export function describeTask(task: TaskEntry): string {
  const p = task.process;
  const parts = [taskStateText(p, { pid: true, oom: task.oom })];
  const execs = [...task.execs.values()].filter((e) => taskState(e).hasProcesses).length;
  if (execs) parts.push(`${execs} exec${execs === 1 ? '' : 's'}`);
  return parts.join(' · ');
}
