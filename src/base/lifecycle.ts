// One way to own disposables: a class extends Disposable and `_register`s what it creates (listeners, emitters,
// child objects); dispose() releases them once, newest first. Free of `vscode`; vscode.Disposable fits the shape.
import type { Disposable as DisposableLike } from './emitter';

export abstract class Disposable implements DisposableLike {
  private readonly owned: DisposableLike[] = [];
  private disposedFlag = false;

  protected get isDisposed(): boolean { return this.disposedFlag; }

  /** Takes ownership of `d` (returned, for `const x = this._register(new X())`); after dispose, disposes it at once. */
  protected _register<T extends DisposableLike>(d: T): T {
    if (this.disposedFlag) d.dispose();
    else this.owned.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    for (const d of this.owned.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // One failing disposal must not keep the others alive.
      }
    }
  }
}

/** A disposable that runs `fn` (once): for releasing what is not itself disposable (a timer, a map, a stream). */
export function toDisposable(fn: () => void): DisposableLike {
  let done = false;
  return { dispose: () => { if (!done) { done = true; fn(); } } };
}
