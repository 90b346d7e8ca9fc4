// Event application in the view model, without a daemon (an in-memory fake of our ModelClient): each topic asks
// for exactly the item it names and changes nothing else; /containers/delete asks again for a task whose
// /tasks/delete was lost (containerd 2.x); image details are computed for the image's current target only, retried
// after an error, and the unpacked mark follows /snapshot/commit and /snapshot/remove without a call.
import * as assert from 'node:assert/strict';
import type { ContainerdEvent } from '../../packages/containerd-client/src';
import { chainId } from '../../packages/containerd-client/src/digest';
import type { NamespaceModel } from '../../src/views/model/namespace-model';
import { event, type FakeStore } from './fake-client';
import { modelRig } from './model-setup';

const APP = 'docker.io/library/app:1';

interface Case {
  name: string;
  prepare?: (s: FakeStore) => void;
  event: ContainerdEvent;
  calls: string[];
  /** The one entry per map the event may replace or remove. */
  touches: { images?: string; containers?: string; tasks?: string };
  check: (m: NamespaceModel) => void;
}

const CASES: Case[] = [
  {
    name: '/images/create gets that image', prepare: (s) => s.addImage('default', { ...s.readImage('default', APP), name: 'new:1' }),
    event: event('/images/create', 'default', { name: 'new:1', labels: {} }), calls: ['images.get default/new:1'], touches: { images: 'new:1' },
    check: (m) => assert.ok(m.images.has('new:1')),
  },
  {
    name: '/images/update gets that image', prepare: (s) => s.addImage('default', { ...s.readImage('default', APP), labels: { v: '2' } }),
    event: event('/images/update', 'default', { name: APP, labels: { v: '2' } }), calls: [`images.get default/${APP}`], touches: { images: APP },
    check: (m) => assert.deepEqual(m.images.get(APP)?.image.labels, { v: '2' }),
  },
  {
    name: '/images/delete drops it without a call', event: event('/images/delete', 'default', { name: APP }), calls: [], touches: { images: APP },
    check: (m) => assert.equal(m.images.has(APP), false),
  },
  {
    name: '/containers/create gets that container, without its spec', prepare: (s) => s.addContainer('default', 'c3'),
    event: event('/containers/create', 'default', { id: 'c3', image: 'busybox' }), calls: ['containers.get default/c3'], touches: { containers: 'c3' },
    check: (m) => { assert.ok(m.containers.has('c3')); assert.equal('spec' in (m.containers.get('c3') ?? {}), false); },
  },
  {
    name: '/containers/update gets that container', prepare: (s) => s.addContainer('default', 'c2', { role: 'db' }),
    event: event('/containers/update', 'default', { id: 'c2', image: 'busybox', labels: { role: 'db' }, snapshotKey: 'c2' }), calls: ['containers.get default/c2'], touches: { containers: 'c2' },
    check: (m) => assert.deepEqual(m.containers.get('c2')?.labels, { role: 'db' }),
  },
  {
    name: '/containers/delete of a container without a task drops it without a call', prepare: (s) => s.removeContainer('default', 'c2'),
    event: event('/containers/delete', 'default', { id: 'c2' }), calls: [], touches: { containers: 'c2' },
    check: (m) => assert.equal(m.containers.has('c2'), false),
  },
  {
    name: '/tasks/create gets that task', prepare: (s) => s.setTask('default', 'c2', 'created', { pid: 202 }),
    event: event('/tasks/create', 'default', { containerId: 'c2', bundle: '', rootfs: [], checkpoint: '', pid: 202 }), calls: ['tasks.get default/c2'], touches: { tasks: 'c2' },
    check: (m) => assert.equal(m.tasks.get('c2')?.process.status, 'created'),
  },
  {
    name: '/tasks/paused gets that task', prepare: (s) => s.setTask('default', 'c1', 'paused', { pid: 101 }),
    event: event('/tasks/paused', 'default', { containerId: 'c1' }), calls: ['tasks.get default/c1'], touches: { tasks: 'c1' },
    check: (m) => assert.equal(m.tasks.get('c1')?.process.status, 'paused'),
  },
  {
    name: '/tasks/exit of the init process gets the task', prepare: (s) => s.setTask('default', 'c1', 'stopped', { pid: 101, exitStatus: 3 }),
    event: event('/tasks/exit', 'default', { containerId: 'c1', id: 'c1', pid: 101, exitStatus: 3 }), calls: ['tasks.get default/c1'], touches: { tasks: 'c1' },
    check: (m) => assert.equal(m.tasks.get('c1')?.process.exitStatus, 3),
  },
  {
    name: '/tasks/exec-added gets that exec only', prepare: (s) => s.setTask('default', 'c1', 'created', { id: 'e1', pid: 0 }),
    event: event('/tasks/exec-added', 'default', { containerId: 'c1', execId: 'e1' }), calls: ['tasks.get default/c1/e1'], touches: { tasks: 'c1' },
    check: (m) => { assert.equal(m.tasks.get('c1')?.execs.get('e1')?.status, 'created'); assert.equal(m.tasks.get('c1')?.process.pid, 101); },
  },
  {
    name: '/tasks/oom gets the task and marks it', event: event('/tasks/oom', 'default', { containerId: 'c1' }), calls: ['tasks.get default/c1'], touches: { tasks: 'c1' },
    check: (m) => assert.equal(m.tasks.get('c1')?.oom, true),
  },
  {
    name: '/tasks/delete of the init process drops the task without a call', prepare: (s) => s.removeTask('default', 'c1'),
    event: event('/tasks/delete', 'default', { containerId: 'c1', pid: 101, exitStatus: 0, id: '' }), calls: [], touches: { tasks: 'c1' },
    check: (m) => assert.equal(m.tasks.has('c1'), false),
  },
];

describe('views model: event application (in-memory client)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const rig = await modelRig();
      const m = rig.model.model('default');
      const before = { images: new Map(m.images), containers: new Map(m.containers), tasks: new Map(m.tasks) };
      c.prepare?.(rig.store);
      rig.model.apply(c.event);
      await rig.idle();
      assert.deepEqual(rig.store.calls, c.calls);
      c.check(m);
      for (const kind of ['images', 'containers', 'tasks'] as const) {
        for (const [key, entry] of before[kind]) {
          if (key !== c.touches[kind]) assert.equal(m[kind].get(key), entry, `${kind} ${key} is left as it was`);
        }
      }
      assert.deepEqual(rig.failures, []);
      rig.model.dispose();
    });
  }

  it('an event for another namespace touches only that namespace, and a namespace nobody announced is listed', async () => {
    const rig = await modelRig();
    rig.store.addNamespace('other');
    rig.store.addContainer('other', 'x');
    rig.model.apply(event('/containers/create', 'other', { id: 'x', image: 'busybox' }));
    await rig.idle();
    assert.ok(rig.model.model('other').containers.has('x'));
    assert.ok(rig.model.namespaces.has('other'), 'containerd creates namespaces without an event: the list is read again');
    assert.equal(rig.store.calls.filter((l) => / default/.test(l)).length, 0, 'nothing was asked about default');
    rig.model.dispose();
  });

  it('/containers/delete asks again for a task whose /tasks/delete was lost, so it does not linger', async () => {
    const rig = await modelRig();
    const m = rig.model.model('default');
    assert.ok(m.tasks.has('c1'));
    rig.store.removeTask('default', 'c1');
    rig.store.removeContainer('default', 'c1');
    rig.model.apply(event('/containers/delete', 'default', { id: 'c1' })); // no /tasks/delete before it
    await rig.idle();
    assert.deepEqual(rig.store.calls, ['tasks.get default/c1']);
    assert.equal(m.containers.has('c1'), false);
    assert.equal(m.tasks.has('c1'), false);
    assert.deepEqual(rig.failures, [], 'not found is an answer, not a failure');
    rig.model.dispose();
  });
});

describe('views model: image details (in-memory client)', () => {
  const LAYER_A = 'sha256:' + 'a'.repeat(64);
  const LAYER_B = 'sha256:' + 'b'.repeat(64);

  it('are computed only when wanted, for the current target, and follow an update to a new target', async () => {
    const rig = await modelRig();
    const m = rig.model.model('default');
    assert.equal(m.images.get(APP)?.details, undefined, 'no content reads before the Images view asks');
    assert.equal(rig.store.calls.length, 0);
    rig.store.snapshots.add(chainId([LAYER_A]));
    m.setDetailsWanted(true);
    await rig.idle();
    const first = m.images.get(APP);
    assert.equal(first?.details?.targetDigest, first?.image.target.digest);
    assert.equal(first?.details?.chainId, chainId([LAYER_A]));
    assert.equal(first?.details?.layers, 1);
    assert.equal(first?.unpacked, true);

    const next = rig.store.addImageContent([LAYER_A, LAYER_B]);
    rig.store.addImage('default', { name: APP, labels: {}, target: next.target });
    rig.store.calls.length = 0;
    rig.model.apply(event('/images/update', 'default', { name: APP, labels: {} }));
    await rig.idle();
    const second = m.images.get(APP);
    assert.equal(second?.details?.targetDigest, next.target.digest, 'details belong to the new target');
    assert.equal(second?.details?.layers, 2);
    assert.equal(second?.unpacked, false, 'the new top layer is not unpacked');
    assert.ok(rig.store.calls.includes(`content.read ${next.target.digest}`));
    assert.ok(!rig.store.calls.includes(`content.read ${first?.image.target.digest}`), 'the old target is not read again');
    rig.model.dispose();
  });

  it('an error (content missing) is shown, and retried when the image is updated', async () => {
    const rig = await modelRig();
    const m = rig.model.model('default');
    const target = m.images.get(APP)?.image.target;
    const manifest = rig.store.blobs.get(target?.digest ?? '');
    rig.store.blobs.delete(target?.digest ?? '');
    m.setDetailsWanted(true);
    await rig.idle();
    assert.match(m.images.get(APP)?.details?.error ?? '', /incomplete|not found/);
    rig.store.blobs.set(target?.digest ?? '', manifest ?? Buffer.alloc(0)); // e.g. a pull completed
    rig.model.apply(event('/images/update', 'default', { name: APP, labels: {} }));
    await rig.idle();
    assert.equal(m.images.get(APP)?.details?.error, undefined);
    assert.equal(m.images.get(APP)?.details?.layers, 1);
    rig.model.dispose();
  });

  it('unpacked follows /snapshot/commit and /snapshot/remove of the top layer, with no call', async () => {
    const rig = await modelRig();
    const m = rig.model.model('default');
    m.setDetailsWanted(true);
    await rig.idle();
    assert.equal(m.images.get(APP)?.unpacked, false);
    rig.store.calls.length = 0;
    const top = chainId([LAYER_A]);
    rig.model.apply(event('/snapshot/commit', 'default', { key: 'extract-1', name: top }));
    await rig.idle();
    assert.equal(m.images.get(APP)?.unpacked, true);
    rig.model.apply(event('/snapshot/remove', 'default', { key: top }));
    await rig.idle();
    assert.equal(m.images.get(APP)?.unpacked, false);
    rig.model.apply(event('/snapshot/remove', 'default', { key: 'sha256:unrelated' }));
    await rig.idle();
    assert.deepEqual(rig.store.calls, []);
    rig.model.dispose();
  });
});
