#!/usr/bin/env node
// Smoke test of the bundled client from plain Node: `node esbuild.mjs && node scripts/client-smoke.js (the package's bundle)`.
// Connects to $CONTAINERD_ADDRESS (default /run/containerd/containerd.sock), prints the daemon version and the
// namespaces with their labels. Exit code 1 with the client's explanation when containerd can't be used.
'use strict';
const { connect } = require('../packages/containerd-client/dist/index.js');

async function main() {
  const client = await connect();
  try {
    const version = client.daemonVersion ?? (await client.version.version());
    console.log(`containerd ${version.version} (revision ${version.revision}) at ${client.connection.socketPath}`);
    const namespaces = await client.namespaces.list();
    console.log(`namespaces: ${namespaces.length}`);
    for (const ns of namespaces) {
      const labels = Object.entries(ns.labels).map(([k, v]) => `${k}=${v}`).join(',');
      console.log(`  ${ns.name}${labels ? ` ${labels}` : ''}`);
    }
  } finally {
    client.close();
  }
}

main().catch((e) => {
  console.error(`${e.name}${e.problem ? ` (${e.problem})` : ''}: ${e.message}`);
  process.exit(1);
});
