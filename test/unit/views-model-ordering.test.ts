// Ordering in the view model, without a daemon (an in-memory fake of our ModelClient whose calls a test can hold):
// per item, a Get for an older event never overwrites what a newer one fetched, while other items do not wait; a
// burst becomes one announced change; events that arrive during a full listing are kept and applied after it, so
// the listing (taken before them) cannot undo them; a listing begun on an old connection is done again on the new.
import * as assert from 'node:assert/strict';
import { nextEvent } from '../../src/base/emitter';
import { ExplorerModel } from '../../src/views/model/explorer-model';
import { event, FakeClient } from './fake-client';
import { modelRig } from './model-setup';

/** Lets every pending promise callback run (the fake answers through promises only, never timers). */
const settle = async (): Promise<void> => { for (let i = 0; i < 20; i++) await Promise.resolve(); };

describe('views model: ordering (in-memory client)', () => {
  it('per item: an older Get answering late cannot overwrite a newer one; another item does not wait', async () => {
    const rig = await modelRig();
    const m = rig.model.model('default');
    rig.store.addContainer('default', 'c2', { v: '1' });
    const release = rig.store.hold(/^containers\.get default\/c2$/);
    rig.model.apply(event('/containers/update', 'default', { id: 'c2', image: 'busybox', labels: { v: '1' }, snapshotKey: 'c2' }));
    await settle();
    // The first Get is in flight with v1; the container changes again and a second event follows.
    rig.store.addContainer('default', 'c2', { v: '2' });
    rig.model.apply(event('/containers/update', 'default', { id: 'c2', image: 'busybox', labels: { v: '2' }, snapshotKey: 'c2' }));
    rig.store.addContainer('default', 'c3');
    rig.model.apply(event('/containers/create', 'default', { id: 'c3', image: 'busybox' }));
    await settle();
    assert.deepEqual(rig.store.calls, ['containers.get default/c2', 'containers.get default/c3'], 'the second Get of c2 waits for the first; c3 does not');
    assert.ok(m.containers.has('c3'), 'c3 was applied while c2 was held');
    release();
    await rig.idle();
    assert.deepEqual(rig.store.calls, ['containers.get default/c2', 'containers.get default/c3', 'containers.get default/c2']);
    assert.deepEqual(m.containers.get('c2')?.labels, { v: '2' }, 'the newest state wins');
    rig.model.dispose();
  });

  it('a burst of events is announced as one change', async () => {
    const rig = await modelRig();
    for (let i = 0; i < 50; i++) {
      rig.store.addContainer('default', `burst-${i}`);
      rig.store.setTask('default', `burst-${i}`, 'running', { pid: 1000 + i });
      rig.model.apply(event('/containers/create', 'default', { id: `burst-${i}`, image: 'busybox' }));
      rig.model.apply(event('/tasks/start', 'default', { containerId: `burst-${i}`, pid: 1000 + i }));
    }
    await rig.idle();
    assert.equal(rig.model.model('default').containers.size, 52);
    assert.equal(rig.model.model('default').tasks.size, 51);
    assert.equal(rig.changes.length, 1, `one change for 100 events, not ${rig.changes.length}`);
    assert.deepEqual([...(rig.changes[0].kinds.get('default') ?? [])].sort(), ['containers', 'tasks']);
    rig.model.dispose();
  });

  it('images and containers are announced before Tasks.List answers; tasks keep their last state until it does', async () => {
    const rig = await modelRig();
    const m = rig.model.model('default');
    const release = rig.store.hold(/^tasks\.list default$/);
    rig.store.addContainer('default', 'c7');
    rig.store.setTask('default', 'c1', 'stopped', { pid: 101 }); // what the held Tasks.List will say
    const announced = nextEvent(rig.model.onDidChange, (c) => !!c.kinds.get('default')?.has('containers'));
    const refreshing = m.refresh();
    await announced; // the Containers view is told while Tasks.List is still held
    assert.ok(m.containers.has('c7'), 'the new container is listed while Tasks.List is held');
    assert.ok(!rig.changes.some((c) => c.kinds.get('default')?.has('tasks')), 'the Tasks view was not');
    assert.equal(m.tasks.get('c1')?.process.status, 'running', 'the last known task state stays meanwhile');
    release();
    await refreshing;
    await rig.idle();
    assert.equal(m.tasks.get('c1')?.process.status, 'stopped');
    assert.ok(m.tasksLoaded);
    assert.ok(rig.changes.some((c) => c.kinds.get('default')?.has('tasks')));
    rig.model.dispose();
  });

  it('Tasks.List starts once images and containers are listed, not alongside them', async () => {
    const rig = await modelRig();
    const m = rig.model.model('default');
    await rig.idle();
    const release = rig.store.hold(/^containers\.list default$/);
    const from = rig.store.calls.length;
    const refreshing = m.refresh();
    await settle();
    const callsOf = (): string[] => rig.store.calls.slice(from).filter((c) => /^(images|containers|tasks)\.list default$/.test(c));
    assert.deepEqual(callsOf().sort(), ['containers.list default', 'images.list default'], 'containerd is not asked for tasks while it lists containers');
    release();
    await refreshing;
    assert.deepEqual(callsOf().slice(2), ['tasks.list default']);
    rig.model.dispose();
  });

  it('events arriving during a full listing are buffered and applied after it', async () => {
    const rig = await modelRig();
    const m = rig.model.model('default');
    const release = rig.store.hold(/^containers\.list default$/);
    const refreshing = m.refresh();
    await settle();
    // The listing answered (held) without c9; now c9 is created and its event arrives mid-listing.
    rig.store.addContainer('default', 'c9');
    rig.model.apply(event('/containers/create', 'default', { id: 'c9', image: 'busybox' }));
    await settle();
    assert.ok(!rig.store.calls.includes('containers.get default/c9'), 'not fetched while the listing runs');
    release();
    await refreshing;
    await rig.idle();
    assert.ok(rig.store.calls.indexOf('containers.get default/c9') > rig.store.calls.indexOf('containers.list default'), 'replayed after the listing');
    assert.ok(m.containers.has('c9'), 'the older listing did not undo the newer event');
    rig.model.dispose();
  });

  it('a listing begun on a connection that was replaced meanwhile is done again on the new one', async () => {
    const rig = await modelRig();
    let current = rig.client;
    const model = new ExplorerModel({ client: () => current, failed: () => undefined }, 5);
    const release = rig.store.hold(/^containers\.list default$/);
    const first = model.refreshAll();
    await settle();
    const replacement = new FakeClient(rig.store);
    current = replacement;
    rig.store.addContainer('default', 'after-reconnect');
    const second = model.refreshAll();
    release();
    await Promise.all([first, second]);
    await model.whenIdle();
    assert.ok(model.model('default').containers.has('after-reconnect'));
    assert.equal(rig.store.calls.filter((l) => l === 'containers.list default').length, 2);
    model.dispose();
    rig.model.dispose();
  });
});
