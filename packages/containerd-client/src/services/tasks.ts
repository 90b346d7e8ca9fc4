// containerd.services.tasks.v1: processes of containers (the init task and execs). Stdio is paths (FIFOs or log URIs).
import { constants as osConstants } from 'node:os';
import * as protobuf from 'protobufjs';
import type { CallOptions } from '../call-options';
import type { Rpc } from '../grpc/rpc';
import { fromMount, jsonAny, toDate, type RawAny, type RawTimestamp } from '../grpc/convert';
import { FailedPreconditionError, InvalidArgumentError } from '../errors';
import type { ExitStatus, Mount, ProcessInfo, TaskProcess, TaskStatus } from '../types';
import { decodeMetrics, type TaskMetrics } from '../metrics';

export const PROCESS_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/Process';

interface RawProcess {
  container_id: string; id: string; pid: number; status: string; stdin: string; stdout: string; stderr: string;
  terminal: boolean; exit_status: number; exited_at?: RawTimestamp;
}

/**
 * containerd 1.6 leaves `container_id` empty and puts the task's own id in `id` (the container id for an init
 * process, the exec id for an exec), so the caller says which process it asked for.
 */
const toProcess = (p: RawProcess, containerId = p.container_id || p.id, execId = ''): TaskProcess => ({
  containerId, id: execId, pid: p.pid, status: (p.status ?? 'UNKNOWN').toLowerCase() as TaskStatus,
  stdin: p.stdin, stdout: p.stdout, stderr: p.stderr, terminal: p.terminal, exitStatus: p.exit_status, exitedAt: toDate(p.exited_at),
});

/** Stdio of a new process: FIFO paths (see fifo.ts), a `file:///` or `binary:///` log URI for stdout/stderr, or ''. */
export interface TaskIO { stdin?: string; stdout?: string; stderr?: string; terminal?: boolean }

/** Accepts 9, 'KILL', 'SIGKILL' or 'sigkill'. */
export function signalNumber(signal: number | string): number {
  if (typeof signal === 'number') return signal;
  const name = signal.toUpperCase().startsWith('SIG') ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`;
  const n = (osConstants.signals as Record<string, number>)[name];
  if (n === undefined) {
    if (/^\d+$/.test(signal)) return Number(signal);
    throw new InvalidArgumentError(`unknown signal "${signal}": use a name like SIGTERM or a number`);
  }
  return n;
}

/**
 * The exec id in runc's `containerd.runc.v1.ProcessDetails { string exec_id = 1; }`, which ListPids attaches to
 * exec processes. That type is not in our protos, so its one field is read by hand.
 */
function runcExecId(info: RawAny | null | undefined): string | undefined {
  if (!info?.value?.length || !info.type_url.endsWith('containerd.runc.v1.ProcessDetails')) return undefined;
  const r = protobuf.Reader.create(info.value);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) return r.string();
    r.skipType(tag & 7);
  }
  return undefined;
}

export class TasksService {
  /** @internal */
  constructor(private readonly rpc: Rpc) {}

  /** Creates the init process (not started). `rootfs`: the container snapshot's mounts (containerd does not look them up; startTask does). */
  async create(containerId: string, io: TaskIO = {}, extra: { rootfs?: Mount[]; runtimePath?: string } & CallOptions = {}): Promise<number> {
    const req = {
      container_id: containerId, rootfs: (extra.rootfs ?? []).map(fromMount), stdin: io.stdin ?? '', stdout: io.stdout ?? '',
      stderr: io.stderr ?? '', terminal: io.terminal ?? false, runtime_path: extra.runtimePath ?? '',
    };
    const res = await this.rpc.unary<{ pid: number }>('Create', req, { timeoutMs: 120_000, ...extra }, `tasks.create "${containerId}"`);
    return res.pid;
  }

  async start(containerId: string, execId = '', opts?: CallOptions): Promise<number> {
    const res = await this.rpc.unary<{ pid: number }>('Start', { container_id: containerId, exec_id: execId }, opts, `tasks.start "${containerId}${execId ? `/${execId}` : ''}"`);
    return res.pid;
  }

  /**
   * Deletes a stopped task and returns its exit status. containerd refuses a live one with UNKNOWN "cannot delete
   * a running process"; like containerd's Go client, this checks first and says FailedPrecondition.
   */
  async delete(containerId: string, opts?: CallOptions): Promise<ExitStatus> {
    const current = await this.get(containerId, '', opts);
    if (current.status === 'running' || current.status === 'paused' || current.status === 'pausing') {
      throw new FailedPreconditionError(`tasks.delete "${containerId}": the task is ${current.status} (pid ${current.pid}): kill it and wait for it to exit first`);
    }
    const res = await this.rpc.unary<{ exit_status: number; exited_at?: RawTimestamp }>('Delete', { container_id: containerId }, opts, `tasks.delete "${containerId}"`);
    return { exitStatus: res.exit_status, exitedAt: toDate(res.exited_at) };
  }

  async deleteProcess(containerId: string, execId: string, opts?: CallOptions): Promise<ExitStatus> {
    const res = await this.rpc.unary<{ exit_status: number; exited_at?: RawTimestamp }>('DeleteProcess', { container_id: containerId, exec_id: execId }, opts, `tasks.deleteProcess "${containerId}/${execId}"`);
    return { exitStatus: res.exit_status, exitedAt: toDate(res.exited_at) };
  }

  async get(containerId: string, execId = '', opts?: CallOptions): Promise<TaskProcess> {
    const res = await this.rpc.unary<{ process: RawProcess }>('Get', { container_id: containerId, exec_id: execId }, opts, `tasks.get "${containerId}${execId ? `/${execId}` : ''}"`);
    return toProcess(res.process, containerId, execId);
  }

  async list(filter = '', opts?: CallOptions): Promise<TaskProcess[]> {
    const res = await this.rpc.unary<{ tasks: RawProcess[] }>('List', { filter }, opts, 'tasks.list');
    return res.tasks.map((t) => toProcess(t));
  }

  async kill(containerId: string, signal: number | string = 'SIGTERM', options: { execId?: string; all?: boolean } & CallOptions = {}): Promise<void> {
    const req = { container_id: containerId, exec_id: options.execId ?? '', signal: signalNumber(signal), all: options.all ?? false };
    await this.rpc.unary('Kill', req, options, `tasks.kill "${containerId}"`);
  }

  /** Adds an exec process (not started). `spec` is an OCI runtime-spec Process. */
  async exec(containerId: string, execId: string, spec: unknown, io: TaskIO, opts?: CallOptions): Promise<void> {
    const req = {
      container_id: containerId, exec_id: execId, stdin: io.stdin ?? '', stdout: io.stdout ?? '', stderr: io.stderr ?? '',
      terminal: io.terminal ?? false, spec: jsonAny(PROCESS_TYPE_URL, spec),
    };
    await this.rpc.unary('Exec', req, opts, `tasks.exec "${containerId}/${execId}"`);
  }

  async resizePty(containerId: string, execId: string, width: number, height: number, opts?: CallOptions): Promise<void> {
    await this.rpc.unary('ResizePty', { container_id: containerId, exec_id: execId, width, height }, opts, `tasks.resizePty "${containerId}"`);
  }

  /** Closes the process's stdin (EOF for the reader inside the container). */
  async closeStdin(containerId: string, execId = '', opts?: CallOptions): Promise<void> {
    await this.rpc.unary('CloseIO', { container_id: containerId, exec_id: execId, stdin: true }, opts, `tasks.closeIO "${containerId}"`);
  }

  async pause(containerId: string, opts?: CallOptions): Promise<void> {
    await this.rpc.unary('Pause', { container_id: containerId }, opts, `tasks.pause "${containerId}"`);
  }

  async resume(containerId: string, opts?: CallOptions): Promise<void> {
    await this.rpc.unary('Resume', { container_id: containerId }, opts, `tasks.resume "${containerId}"`);
  }

  async listPids(containerId: string, opts?: CallOptions): Promise<ProcessInfo[]> {
    const res = await this.rpc.unary<{ processes: { pid: number; info?: RawAny | null }[] }>('ListPids', { container_id: containerId }, opts, `tasks.listPids "${containerId}"`);
    return res.processes.map((p) => {
      const execId = runcExecId(p.info);
      return { pid: p.pid, ...(execId ? { execId } : {}) };
    });
  }

  /** Metrics of the given containers' tasks (all tasks when empty), decoded for cgroup v1 and v2. */
  async metrics(containerIds: string[] = [], opts?: CallOptions): Promise<TaskMetrics[]> {
    const filters = containerIds.map((id) => `id==${id}`);
    const res = await this.rpc.unary<{ metrics: { timestamp?: RawTimestamp; id: string; data?: RawAny | null }[] }>('Metrics', { filters }, opts, 'tasks.metrics');
    return res.metrics.map((m) => decodeMetrics(m.id, toDate(m.timestamp), m.data));
  }

  /** Waits for the process to exit; no deadline, cancel with the signal. */
  async wait(containerId: string, execId = '', opts: CallOptions = {}): Promise<ExitStatus> {
    const res = await this.rpc.unary<{ exit_status: number; exited_at?: RawTimestamp }>('Wait', { container_id: containerId, exec_id: execId }, { timeoutMs: 0, ...opts }, `tasks.wait "${containerId}${execId ? `/${execId}` : ''}"`);
    return { exitStatus: res.exit_status, exitedAt: toDate(res.exited_at) };
  }
}
