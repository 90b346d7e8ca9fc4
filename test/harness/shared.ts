// One daemon and one registry per test run, started on first use and stopped by the mocha root hook.
import { Daemon, startContainerd } from './containerd';
import { Registry, startRegistry } from './registry';

let daemon: Promise<Daemon> | undefined;
let registry: Promise<Registry> | undefined;

/** The run's shared containerd (started on first call; a failed start is not retried). */
export function sharedDaemon(): Promise<Daemon> {
  daemon ??= startContainerd({ name: 'shared' });
  return daemon;
}

/** The run's shared registry (no auth). */
export function sharedRegistry(): Promise<Registry> {
  registry ??= startRegistry();
  return registry;
}

/** Stops whatever sharedDaemon()/sharedRegistry() started; the next call starts fresh ones. */
export async function stopShared(): Promise<void> {
  const started = [daemon, registry];
  daemon = undefined;
  registry = undefined;
  await Promise.all(started.map(async (p) => {
    const s = await p?.catch(() => undefined);
    await s?.stop();
  }));
}
