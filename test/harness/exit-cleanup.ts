// Last-resort cleanup when a test process exits without stopping what it started
// (a crash, process.exit(), Ctrl-C). Only synchronous work can run at that point.

type SyncCleanup = () => void;

const cleanups = new Set<SyncCleanup>();
let installed = false;

function runAll(): void {
  for (const c of [...cleanups]) {
    cleanups.delete(c);
    try {
      c();
    } catch {
      // Best effort: keep cleaning the others.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  // Re-raise with the default action so the exit status still says "killed by signal".
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal);
}

/** Registers a cleanup; returns a function that unregisters it (call it after a normal stop). */
export function onExitCleanup(cleanup: SyncCleanup): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
