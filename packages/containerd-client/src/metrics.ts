// Task metrics arrive as Any: io.containerd.cgroups.v1.Metrics on cgroup v1 hosts, io.containerd.cgroups.v2.Metrics on v2.
import { decodeAny, type RawAny } from './grpc/convert';

export interface TaskMetrics {
  containerId: string;
  timestamp?: Date;
  cgroup: 'v1' | 'v2' | 'unknown';
  cpu?: { usageNs: number; userNs: number; kernelNs: number };
  memory?: { usageBytes: number; limitBytes: number; rssBytes?: number; cacheBytes?: number };
  pids?: { current: number; limit: number };
  /** The decoded message as containerd sent it, for the detailed view. */
  raw?: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const num = (v: unknown): number => Number(v ?? 0) || 0;

export function decodeMetrics(containerId: string, timestamp: Date | undefined, data: RawAny | null | undefined): TaskMetrics {
  const decoded = decodeAny(data);
  if (!decoded) return { containerId, timestamp, cgroup: 'unknown' };
  const m = decoded.value;
  if (decoded.typeUrl.endsWith('cgroups.v1.Metrics')) {
    const cpu = obj(obj(m.cpu).usage);
    const mem = obj(m.memory);
    const usage = obj(mem.usage);
    return {
      containerId, timestamp, cgroup: 'v1', raw: m,
      cpu: { usageNs: num(cpu.total), userNs: num(cpu.user), kernelNs: num(cpu.kernel) },
      memory: { usageBytes: num(usage.usage), limitBytes: num(usage.limit), rssBytes: num(mem.rss), cacheBytes: num(mem.cache) },
      pids: { current: num(obj(m.pids).current), limit: num(obj(m.pids).limit) },
    };
  }
  if (decoded.typeUrl.endsWith('cgroups.v2.Metrics')) {
    const cpu = obj(m.cpu);
    const mem = obj(m.memory);
    return {
      containerId, timestamp, cgroup: 'v2', raw: m,
      cpu: { usageNs: num(cpu.usage_usec) * 1000, userNs: num(cpu.user_usec) * 1000, kernelNs: num(cpu.system_usec) * 1000 },
      memory: { usageBytes: num(mem.usage), limitBytes: num(mem.usage_limit), rssBytes: num(mem.anon), cacheBytes: num(mem.file) },
      pids: { current: num(obj(m.pids).current), limit: num(obj(m.pids).limit) },
    };
  }
  return { containerId, timestamp, cgroup: 'unknown', raw: m };
}
