// Run by doctor.test.ts as an unprivileged user (setpriv), bundled into one staged file: runs Check Setup against
// the socket given as argv[2] with the extension's per-user permission fix and prints the report as one JSON line.
import { runDoctor } from '../../packages/containerd-client/src';
import { permissionFix } from '../../src/session/permission-fix';

runDoctor({ socketPath: process.argv[2] ?? '', configPath: process.argv[3], permissionFix })
  .then((r) => { console.log(JSON.stringify({ uid: process.getuid?.(), report: r })); })
  .catch((e: unknown) => { console.error(e); process.exit(1); });
