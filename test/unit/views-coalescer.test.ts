// Coalescing and per-key ordering of model updates, in plain Node (the timing-free parts).
import * as assert from 'node:assert/strict';
import { Coalescer, KeyedQueue } from '../../src/views/model/coalescer';

describe('views: coalescing and ordering', () => {
  it('hands a burst of changes over in one flush', async () => {
    const flushes: string[][] = [];
    const c = new Coalescer<string>(20, (keys) => flushes.push([...keys].sort()));
    for (let i = 0; i < 100; i++) c.mark(i % 2 ? 'containers:default' : 'tasks:default');
    assert.equal(flushes.length, 0, 'nothing is announced synchronously');
    await c.whenFlushed();
    assert.deepEqual(flushes, [['containers:default', 'tasks:default']]);
    c.mark('images:default');
    await c.whenFlushed();
    assert.equal(flushes.length, 2);
    c.dispose();
  });

  it('runs work for one key in submission order, other keys independently, and never rejects', async () => {
    const errors: unknown[] = [];
    const q = new KeyedQueue((e) => errors.push(e));
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => { release = r; });
    void q.run('a', async () => { await gate; order.push('a1'); });
    void q.run('a', async () => { order.push('a2'); throw new Error('boom'); });
    void q.run('a', async () => { order.push('a3'); });
    await q.run('b', async () => { order.push('b1'); });
    assert.deepEqual(order, ['b1'], 'b does not wait for a');
    release();
    await q.whenIdle();
    assert.deepEqual(order, ['b1', 'a1', 'a2', 'a3']);
    assert.equal((errors[0] as Error).message, 'boom');
  });
});
