// Namespaces through our client, and what containerd does with namespaces that do not exist.
import * as assert from 'node:assert/strict';
import { connect, type ContainerdClient } from '../../packages/containerd-client/src';
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../../packages/containerd-client/src/errors';
import { sharedDaemon } from '../harness';
import { importTestImage, uniqueId } from '../harness/client-setup';

describe('client: namespaces', function () {
  let client: ContainerdClient;
  const name = uniqueId('ns-test');
  const names = async (): Promise<string[]> => (await client.namespaces.list()).map((n) => n.name);

  before(async function () {
    this.timeout(60_000);
    const daemon = await sharedDaemon();
    client = await connect({ address: daemon.address, namespace: 'default' });
  });
  after(async () => {
    for (const n of await names().catch(() => [])) if (n.startsWith('ns-test-') || n.startsWith('ghost-')) await client.withNamespace(n).namespaces.delete(n).catch(() => undefined);
    client.close();
  });

  it('creates a namespace with labels; get and list return it', async () => {
    const created = await client.namespaces.create(name, { owner: 'tests', 'example.com/tier': 'gold' });
    assert.deepEqual(created, { name, labels: { owner: 'tests', 'example.com/tier': 'gold' } });
    assert.deepEqual(await client.namespaces.get(name), created);
    assert.ok((await names()).includes(name));
    const listed = (await client.namespaces.list()).find((n) => n.name === name);
    assert.deepEqual(listed?.labels, { owner: 'tests', 'example.com/tier': 'gold' });
  });

  it('updates only the named labels; an empty value removes one', async () => {
    let ns = await client.namespaces.updateLabels(name, { owner: 'other', added: 'yes' });
    assert.deepEqual(ns.labels, { owner: 'other', 'example.com/tier': 'gold', added: 'yes' });
    ns = await client.namespaces.updateLabels(name, { 'example.com/tier': '' });
    assert.deepEqual(ns.labels, { owner: 'other', added: 'yes' });
    assert.deepEqual((await client.namespaces.get(name)).labels, { owner: 'other', added: 'yes' });
  });

  it('a duplicate is AlreadyExistsError', async () => {
    await assert.rejects(client.namespaces.create(name), (e: unknown) => {
      assert.ok(e instanceof AlreadyExistsError, String(e));
      assert.equal(e.message, `namespaces.create "${name}": namespace "${name}": already exists`);
      return true;
    });
  });

  it('an invalid name is InvalidArgumentError before any call', async () => {
    for (const bad of ['has space', 'UPPER..dots', '-lead', 'a'.repeat(77)]) {
      await assert.rejects(client.namespaces.create(bad), (e: unknown) => e instanceof InvalidArgumentError && e.message.startsWith(`namespace "${bad}"`));
    }
    assert.ok(!(await names()).includes('has space'));
  });

  it('an unknown namespace: get is NotFoundError (containerd itself answers with empty labels)', async () => {
    const ghost = uniqueId('ghost');
    await assert.rejects(client.namespaces.get(ghost), (e: unknown) => {
      assert.ok(e instanceof NotFoundError, String(e));
      assert.equal(e.message, `namespaces.get "${ghost}": namespace "${ghost}" not found`);
      return true;
    });
    // A namespace with no labels that exists is still found.
    await client.namespaces.create(`${ghost}-bare`);
    assert.deepEqual(await client.namespaces.get(`${ghost}-bare`), { name: `${ghost}-bare`, labels: {} });
    await client.namespaces.delete(`${ghost}-bare`);
  });

  it('an unknown namespace: reads see it empty, the first write creates it (containerd 1.6 behaviour)', async () => {
    const ghost = uniqueId('ghost');
    const view = client.withNamespace(ghost);
    assert.deepEqual(await view.containers.list(), []);
    assert.deepEqual(await view.images.list(), []);
    await assert.rejects(view.images.get('anything'), (e: unknown) => e instanceof NotFoundError && e.message === 'images.get "anything": image "anything": not found');
    assert.ok(!(await names()).includes(ghost), 'reads do not create it');
    const lease = await view.leases.create();
    assert.ok((await names()).includes(ghost), 'a write created it implicitly');
    await view.leases.delete(lease.id);
    await client.namespaces.delete(ghost);
  });

  it('no namespace at all is FailedPreconditionError "namespace is required"', async () => {
    await assert.rejects(client.withNamespace('').containers.list(), (e: unknown) => {
      assert.ok(e instanceof FailedPreconditionError, String(e));
      assert.equal(e.message, 'containers.list: namespace is required: failed precondition');
      return true;
    });
  });

  it('refuses to delete a namespace that still holds things, saying what', async () => {
    const view = client.withNamespace(name);
    await importTestImage(view, 'test/busybox:ns');
    await assert.rejects(client.namespaces.delete(name), (e: unknown) => {
      assert.ok(e instanceof FailedPreconditionError, String(e));
      assert.match(e.message, new RegExp(`^namespaces\\.delete "${name}": namespace "${name}" must be empty, but it still has images, blobs, snapshots on "overlayfs" snapshotter`));
      return true;
    });
    await view.images.delete('test/busybox:ns', { sync: true });
  });

  it('deletes an empty namespace; deleting it again is NotFoundError', async () => {
    await client.namespaces.delete(name);
    assert.ok(!(await names()).includes(name));
    await assert.rejects(client.namespaces.get(name), NotFoundError);
    await assert.rejects(client.namespaces.delete(name), (e: unknown) => e instanceof NotFoundError && e.message.includes(name));
  });
});
