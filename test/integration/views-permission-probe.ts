// Run by views-model.test.ts as an unprivileged user (setpriv), bundled into one staged file (that user may not
// enter the checkout): connects through the ConnectionManager to the socket given as argv[2] and prints the first
// failed state and the computed fix as one JSON line.
import { ConnectionManager } from '../../src/session/connection-manager';
import { containerdConnect } from '../../src/session/containerd-connect';
import { permissionFix } from '../../src/session/permission-fix';

const socketPath = process.argv[2] ?? '';
const silent = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const manager = new ConnectionManager({ ...containerdConnect(silent), resolveAddress: () => ({ socketPath, source: 'setting' }), log: silent });
const timer = setTimeout(() => { console.log(JSON.stringify({ kind: 'timeout' })); process.exit(2); }, 20_000);
manager.onDidChangeState((s) => {
  if (s.kind !== 'failed' && s.kind !== 'connected') return;
  clearTimeout(timer);
  const out = s.kind === 'failed'
    ? { kind: s.kind, problem: s.problem, retrying: s.retrying, message: s.error.message, fix: permissionFix(socketPath), uid: process.getuid?.() }
    : { kind: s.kind };
  console.log(JSON.stringify(out));
  manager.dispose();
});
manager.start();
