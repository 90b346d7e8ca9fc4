// Run by pull-lease-sweep.test.ts as a process of its own: another window's pull that is still running. Pulls
// argv[4] into namespace argv[3] of the containerd at argv[2]; the test kills it while its download stalls.
import { connect, pull } from '../../packages/containerd-client/src';

async function main(): Promise<void> {
  const [address, namespace, reference] = process.argv.slice(2);
  const client = await connect({ address, namespace });
  await pull(client, reference);
  client.close();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
