// connect(): the real daemon answers; every kind of wrong socket is explained with a typed ConnectionError.
// Also version/introspection and namespace views sharing one channel.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, type ContainerdClient } from '../../packages/containerd-client/src';
import { ConnectionError, UnavailableError } from '../../packages/containerd-client/src/errors';
import { sharedDaemon, startFakeSocket, waitFor, type Daemon, type FakeSocketKind } from '../harness';

function connectionError(problem: ConnectionError['problem'], socketPath: string, message: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof ConnectionError, `expected ConnectionError, got ${String(e)}`);
    assert.ok(e instanceof UnavailableError);
    assert.equal(e.problem, problem);
    assert.equal(e.socketPath, socketPath);
    assert.match(e.message, message);
    return true;
  };
}

describe('client: connecting', function () {
  let daemon: Daemon;
  let client: ContainerdClient & { daemonVersion?: { version: string; revision: string } };
  let scratch: string;

  before(async function () {
    this.timeout(60_000);
    daemon = await sharedDaemon();
    client = await connect({ address: `unix://${daemon.address}`, namespace: 'conn-test' });
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'client-conn-'));
  });
  after(() => {
    client.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('connects to the private containerd and reports its version (same as `containerd --version`)', async () => {
    const cli = execFileSync(daemon.flavour.containerd, ['--version'], { encoding: 'utf8' });
    // 1.6: "containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3";
    // 2.x: "containerd github.com/containerd/containerd/v2 2.1.9+unknown" (no revision: it comes back as '').
    const [, , version, revision = ''] = cli.trim().split(/\s+/);
    assert.equal(daemon.serverVersion, version);
    assert.deepEqual(client.daemonVersion, { version, revision });
    assert.deepEqual(await client.version.version(), { version, revision });
    assert.equal(client.address, `unix://${daemon.address}`);
    assert.equal(client.connection.socketPath, daemon.address);
    assert.equal(client.namespace, 'conn-test');
  });

  it('lists plugins (with filters and init errors) and the server uuid', async () => {
    const plugins = await client.introspection.plugins();
    const ids = plugins.map((p) => `${p.type}/${p.id}`);
    for (const want of ['io.containerd.snapshotter.v1/overlayfs', 'io.containerd.runtime.v2/task', 'io.containerd.grpc.v1/tasks', 'io.containerd.differ.v1/walking']) {
      assert.ok(ids.includes(want), `${want} in ${ids.join(', ')}`);
    }
    assert.ok(!ids.includes('io.containerd.grpc.v1/cri'), 'disabled in the harness config');
    const snapshotters = await client.introspection.plugins(['type==io.containerd.snapshotter.v1']);
    assert.ok(snapshotters.length >= 2 && snapshotters.every((p) => p.type === 'io.containerd.snapshotter.v1'));
    const overlay = snapshotters.find((p) => p.id === 'overlayfs');
    assert.equal(overlay?.initError, undefined);
    assert.deepEqual(overlay?.platforms.map((p) => p.os), ['linux']);
    // Some snapshotters cannot start on this machine (no btrfs/zfs/devmapper); their init error comes through.
    assert.ok(snapshotters.some((p) => typeof p.initError === 'string' && p.initError.length > 0));
    const { uuid } = await client.introspection.server();
    assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('namespace views share the channel and carry their own namespace', async () => {
    const a = client.withNamespace('conn-a');
    const b = a.withNamespace('conn-b');
    assert.equal(a.connection, client.connection);
    assert.equal(b.connection, client.connection);
    await a.leases.create({ id: 'only-in-a' });
    assert.deepEqual((await a.leases.list()).map((l) => l.id), ['only-in-a']);
    assert.deepEqual(await b.leases.list(), []);
    await a.leases.delete('only-in-a');
    for (const ns of ['conn-a']) await client.namespaces.delete(ns);
  });

  it('a socket path that does not exist: ConnectionError "missing"', async () => {
    const missing = path.join(scratch, 'no-such-dir', 'containerd.sock');
    await assert.rejects(connect({ address: missing }), connectionError('missing', missing, /^containerd is not running at .*no-such-dir\/containerd\.sock: the socket does not exist\. Start containerd/));
    await assert.rejects(connect({ address: `unix://${missing}` }), connectionError('missing', missing, /the socket does not exist/));
  });

  it('a file that is not a socket: ConnectionError "not-a-socket"', async () => {
    const file = path.join(scratch, 'plain-file');
    fs.writeFileSync(file, 'x');
    await assert.rejects(connect({ address: file }), connectionError('not-a-socket', file, /is not a unix socket, so it cannot be containerd/));
  });

  it('a socket nobody listens on: ConnectionError "refused"', async () => {
    // A child binds the socket and is SIGKILLed: the file stays, nothing accepts (as after a containerd crash).
    const stale = path.join(scratch, 'stale.sock');
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await waitFor(() => child.exitCode !== null || child.signalCode !== null, 5000);
    assert.ok(fs.statSync(stale).isSocket());
    await assert.rejects(connect({ address: stale }), connectionError('refused', stale, /^containerd is not running at .*stale\.sock: the socket exists but nothing accepts connections/));
  });

  for (const kind of ['http', 'close', 'garbage'] as FakeSocketKind[]) {
    it(`a socket that is not containerd (${kind}): ConnectionError "not-containerd"`, async () => {
      const fake = await startFakeSocket({ kind });
      try {
        await assert.rejects(connect({ address: fake.address }), connectionError('not-containerd', fake.address, /accepts connections but does not answer containerd's gRPC API \(version: .*\)\. Is this really containerd's socket\?/));
        assert.ok(fake.connections() >= 1);
      } finally {
        await fake.stop();
      }
    });
  }

  it('verify: false returns at once; the first call then fails with a typed error', async () => {
    const missing = path.join(scratch, 'later.sock');
    const lazy = await connect({ address: missing, verify: false });
    try {
      await assert.rejects(lazy.version.version({ timeoutMs: 2000 }), (e: unknown) => e instanceof UnavailableError && e.message.startsWith('version: '));
    } finally {
      lazy.close();
    }
  });

  it('a closed client fails calls with UnavailableError', async () => {
    const c = await connect({ address: daemon.address });
    c.close();
    assert.equal(c.connection.isClosed, true);
    await assert.rejects(c.version.version(), (e: unknown) => e instanceof UnavailableError && /the client was closed/.test(e.message));
    await assert.rejects(c.withNamespace('x').containers.list(), UnavailableError);
  });
});
