// Something for the views to show on a private containerd: a busybox image pushed to a local registry and pulled
// into `default` with the extension's own client, one running container (logging a line every few seconds) and
// one created but never started. A second tag stays in the registry only, for trying Pull Image… in the UI.
import * as path from 'node:path';
import { connect, pull, type ContainerdClient } from '../../packages/containerd-client/src';
import { createContainer, runcRootOptions, startContainer } from '../../packages/containerd-client/src/run';
import { buildImage, pushImage, type Daemon, type Registry } from '../harness';

export const SAMPLE_NAMESPACE = 'default';
export const RUNNING_ID = 'sandbox-web';
export const IDLE_ID = 'sandbox-idle';

export interface Samples {
  /** Pulled into `default`. */
  image: string;
  /** In the registry only: for trying Pull Image… */
  pullable: string;
  running: string;
  idle: string;
  /** Where the running container's output goes (Show Logs reads it too). */
  logPath: string;
}

async function pullOrCtr(client: ContainerdClient, daemon: Daemon, ref: string, log: (line: string) => void): Promise<void> {
  try {
    await pull(client, ref);
  } catch (e) {
    // The pull is the product's; should it fail, ctr still gets the sandbox going (and the failure is shown).
    log(`pull of ${ref} with the extension's client failed (${e instanceof Error ? e.message : String(e)}); using ctr`);
    const r = await daemon.ctr(['images', 'pull', '--plain-http', ref], { namespace: SAMPLE_NAMESPACE });
    if (r.code !== 0) throw new Error(`ctr images pull ${ref} failed: ${r.stderr}`);
  }
}

export async function seedSamples(daemon: Daemon, registry: Registry, log: (line: string) => void): Promise<Samples> {
  const repo = 'samples/busybox';
  const image = buildImage({
    cmd: ['sh'], env: ['GREETING=hello from the sandbox'],
    labels: { 'org.opencontainers.image.title': 'busybox sample', 'org.opencontainers.image.description': 'Containerd Explorer sandbox' },
  });
  await pushImage(registry.host, repo, 'latest', image);
  const other = buildImage({ cmd: ['sh', '-c', 'while true; do date; sleep 10; done'], labels: { 'org.opencontainers.image.title': 'busybox clock sample' } });
  await pushImage(registry.host, 'samples/clock', '1.0', other);
  const ref = `${registry.host}/${repo}:latest`;

  const client = await connect({ address: daemon.address, namespace: SAMPLE_NAMESPACE, timeoutMs: 60_000 });
  try {
    await pullOrCtr(client, daemon, ref, log);
    const runtimeOptions = runcRootOptions(path.join(daemon.dir, 'runc'));
    const logPath = path.join(daemon.dir, 'logs', `${RUNNING_ID}.log`);
    await createContainer(client, {
      id: RUNNING_ID, image: ref, runtimeOptions, logPath, labels: { purpose: 'sandbox sample' },
      args: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "$(date) $GREETING ($i)"; sleep 5; done'],
    });
    await startContainer(client, RUNNING_ID);
    await createContainer(client, { id: IDLE_ID, image: ref, runtimeOptions, logPath: path.join(daemon.dir, 'logs', `${IDLE_ID}.log`), args: ['sleep', '3600'] });
    return { image: ref, pullable: `${registry.host}/samples/clock:1.0`, running: RUNNING_ID, idle: IDLE_ID, logPath };
  } finally {
    client.close();
  }
}
