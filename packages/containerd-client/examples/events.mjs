// Prints containerd's events (all namespaces) as they happen, one line each, and stops after `count` of them.
// Usage: node events.mjs [socket] [count]
import { connect } from '@containerd-explorer/client';

const client = await connect({ address: process.argv[2] });
const count = Number(process.argv[3] ?? Infinity);
const ac = new AbortController();
let seen = 0;
console.log('subscribed');
try {
  for await (const event of client.events.subscribe({ signal: ac.signal })) {
    console.log(`${event.namespace} ${event.topic} ${JSON.stringify(event.payload)}`);
    if (++seen >= count) ac.abort(); // the loop ends quietly on abort
  }
} finally {
  client.close();
}
