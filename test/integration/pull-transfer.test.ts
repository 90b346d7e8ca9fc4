// pull() through containerd's Transfer service against the run's private containerd (CONTAINERD_TEST_VERSION=2
// for 2.x): the daemon pulls, our client serves credentials and reads progress over Streaming streams. Errors
// must be the client-side pull's typed errors. Tests that need Transfer skip on 1.6/1.7 runs, saying so; the
// method choice is tested on every version.
import * as assert from 'node:assert/strict';
import { CancelledError, UnimplementedError } from '../../packages/containerd-client/src/errors';
import { pull, type PullProgress } from '../../packages/containerd-client/src/pull';
import {
  NoMatchingPlatformError, RegistryAuthError, RegistryNotFoundError, RegistryUnreachableError, staticCredentials,
} from '../../packages/containerd-client/src/registry';
import { transferSupport, type ChosenPullMethod, type TransferSupport } from '../../packages/containerd-client/src/transfer';
import {
  buildImage, buildMultiPlatformIndex, freePort, pushImage, selectedContainerdVersion, sharedRegistry, type Registry,
} from '../harness';
import { startFaultyRegistry, type FaultyRegistry } from '../harness/faulty-registry';
import { startTokenServer, type TokenServer } from '../harness/token-server';
import { clientEnv, eventually, teardown, type ClientEnv } from '../harness/client-setup';
import { runInImage, storeState, type StoreState } from '../harness/pull-setup';

describe('pull through containerd\'s Transfer service (integration)', function () {
  this.timeout(120_000);
  let env: ClientEnv;
  let registry: Registry;
  let faulty: FaultyRegistry;
  let tokens: TokenServer;
  let support: TransferSupport;
  let empty: StoreState;
  const image = buildImage({
    env: ['VIA=transfer'], layers: [{ files: { '/etc/motd': 'pulled by containerd\n' } }],
    incompressibleLayers: { count: 1, bytesEach: 2_500_000 },
  });
  const top = image.layers[image.layers.length - 1].descriptor;
  const arm = buildImage({ platform: { architecture: 'arm64', os: 'linux', variant: 'v8' }, base: false, layers: [{ files: { '/arch': 'arm64\n' } }] });
  const armOnly = buildMultiPlatformIndex([{ platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, image: arm }]);
  const ref = (host: string, repo = 'tx/img'): string => `${host}/${repo}:v1`;
  const password = 'tr4nsfer-s3cret';

  /** Tests that need Transfer: skipped (and said so) on 1.6/1.7 runs; on a 2.x run its absence fails. */
  function needsTransfer(ctx: Mocha.Context): void {
    if (selectedContainerdVersion() === '2') {
      assert.ok(support.preferred, `containerd 2.x must offer Transfer: ${support.reason ?? ''}`);
      return;
    }
    console.log(`      (skipped on containerd ${support.version}: needs the Transfer service of containerd 2.x; run with CONTAINERD_TEST_VERSION=2)`);
    ctx.skip();
  }

  before(async () => {
    registry = await sharedRegistry();
    env = await clientEnv('pulltx');
    faulty = await startFaultyRegistry(registry.url);
    tokens = await startTokenServer({ upstream: registry.url, users: { alice: password } });
    await pushImage(registry.host, 'tx/img', 'v1', image);
    await pushImage(registry.host, 'tx/armonly', 'v1', armOnly);
    support = await transferSupport(env.client);
    console.log(`    containerd ${support.version}: Transfer ${support.preferred ? 'used by auto' : `not used by auto (${support.reason ?? ''})`}`);
    empty = await storeState(env.client);
  });
  afterEach(() => faulty.reset());
  after(async () => {
    await faulty?.stop();
    await tokens?.stop();
    await teardown(env);
  });

  /** No image record, and (eventually: the daemon drops its own lease after the call) no lease. */
  async function assertNothingLeft(): Promise<void> {
    assert.deepEqual((await storeState(env.client)).images, empty.images, 'no image record was made');
    await eventually('containerd dropped its transfer lease', async () => (await env.client.leases.list()).length === 0);
  }

  it('auto picks Transfer on containerd 2.x and the client-side pull before (falls back on 1.6)', async () => {
    const chosen: ChosenPullMethod[] = [];
    const pulled = await pull(env.client, ref(registry.host), { method: 'auto', onMethod: (c) => chosen.push(c) });
    assert.equal(pulled.target.digest, image.manifestDescriptor.digest);
    assert.equal(chosen.length, 1);
    assert.equal(chosen[0].method, selectedContainerdVersion() === '2' ? 'transfer' : 'client', chosen[0].reason);
    if (!support.offered) {
      await assert.rejects(pull(env.client, ref(registry.host), { method: 'transfer' }), (e: unknown) =>
        e instanceof UnimplementedError && /has no Transfer service \(missing or failed to load: io\.containerd\.transfer\.v1 plugin.*method "client"/.test(e.message));
    }
    await env.client.images.delete(pulled.name, { sync: true });
  });

  it('pulls via Transfer with progress, unpacks for our snapshotter, and the image runs', async function () {
    needsTransfer(this);
    const events: PullProgress[] = [];
    const phases: string[] = [];
    const pulled = await pull(env.client, ref(registry.host), {
      method: 'transfer', progressIntervalMs: 0,
      onProgress: (p) => { events.push(structuredClone(p)); if (phases[phases.length - 1] !== p.phase) phases.push(p.phase); },
    });
    assert.equal(pulled.name, ref(registry.host));
    assert.deepEqual(pulled.target, image.manifestDescriptor);
    assert.deepEqual(phases.filter((p) => p !== 'unpacking'), ['resolving', 'fetching', 'done']);
    const last = events[events.length - 1];
    assert.deepEqual(last.blobs.map((b) => b.digest).sort(), image.layers.map((l) => l.descriptor.digest).sort());
    assert.ok(last.blobs.every((b) => (b.state === 'downloaded' || b.state === 'exists') && b.unpack === 'done' && b.offset === b.size));
    assert.equal(last.unpackedLayers, image.layers.length);
    assert.equal(last.doneBytes, last.totalBytes);
    assert.ok(last.downloadedBytes >= top.size, `received ${last.downloadedBytes} bytes`);
    // Unpacked by the daemon into the snapshotter our containers use: the image runs.
    assert.equal(await runInImage(env, pulled, image, 'cat /etc/motd; echo $VIA'), 'pulled by containerd\ntransfer\n');
    await env.client.images.delete(pulled.name, { sync: true });
  });

  describe('token auth', () => {
    it('answers the daemon\'s credential requests from the caller\'s provider, and the secret stays out of logs', async function () {
      needsTransfer(this);
      const asked: string[] = [];
      const creds = staticCredentials({ [tokens.host]: { username: 'alice', password } });
      const issued = tokens.stats.tokensIssued;
      const pulled = await pull(env.client, ref(tokens.host), { method: 'transfer', credentials: (host) => { asked.push(host); return creds(host); } });
      assert.equal(pulled.target.digest, image.manifestDescriptor.digest);
      assert.ok(asked.length > 0 && asked.every((h) => h === tokens.host), `asked for ${asked.join(', ')}`);
      assert.ok(tokens.stats.tokensIssued > issued);
      assert.ok(!env.daemon.log().includes(password), 'the password is not in containerd\'s log');
      await env.client.images.delete(pulled.name, { sync: true });
    });

    it('asks to log in without credentials, and says they were rejected when wrong, as the client-side pull does', async function () {
      needsTransfer(this);
      for (const method of ['transfer', 'client'] as const) {
        await assert.rejects(pull(env.client, ref(tokens.host), { method }), (e: unknown) => {
          assert.ok(e instanceof RegistryAuthError, `${method}: ${String(e)}`);
          assert.equal(e.reason, 'required');
          assert.match(e.message, new RegExp(`^401 Unauthorized from ${tokens.host}: log in with`));
          return true;
        });
        const credentials = staticCredentials({ [tokens.host]: { username: 'alice', password: 'wrong-password' } });
        await assert.rejects(pull(env.client, ref(tokens.host), { method, credentials }), (e: unknown) => {
          assert.ok(e instanceof RegistryAuthError, `${method}: ${String(e)}`);
          assert.equal(e.reason, 'rejected');
          assert.ok(e.message.startsWith(`401 Unauthorized from ${tokens.host}: the credentials for ${tokens.host} were rejected`), e.message);
          assert.ok(!e.message.includes('wrong-password') && !e.message.includes('alice'), e.message);
          return true;
        });
      }
      await assertNothingLeft();
    });
  });

  it('cancels in the middle of a layer: CancelledError, no image record, no lease', async function () {
    needsTransfer(this);
    // containerd copies through a 1 MiB buffer: the ingest shows bytes once more than that has arrived.
    faulty.stallBlob(top.digest, 2_000_000);
    const ac = new AbortController();
    let last: PullProgress | undefined;
    const pulling = pull(env.client, ref(faulty.host), { method: 'transfer', signal: ac.signal, progressIntervalMs: 0, onProgress: (p) => { last = p; } });
    pulling.catch(() => undefined);
    try {
      await eventually('the top layer is downloading', () => {
        const b = last?.blobs.find((x) => x.digest === top.digest);
        return !!b && b.state === 'downloading' && b.offset > 0;
      });
    } finally {
      ac.abort();
    }
    await assert.rejects(pulling, (e: unknown) => e instanceof CancelledError && e.message === `pull of ${ref(faulty.host)} cancelled`);
    await assertNothingLeft();
  });

  it('names an unknown image, an unreachable registry and a missing platform with the client-side pull\'s errors', async function () {
    needsTransfer(this);
    await assert.rejects(pull(env.client, `${registry.host}/tx/img:nope`, { method: 'transfer' }), (e: unknown) =>
      e instanceof RegistryNotFoundError && e.message.startsWith(`manifest not found: ${registry.host}/tx/img:nope`));
    const port = await freePort();
    await assert.rejects(pull(env.client, `127.0.0.1:${port}/nothing/here:v1`, { method: 'transfer' }), (e: unknown) =>
      e instanceof RegistryUnreachableError && e.message === `cannot reach registry 127.0.0.1:${port}: connection refused`);
    await assert.rejects(pull(env.client, ref(registry.host, 'tx/armonly'), { method: 'transfer', platform: { os: 'linux', architecture: 'amd64' } }), (e: unknown) =>
      e instanceof NoMatchingPlatformError && /^no manifest for platform linux\/amd64 in .*; available: linux\/arm64\/v8$/.test(e.message));
    await assertNothingLeft();
  });
});
