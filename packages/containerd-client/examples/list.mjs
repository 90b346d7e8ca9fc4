// Prints the daemon's version, its namespaces with their labels, and the images of one namespace.
// Usage: node list.mjs [socket] [namespace]   (defaults: $CONTAINERD_ADDRESS, else /run/containerd/containerd.sock; default)
import { connect } from '@containerd-explorer/client';

const client = await connect({ address: process.argv[2], namespace: process.argv[3] });
try {
  const { version, revision } = client.daemonVersion ?? (await client.version.version());
  console.log(`containerd ${version} (revision ${revision})`);
  for (const ns of await client.namespaces.list()) {
    console.log(`namespace ${ns.name}`, JSON.stringify(ns.labels));
  }
  for (const image of await client.images.list()) {
    console.log(`image ${image.name} ${image.target.digest} ${image.target.size}`);
  }
} finally {
  client.close();
}
