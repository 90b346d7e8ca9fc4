// The benchmark's "ours" side, in a process of its own so its peak RSS is the pull's alone:
// `node pull-child.js <socket> <namespace> <reference> <concurrency>` pulls once and prints CHILD_RESULT {json}.
import { performance } from 'node:perf_hooks';
import { connect, pull } from '../../src/containerd';

export interface ChildResult { pullMs: number; maxRssKb: number }

async function main(): Promise<void> {
  const [address, namespace, reference, concurrency] = process.argv.slice(2);
  const client = await connect({ address, namespace });
  const t0 = performance.now();
  await pull(client, reference, { concurrency: Number(concurrency) || undefined });
  const pullMs = performance.now() - t0;
  client.close();
  const result: ChildResult = { pullMs, maxRssKb: process.resourceUsage().maxRSS };
  console.log(`CHILD_RESULT ${JSON.stringify(result)}`);
}

if (require.main === module) main().catch((e: unknown) => { console.error(e); process.exit(1); });
