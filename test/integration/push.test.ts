// push() against the run's private containerd and real docker-registry: on 1.6/1.7 the client-side push runs,
// on 2.x (CONTAINERD_TEST_VERSION=2) containerd's Transfer service; each test says which ran. What reached the
// registry is counted from its side (a counting front on 127.0.0.1) or read from it directly.
import * as assert from 'node:assert/strict';
import { CancelledError } from '../../packages/containerd-client/src/errors';
import { pull } from '../../packages/containerd-client/src/pull';
import { push, type PushOptions, type PushProgress } from '../../packages/containerd-client/src/push';
import { RegistryAuthError, RegistryUnreachableError, staticCredentials } from '../../packages/containerd-client/src/registry';
import type { ChosenPullMethod } from '../../packages/containerd-client/src/transfer';
import { buildImage, buildMultiPlatformIndex, pushImage, selectedContainerdVersion, sharedRegistry, type Registry } from '../harness';
import { startTokenServer, type TokenServer } from '../harness/token-server';
import { clientEnv, importTestImage, teardown, type ClientEnv, type ImportedImage } from '../harness/client-setup';
import { runInImage } from '../harness/pull-setup';
import { registryHasBlob, registryManifest, startCountingProxy, type CountingProxy } from '../harness/push-setup';

describe('push (integration)', function () {
  this.timeout(180_000);
  const expected = selectedContainerdVersion() === '2' ? 'transfer' : 'client';
  let env: ClientEnv;
  let other: ClientEnv;
  let registry: Registry;
  let tokens: TokenServer;
  let proxy: CountingProxy;
  const password = 'pu5h-s3cret';
  const spec = {
    env: ['PUSHED=yes'], layers: [{ files: { '/etc/motd': 'pushed and pulled back\n' } }],
    incompressibleLayers: { count: 1, bytesEach: 1_500_000 },
  };
  const image = buildImage(spec);
  const arm = buildImage({ platform: { architecture: 'arm64', os: 'linux', variant: 'v8' }, base: false, layers: [{ files: { '/arch': 'arm64\n' } }] });
  const multi = buildMultiPlatformIndex([
    { platform: { os: 'linux', architecture: image.config.architecture }, image },
    { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, image: arm },
  ]);
  /** Pulled from 127.0.0.1: its blobs name their source repository (mountable there). */
  let local: string;
  /** Imported: no distribution.source labels, so every byte is uploaded. */
  let imported: ImportedImage;

  /** Pushes with method auto and checks (and logs) that the expected path ran. */
  async function pushed(reference: string, opts: PushOptions = {}): Promise<PushProgress | undefined> {
    let chosen: ChosenPullMethod | undefined;
    let last: PushProgress | undefined;
    await push(env.client, reference, {
      method: 'auto', progressIntervalMs: 0, ...opts,
      onMethod: (c) => { chosen = c; },
      onProgress: (p) => { last = structuredClone(p); opts.onProgress?.(p); },
    });
    assert.equal(chosen?.method, expected, chosen?.reason);
    console.log(`      (pushed ${reference} ${chosen?.method === 'transfer' ? 'through containerd\'s Transfer service' : 'client-side'}: ${chosen?.reason ?? ''})`);
    return last;
  }

  before(async () => {
    registry = await sharedRegistry();
    env = await clientEnv('push');
    other = await clientEnv('pushdst');
    tokens = await startTokenServer({ upstream: registry.url, users: { alice: password } });
    proxy = await startCountingProxy(registry.url);
    await pushImage(registry.host, 'push-src/app', 'v1', image);
    await pushImage(registry.host, 'push-src/multi', 'v1', multi);
    // Pulled through the counting front: its blobs carry distribution.source.<front> = push-src/app.
    local = (await pull(env.client, `${proxy.host}/push-src/app:v1`, { method: 'client' })).name;
    imported = await importTestImage(env.client, 'push-local/app:v1', spec);
  });
  after(async () => {
    await proxy?.stop();
    await tokens?.stop();
    await teardown(other);
    await teardown(env);
  });

  it('pushes to a token-auth registry with push scope; pulled into another namespace, the image runs', async () => {
    const target = `${tokens.host}/push-auth/app:v1`;
    const creds = staticCredentials({ [tokens.host]: { username: 'alice', password } });
    const asked = tokens.scopeRequests.length;
    // Chunks smaller than the 1.5 MB layer: the client path uploads it in PATCHes (Transfer ignores the option).
    const last = await pushed(target, { image: imported.name, credentials: creds, chunkSize: 512 * 1024 });
    // The push scope up front: the first HEAD's challenge names only pull, so a client asking for what the
    // challenge says would fetch a pull token, get refused on the first upload and fetch a second one.
    const first = tokens.scopeRequests[asked];
    assert.ok(first?.includes('repository:push-auth/app:pull,push'), `first token request of the push asked for ${JSON.stringify(first)}`);
    const built = imported.oci;
    assert.equal(last?.phase, 'done');
    if (expected === 'client') {
      assert.deepEqual(last?.blobs.map((b) => b.digest).sort(), [built.configDescriptor.digest, ...built.layers.map((l) => l.descriptor.digest)].sort());
      // Layers shared with the pulled image in this namespace carry a 127.0.0.1 source label: mounted, not sent.
      assert.ok(last?.blobs.every((b) => (b.state === 'uploaded' || b.state === 'mounted') && b.offset === b.size), JSON.stringify(last?.blobs));
      assert.ok((last?.uploadedBytes ?? 0) >= built.layers[built.layers.length - 1].descriptor.size, 'the new layer was uploaded');
      assert.equal(last?.doneBytes, last?.totalBytes);
    }
    assert.equal((await registryManifest(registry.url, 'push-auth/app', 'v1')).digest, built.manifestDescriptor.digest);
    const pulled = await pull(other.client, target, { method: 'client', credentials: creds });
    assert.equal(await runInImage(other, pulled, built, 'cat /etc/motd; echo $PUSHED'), 'pushed and pulled back\nyes\n');
  });

  it('pushes a multi-platform image: every manifest, then the index under the tag', async () => {
    const name = (await pull(env.client, `${registry.host}/push-src/multi:v1`, { method: 'client', platform: 'all' })).name;
    await pushed(`${registry.host}/push-multi/app:v1`, { image: name });
    const top = await registryManifest(registry.url, 'push-multi/app', 'v1');
    assert.equal(top.digest, multi.indexDescriptor.digest);
    for (const m of multi.index.manifests) assert.equal((await registryManifest(registry.url, 'push-multi/app', m.digest)).status, 200, m.digest);
    assert.ok(await registryHasBlob(registry.url, 'push-multi/app', arm.layers[0].descriptor.digest));
  });

  it('sends no blob the registry has: mounted from the source repository, then skipped (counted at the registry)', async () => {
    proxy.requests.length = 0;
    await pushed(`${proxy.host}/push-dst/app:v1`, { image: local });
    const mounts = proxy.requests.filter((r) => r.method === 'POST' && /[?&]mount=/.test(r.path));
    assert.deepEqual(proxy.uploads(), [], `no blob bytes were sent; requests: ${proxy.requests.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    assert.ok(mounts.length >= image.layers.length, `mounted ${mounts.length} blobs`);
    assert.equal((await registryManifest(registry.url, 'push-dst/app', 'v1')).digest, image.manifestDescriptor.digest);

    proxy.requests.length = 0;
    await pushed(`${proxy.host}/push-dst/app:v2`, { image: local });
    assert.deepEqual(proxy.requests.filter((r) => r.method === 'POST' || r.method === 'PATCH'), [], 'nothing uploaded or mounted the second time');
    assert.ok(proxy.requests.some((r) => r.method === 'HEAD' && /\/blobs\//.test(r.path)), 'the registry was asked whether it has the blobs');
    assert.equal((await registryManifest(registry.url, 'push-dst/app', 'v2')).digest, image.manifestDescriptor.digest);
  });

  it('wrong password: RegistryAuthError (credentials rejected), nothing pushed', async () => {
    const creds = staticCredentials({ [tokens.host]: { username: 'alice', password: 'not-the-password' } });
    await assert.rejects(pushed(`${tokens.host}/push-bad/app:v1`, { image: imported.name, credentials: creds }), (e: unknown) =>
      e instanceof RegistryAuthError && e.reason === 'rejected' && e.host === tokens.host && !e.message.includes('not-the-password'));
    assert.equal((await registryManifest(registry.url, 'push-bad/app', 'v1')).status, 404);
  });

  it('registry gone mid-push: RegistryUnreachableError, and no manifest or tag was written', async () => {
    const gone = await startCountingProxy(registry.url);
    try {
      gone.dieOn((r) => r.method === 'PATCH' || (r.method === 'PUT' && /\/blobs\/uploads\//.test(r.path)));
      await assert.rejects(pushed(`${gone.host}/push-gone/app:v1`, { image: imported.name }), (e: unknown) => e instanceof RegistryUnreachableError && e.host === gone.host);
      assert.equal((await registryManifest(registry.url, 'push-gone/app', 'v1')).status, 404, 'no tag');
      assert.equal((await registryManifest(registry.url, 'push-gone/app', imported.oci.manifestDescriptor.digest)).status, 404, 'no manifest');
    } finally {
      await gone.stop();
    }
  });

  it('cancel mid-push: CancelledError, and the tag was never written', async () => {
    const front = await startCountingProxy(registry.url);
    const abort = new AbortController();
    try {
      front.watch((r) => { if (r.method === 'PATCH' || (r.method === 'PUT' && /\/blobs\/uploads\//.test(r.path))) abort.abort(); });
      await assert.rejects(pushed(`${front.host}/push-cancel/app:v1`, { image: imported.name, signal: abort.signal }), CancelledError);
      assert.equal((await registryManifest(registry.url, 'push-cancel/app', 'v1')).status, 404, 'no tag');
    } finally {
      await front.stop();
    }
  });
});
