// The client-side pull labels content and images exactly as containerd's own pull does: `ctr images pull` of
// the same images into another namespace of the same daemon is the reference (on 2.x `ctr images pull
// --local`, the Go client's pull; what the Transfer service writes is reported beside it).
import * as assert from 'node:assert/strict';
import type { ContainerdClient } from '../../packages/containerd-client/src';
import { pull } from '../../packages/containerd-client/src/pull';
import { buildImage, buildMultiPlatformIndex, pushImage, sharedRegistry, type Registry } from '../harness';
import { clientEnv, teardown, type ClientEnv } from '../harness/client-setup';

type LabelsByDigest = Record<string, Record<string, string>>;

async function contentLabels(client: ContainerdClient): Promise<LabelsByDigest> {
  const out: LabelsByDigest = {};
  for await (const c of client.content.list()) out[c.digest] = c.labels;
  return out;
}

async function imageLabels(client: ContainerdClient): Promise<Record<string, Record<string, string>>> {
  return Object.fromEntries((await client.images.list()).map((i) => [i.name, i.labels]));
}

/** Label differences between two namespaces, one line each (empty when equal). */
function differences(want: LabelsByDigest, got: LabelsByDigest, ours = 'ours'): string[] {
  const out: string[] = [];
  for (const digest of new Set([...Object.keys(want), ...Object.keys(got)])) {
    const w = want[digest];
    const g = got[digest];
    if (!w || !g) { out.push(`${digest}: ${w ? 'missing' : 'extra'} ${JSON.stringify(w ?? g)}`); continue; }
    for (const k of new Set([...Object.keys(w), ...Object.keys(g)])) {
      if (w[k] !== g[k]) out.push(`${digest} ${k}: containerd ${JSON.stringify(w[k])}, ${ours} ${JSON.stringify(g[k])}`);
    }
  }
  return out;
}

describe('pull labels match containerd\'s own pull (integration)', function () {
  this.timeout(180_000);
  let registry: Registry;
  let ours: ClientEnv;
  let theirs: ClientEnv;
  let transfer: ClientEnv | undefined;
  const single = buildImage({ env: ['LABELS=1'], layers: [{ files: { '/etc/labels': 'labels\n' } }] });
  const amd64 = buildImage({ platform: { architecture: 'amd64', os: 'linux' }, layers: [{ files: { '/arch': 'amd64\n' } }] });
  const arm64 = buildImage({ platform: { architecture: 'arm64', os: 'linux', variant: 'v8' }, base: false, layers: [{ files: { '/arch': 'arm64\n' } }] });
  const multi = buildMultiPlatformIndex([
    { platform: { os: 'linux', architecture: 'amd64' }, image: amd64 },
    { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, image: arm64 },
  ]);
  // The same blobs in two repositories, pulled in reverse order: the label must list both, sorted.
  const refs = (): string[] => [`${registry.host}/labels/two:v1`, `${registry.host}/labels/one:v1`, `${registry.host}/labels/multi:v1`];

  before(async () => {
    registry = await sharedRegistry();
    await pushImage(registry.host, 'labels/one', 'v1', single);
    await pushImage(registry.host, 'labels/two', 'v1', single);
    await pushImage(registry.host, 'labels/multi', 'v1', multi);
    ours = await clientEnv('labels-ours');
    theirs = await clientEnv('labels-ctr');
  });
  after(async () => { await teardown(ours); await teardown(theirs); await teardown(transfer); });

  it('writes the content and image labels ctr writes, for every blob, on the daemon under test', async () => {
    const v2 = ours.daemon.flavour.version === '2';
    const flags = v2 ? ['--local', '--skip-metadata'] : [];
    for (const ref of refs()) {
      // On 2.x plain `ctr images pull` goes through Transfer; --local is the Go client's own pull. ctr 2.x also
      // fetches the other platforms' manifests and configs unless told --skip-metadata (its CLI default; the Go
      // client's Pull, ctr 1.6 and Transfer fetch only the chosen platform's, as we do).
      const r = await theirs.daemon.ctr(['images', 'pull', '--plain-http', ...flags, ref], { namespace: theirs.namespace });
      assert.equal(r.code, 0, r.stderr);
      await pull(ours.client, ref, { method: 'client' });
    }
    const want = await contentLabels(theirs.client);
    const got = await contentLabels(ours.client);
    process.stderr.write(`      [labels] containerd ${ours.daemon.serverVersion}: ${Object.keys(want).length} blobs compared with ctr images pull ${flags.join(' ')}\n`);
    assert.deepEqual(differences(want, got), []);
    assert.deepEqual(await imageLabels(ours.client), await imageLabels(theirs.client));

    // The checks above hold because these hold (and say what the differences were, should they come back).
    const layer = single.layers[single.layers.length - 1].descriptor.digest;
    const host = registry.host.replace(/:\d+$/, '');
    assert.equal(got[layer][`containerd.io/distribution.source.${host}`], 'labels/one,labels/two');
    assert.equal(got[layer][`containerd.io/distribution.source.${registry.host}`], undefined, 'no port in the key');
    const index = got[multi.indexDescriptor.digest];
    assert.equal(index['containerd.io/gc.ref.content.m.0'], multi.index.manifests[0].digest);
    assert.equal(index['containerd.io/gc.ref.content.m.1'], multi.index.manifests[1].digest, 'the index references every manifest, fetched or not');
  });

  it('reports what the Transfer service writes (2.x)', async function () {
    if (ours.daemon.flavour.version !== '2') {
      process.stderr.write(`      [labels] containerd ${ours.daemon.serverVersion}: no Transfer service, nothing to report\n`);
      this.skip();
    }
    transfer = await clientEnv('labels-tx');
    for (const ref of refs()) await pull(transfer.client, ref, { method: 'transfer' });
    const diff = differences(await contentLabels(theirs.client), await contentLabels(transfer.client), 'Transfer');
    process.stderr.write(`      [labels] Transfer vs ctr images pull --local --skip-metadata: ${diff.length ? `\n        ${diff.join('\n        ')}` : 'same labels'}\n`);
    // Whatever it labels, the daemon's own pull stores the same blobs and image records.
    assert.deepEqual(Object.keys(await contentLabels(transfer.client)).sort(), Object.keys(await contentLabels(theirs.client)).sort());
    assert.deepEqual(Object.keys(await imageLabels(transfer.client)).sort(), Object.keys(await imageLabels(theirs.client)).sort());
  });
});
