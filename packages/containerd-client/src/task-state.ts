// The one decision about what a task (or exec process) is doing and what may be done to it. The explorer's icons,
// menus (contextValue) and commands all read it, and so do the run layer's stop and delete, so they never disagree.
import type { TaskStatus } from './types';

/** `notask` when the container has no task; containerd's `pausing` counts as `paused`. */
export type TaskStateKey = 'notask' | 'created' | 'running' | 'paused' | 'stopped' | 'unknown';

export interface TaskState {
  key: TaskStateKey;
  /** It exists and has not exited: it must be killed before its container (or it) is deleted. */
  live: boolean;
  /** It has processes that run or are frozen: ps, metrics and signals reach them. */
  hasProcesses: boolean;
  /** Exec and Open Shell need a running task. */
  canExec: boolean;
  canPause: boolean;
  canResume: boolean;
  /** A stopped task can only be deleted; Start deletes it first. */
  exited: boolean;
}

export function taskState(p: { status: TaskStatus } | undefined): TaskState {
  const key: TaskStateKey = !p ? 'notask' : p.status === 'pausing' ? 'paused' : p.status;
  return {
    key,
    live: key !== 'notask' && key !== 'stopped',
    hasProcesses: key === 'running' || key === 'paused',
    canExec: key === 'running',
    canPause: key === 'running',
    canResume: key === 'paused',
    exited: key === 'stopped',
  };
}
