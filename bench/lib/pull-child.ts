// The benchmark's "ours" side, in a process of its own so its peak RSS is the pull's alone:
// `node pull-child.js <socket> <namespace> <reference> <concurrency> [auto|client|transfer]` pulls once (method
// `auto` by default: Transfer where containerd has it, as the extension's default) and prints CHILD_RESULT {json}.
// It loads the shipped bundle, packages/containerd-client/dist/index.js (what `npm run bench` builds first), else the compiled sources.
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadClientApi } from './client-api';


export interface ChildResult {
  pullMs: number;
  maxRssKb: number;
  bundle: boolean;
  /** user + system CPU of the whole process (start-up included), and of the pull() call alone. */
  cpuMs: number;
  pullCpuMs: number;
  /** Which pull ran (`transfer` or `client`). */
  method: string;
}

/**
 * This process's own peak RSS: VmHWM of its memory map. (getrusage's maxRSS is no good here: Linux folds the
 * parent's high-water mark into it at exec, and the parent holds the whole test image in memory.)
 */
function peakRssKb(): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : process.resourceUsage().maxRSS;
}

async function main(): Promise<void> {
  const [address, namespace, reference, concurrency, methodArg] = process.argv.slice(2);
  const { api, bundle } = loadClientApi();
  const client = await api.connect({ address, namespace });
  const requested = methodArg === 'client' || methodArg === 'transfer' ? methodArg : 'auto';
  let method: string = requested;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await api.pull(client, reference, { concurrency: Number(concurrency) || undefined, method: requested, onMethod: (c) => { method = c.method; } });
  const pullCpu = process.cpuUsage(cpu0);
  const pullMs = performance.now() - t0;
  client.close();
  const cpu = process.cpuUsage();
  const result: ChildResult = {
    pullMs, maxRssKb: peakRssKb(), bundle, cpuMs: (cpu.user + cpu.system) / 1000, pullCpuMs: (pullCpu.user + pullCpu.system) / 1000, method,
  };
  console.log(`CHILD_RESULT ${JSON.stringify(result)}`);
}

if (require.main === module) main().catch((e: unknown) => { console.error(e); process.exit(1); });
