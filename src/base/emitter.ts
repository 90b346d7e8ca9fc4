// A minimal event emitter shaped like vscode.Event, so the models stay free of `vscode` and testable in plain Node.

export interface Disposable { dispose(): void }

export type Listener<T> = (e: T) => void;
export type Event<T> = (listener: Listener<T>) => Disposable;

export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  constructor(private readonly onListenerError: (e: unknown) => void = (e) => console.error('listener failed:', e)) {}

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  };

  /** Calls every listener; one listener throwing does not stop the others (it is reported, not rethrown). */
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  dispose(): void { this.listeners.clear(); }
}

/** Resolves with the first event matching `predicate`; rejects after `timeoutMs` (0: never). */
export function nextEvent<T>(event: Event<T>, predicate: (e: T) => boolean = () => true, timeoutMs = 0): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const sub = event((e) => {
      if (!predicate(e)) return;
      sub.dispose();
      if (timer) clearTimeout(timer);
      resolve(e);
    });
    if (timeoutMs > 0) {
      timer = setTimeout(() => { sub.dispose(); reject(new Error(`no matching event within ${timeoutMs} ms`)); }, timeoutMs);
    }
  });
}
