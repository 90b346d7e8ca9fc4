// The Disposable base (src/base/lifecycle.ts): what a class _registers is released once, newest first, even when
// one release throws; what is registered after disposal is released at once.
import * as assert from 'node:assert/strict';
import { Disposable, toDisposable } from '../../src/base/lifecycle';

class Owner extends Disposable {
  own<T extends { dispose(): void }>(d: T): T { return this._register(d); }
  get disposed(): boolean { return this.isDisposed; }
}

const recorder = (log: string[], name: string): { dispose(): void } => ({ dispose: () => { log.push(name); } });

describe('Disposable base', () => {
  it('releases what it owns newest first, and returns what it registers', () => {
    const log: string[] = [];
    const o = new Owner();
    const first = recorder(log, 'first');
    assert.equal(o.own(first), first);
    o.own(recorder(log, 'second'));
    o.own(recorder(log, 'third'));
    assert.deepEqual(log, [], 'nothing is released before dispose');
    o.dispose();
    assert.deepEqual(log, ['third', 'second', 'first']);
    assert.equal(o.disposed, true);
  });

  it('is idempotent: a second dispose releases nothing again', () => {
    const log: string[] = [];
    const o = new Owner();
    o.own(recorder(log, 'a'));
    o.dispose();
    o.dispose();
    assert.deepEqual(log, ['a']);
  });

  it('releases at once what is registered after disposal', () => {
    const log: string[] = [];
    const o = new Owner();
    o.dispose();
    o.own(recorder(log, 'late'));
    assert.deepEqual(log, ['late']);
    o.dispose();
    assert.deepEqual(log, ['late'], 'and only once');
  });

  it('one throwing release does not keep the others alive, and dispose does not throw', () => {
    const log: string[] = [];
    const o = new Owner();
    o.own(recorder(log, 'before'));
    o.own({ dispose: () => { throw new Error('boom'); } });
    o.own(recorder(log, 'after'));
    assert.doesNotThrow(() => o.dispose());
    assert.deepEqual(log, ['after', 'before']);
  });

  it('nested owners release their own things when the outer one is disposed', () => {
    const log: string[] = [];
    const outer = new Owner();
    const inner = outer.own(new Owner());
    inner.own(recorder(log, 'inner thing'));
    outer.own(recorder(log, 'outer thing'));
    outer.dispose();
    assert.deepEqual(log, ['outer thing', 'inner thing']);
    assert.equal(inner.disposed, true);
  });

  it('toDisposable runs its function once however often it is disposed', () => {
    let n = 0;
    const d = toDisposable(() => { n++; });
    d.dispose();
    d.dispose();
    assert.equal(n, 1);
  });
});
