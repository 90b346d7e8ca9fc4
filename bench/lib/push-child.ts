// The push benchmark's "ours" side, in a process of its own: `node push-child.js <socket> <namespace> <image>
// <reference> [auto|client|transfer]` pushes once and prints CHILD_RESULT {json}. It loads the shipped bundle,
// packages/containerd-client/dist/index.js, else the compiled sources.
import { performance } from 'node:perf_hooks';
import { loadClientApi } from './client-api';


export interface PushChildResult {
  pushMs: number;
  bundle: boolean;
  /** user + system CPU of the whole process, and of the push() call alone. */
  cpuMs: number;
  pushCpuMs: number;
  /** Which push ran (`transfer` or `client`). */
  method: string;
}

async function main(): Promise<void> {
  const [address, namespace, image, reference, methodArg] = process.argv.slice(2);
  const { api, bundle } = loadClientApi();
  const client = await api.connect({ address, namespace });
  const requested = methodArg === 'client' || methodArg === 'transfer' ? methodArg : 'auto';
  let method: string = requested;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await api.push(client, reference, { image, method: requested, onMethod: (c) => { method = c.method; } });
  const pushCpu = process.cpuUsage(cpu0);
  const pushMs = performance.now() - t0;
  client.close();
  const cpu = process.cpuUsage();
  const result: PushChildResult = { pushMs, bundle, cpuMs: (cpu.user + cpu.system) / 1000, pushCpuMs: (pushCpu.user + pushCpu.system) / 1000, method };
  console.log(`CHILD_RESULT ${JSON.stringify(result)}`);
}

if (require.main === module) main().catch((e: unknown) => { console.error(e); process.exit(1); });
