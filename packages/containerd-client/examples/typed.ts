// A TypeScript consumer: the package's declarations type every call and error (checked by the pack test with tsc
// --strict). Usage: compile with tsc, then node typed.js [socket]
import { connect, NotFoundError, type Namespace } from '@containerd-explorer/client';

async function main(): Promise<void> {
  const client = await connect({ address: process.argv[2] });
  try {
    const namespaces: Namespace[] = await client.namespaces.list();
    console.log(namespaces.map((ns) => ns.name).join(' '));
    await client.images.get('no-such-image:latest');
  } catch (e) {
    if (e instanceof NotFoundError) console.log(`not found: ${e.message}`);
    else throw e;
  } finally {
    client.close();
  }
}
void main();
