// Which containerd the sandbox shows: the host's when a socket is reachable (CONTAINERD_ADDRESS, else the well-known
// paths), left untouched; otherwise a private containerd plus a local registry with sample content, stopped at exit.
import { connect, discoverSocket } from '../../packages/containerd-client/src';
import { startContainerd, startRegistry, type Daemon, type Registry } from '../harness';
import type { Lifecycle } from './lifecycle';
import { seedSamples, type Samples } from './samples';

export interface ContainerdTarget {
  mode: 'host' | 'private';
  /** Socket path, given to VS Code as CONTAINERD_ADDRESS. */
  address: string;
  version: string;
  /** How the socket was found (host mode). */
  source?: string;
  daemon?: Daemon;
  registry?: Registry;
  samples?: Samples;
}

/** The host's containerd, if a socket is found and answers; why not otherwise. */
async function hostContainerd(log: (line: string) => void): Promise<ContainerdTarget | undefined> {
  const found = discoverSocket();
  if (!found) {
    log('no containerd socket found (CONTAINERD_ADDRESS unset, none at the well-known paths)');
    return undefined;
  }
  try {
    const client = await connect({ address: found.path, timeoutMs: 5000 });
    const version = client.daemonVersion?.version ?? 'unknown';
    client.close();
    return { mode: 'host', address: found.path, version, source: found.label };
  } catch (e) {
    log(`containerd at ${found.path} (${found.label}) is not usable: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

export async function chooseContainerd(opts: { forcePrivate: boolean }, life: Lifecycle, log: (line: string) => void): Promise<ContainerdTarget> {
  if (!opts.forcePrivate) {
    const host = await hostContainerd(log);
    if (host) return host;
  }
  log('starting a private containerd and a local registry with sample content…');
  const daemon = await startContainerd({ name: 'sandbox' });
  life.add(`containerd (pid ${daemon.pid}, ${daemon.dir})`, () => daemon.stop());
  life.checkpoint();
  const registry: Registry = await startRegistry();
  life.add(`docker-registry (pid ${registry.pid}, ${registry.url})`, () => registry.stop());
  life.checkpoint();
  const samples = await seedSamples(daemon, registry, log);
  life.checkpoint();
  const client = await connect({ address: daemon.address, timeoutMs: 5000 });
  const version = client.daemonVersion?.version ?? 'unknown';
  client.close();
  return { mode: 'private', address: daemon.address, version, daemon, registry, samples };
}
