// Child of the "not permitted" networking test, run by setpriv without CAP_SYS_ADMIN and CAP_NET_ADMIN: creates a
// container on a CNI network and prints the outcome as one JSON line ({name, message} of the error, or {name: "ok"}).
import { connect } from '../../packages/containerd-client/src';
import { createContainer, type CreateContainerOptions } from '../../packages/containerd-client/src/run';
import { runcOptions } from '../harness/client-setup';

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as CreateContainerOptions & { address: string; namespace: string; runcRoot: string };
  const client = await connect({ address: args.address, namespace: args.namespace });
  try {
    await createContainer(client, { ...args, runtimeOptions: runcOptions(args.runcRoot) });
    console.log(JSON.stringify({ name: 'ok' }));
  } catch (e) {
    console.log(JSON.stringify({ name: (e as Error).name, message: (e as Error).message }));
  } finally {
    client.close();
  }
}

void main();
