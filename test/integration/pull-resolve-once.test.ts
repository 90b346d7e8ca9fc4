// Pull Image… with "choose the platform" resolves the reference once: the picker resolves the tag and fetches the
// index with one registry client, and pull() starts from that (PullOptions.resolved) instead of asking again.
// A counting proxy in front of the test registry shows each manifest is requested once per pull.
import * as assert from 'node:assert/strict';
import { chainIds } from '../../packages/containerd-client/src/digest';
import { InvalidArgumentError } from '../../packages/containerd-client/src/errors';
import { pull } from '../../packages/containerd-client/src/pull';
import { RegistryClient } from '../../packages/containerd-client/src/registry';
import { buildImage, buildMultiPlatformIndex, pushImage, sharedRegistry, type Registry } from '../harness';
import { startFaultyRegistry, type FaultyRegistry } from '../harness/faulty-registry';
import { clientEnv, teardown, type ClientEnv } from '../harness/client-setup';
import { assertNothingLeft, storeState } from '../harness/pull-setup';

describe('pull resolves once (integration)', function () {
  this.timeout(120_000);
  let env: ClientEnv;
  let registry: Registry;
  let proxy: FaultyRegistry;
  const amd64 = buildImage({ platform: { architecture: 'amd64', os: 'linux' }, layers: [{ files: { '/arch': 'amd64\n' } }] });
  const arm64 = buildImage({ platform: { architecture: 'arm64', os: 'linux', variant: 'v8' }, base: false, layers: [{ files: { '/arch': 'arm64\n' } }] });
  const multi = buildMultiPlatformIndex([
    { platform: { os: 'linux', architecture: 'amd64' }, image: amd64 },
    { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, image: arm64 },
  ]);
  const arm = { os: 'linux', architecture: 'arm64', variant: 'v8' };
  const reference = (): string => `${proxy.host}/once/multi:v1`;
  /** Manifest requests (HEAD or GET) by what they name: the tag, or a digest. */
  const manifestRequests = (): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const r of proxy.requests) {
      const m = /\/manifests\/(.+)$/.exec(r.path);
      if (m) counts[m[1]] = (counts[m[1]] ?? 0) + 1;
    }
    return counts;
  };

  before(async () => {
    registry = await sharedRegistry();
    env = await clientEnv('pullonce');
    proxy = await startFaultyRegistry(registry.url);
    await pushImage(registry.host, 'once/multi', 'v1', multi);
  });
  beforeEach(async () => {
    await env.client.images.delete(reference(), { sync: true }).catch(() => undefined);
    proxy.reset();
    proxy.requests.length = 0;
  });
  after(async () => {
    await proxy?.stop();
    await teardown(env);
  });

  it('without a resolved target, pull resolves the tag and fetches the index itself (the baseline)', async () => {
    const image = await pull(env.client, reference(), { platform: arm });
    assert.deepEqual(image.target, multi.indexDescriptor);
    assert.deepEqual(manifestRequests(), { v1: 1, [multi.indexDescriptor.digest]: 1, [arm64.manifestDescriptor.digest]: 1 });
  });

  it('the picker\'s resolve and index are the pull\'s: the tag and the index are requested once in all', async () => {
    // What Pull Image… does when the user chooses the platform: one client for the picker and the pull.
    const client = new RegistryClient();
    try {
      const r = await client.resolve(reference());
      const fetched = await client.fetchManifest(r.reference, r.descriptor);
      assert.equal(fetched.kind, 'index');
      const image = await pull(env.client, reference(), { platform: arm, registry: client, resolved: { descriptor: r.descriptor, fetched } });
      assert.deepEqual(image.target, multi.indexDescriptor);
      const armTop = chainIds(arm64.config.rootfs.diff_ids).pop() as string;
      assert.equal((await env.client.snapshots.stat(armTop)).kind, 'committed', 'the chosen platform is unpacked');
    } finally {
      client.close();
    }
    assert.deepEqual(manifestRequests(), { v1: 1, [multi.indexDescriptor.digest]: 1, [arm64.manifestDescriptor.digest]: 1 });
  });

  it('a resolved descriptor alone skips the tag lookup; the index is then fetched once by the pull', async () => {
    const image = await pull(env.client, reference(), { platform: arm, resolved: { descriptor: multi.indexDescriptor } });
    assert.deepEqual(image.target, multi.indexDescriptor);
    assert.deepEqual(manifestRequests(), { [multi.indexDescriptor.digest]: 1, [arm64.manifestDescriptor.digest]: 1 });
  });

  it('refuses a pre-fetched document that is not the descriptor\'s, before anything is stored', async () => {
    const before0 = await storeState(env.client);
    const client = new RegistryClient();
    try {
      const r = await client.resolve(reference());
      const fetched = await client.fetchManifest(r.reference, r.descriptor);
      const forged = { ...fetched, bytes: Buffer.concat([fetched.bytes, Buffer.from(' ')]) };
      await assert.rejects(pull(env.client, reference(), { registry: client, resolved: { descriptor: r.descriptor, fetched: forged } }), (e: unknown) =>
        e instanceof InvalidArgumentError && e.message.includes(`the pre-fetched manifest is not ${multi.indexDescriptor.digest}`));
    } finally {
      client.close();
    }
    await assertNothingLeft(env.client, before0);
  });
});
