// Inspect Image (record, index, manifest, config, layers for this platform) and Inspect Container (record, OCI
// spec, task, snapshot) as read-only JSON documents: containerd:/<namespace>/image|container/<name>.json.
import type * as vscode from 'vscode';
import { chainIds, formatPlatform, hostPlatform, NotFoundError, oci, readJson, resolveImage, type ContainerdClient } from '@containerd-explorer/client';
import { isChainUnpacked } from '../../views/model/image-details';
import type { ContainerNode, ImageNode } from '../../views/model/nodes';
import { clientFor, registerCommand, selected, type CommandDeps } from './command-deps';
import type { ReadOnlyDocuments, DocumentRef } from '../../views/documents/read-only-documents';
import { pickContainers, pickImages } from './pickers';

export async function imageDocument(client: ContainerdClient, name: string): Promise<Record<string, unknown>> {
  const image = await client.images.get(name);
  const doc: Record<string, unknown> = {
    name: image.name, namespace: client.namespace, target: image.target, labels: image.labels,
    createdAt: image.createdAt?.toISOString(), updatedAt: image.updatedAt?.toISOString(),
  };
  if (oci.isIndexMediaType(image.target.mediaType)) doc.index = await readJson<oci.Index>(client, image.target.digest);
  try {
    const r = await resolveImage(client, image.target);
    const diffIds = r.config.rootfs?.diff_ids ?? [];
    const chains = chainIds(diffIds);
    doc.platform = formatPlatform(hostPlatform());
    doc.unpacked = chains.length ? await isChainUnpacked(client, chains[chains.length - 1]) : false;
    doc.manifestDescriptor = r.manifestDescriptor;
    doc.manifest = r.manifest;
    doc.config = r.config;
    doc.layers = r.manifest.layers.map((l, i) => ({ ...l, diffId: diffIds[i], chainId: chains[i] }));
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    doc.contentProblem = e.message;
  }
  return doc;
}

export async function containerDocument(client: ContainerdClient, id: string): Promise<Record<string, unknown>> {
  const c = await client.containers.get(id);
  let task: Record<string, unknown> | null = null;
  try {
    const t = await client.tasks.get(id);
    task = { status: t.status, pid: t.pid, exitStatus: t.status === 'stopped' ? t.exitStatus : undefined, exitedAt: t.exitedAt?.toISOString(), terminal: t.terminal, stdin: t.stdin, stdout: t.stdout, stderr: t.stderr };
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
  }
  let snapshot: unknown = null;
  if (c.snapshotKey) snapshot = await client.withSnapshotter(c.snapshotter || client.snapshotter).snapshots.stat(c.snapshotKey).catch((e: unknown) => ({ error: (e as Error).message }));
  const { spec, ...record } = c;
  return {
    ...record, namespace: client.namespace, createdAt: c.createdAt?.toISOString(), updatedAt: c.updatedAt?.toISOString(),
    task, snapshot, spec,
  };
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

export function registerInspectCommands(deps: CommandDeps, docs: ReadOnlyDocuments): vscode.Disposable[] {
  const clientOf = (ref: DocumentRef): Promise<ContainerdClient> => clientFor(deps, ref.namespace);
  docs.addRenderer('image', async (ref) => json(await imageDocument(await clientOf(ref), ref.name)));
  docs.addRenderer('container', async (ref) => json(await containerDocument(await clientOf(ref), ref.name)));
  return [
    registerCommand(deps, 'containerd.inspectImage', async (arg) => {
      const [node] = selected<ImageNode>('image', arg, undefined) ?? await pickImages(deps, 'Inspect image', false);
      return deps.host().showDocument({ namespace: node.namespace, kind: 'image', name: node.name, ext: 'json' });
    }),
    registerCommand(deps, 'containerd.inspectContainer', async (arg) => {
      const [node] = selected<ContainerNode>('container', arg, undefined) ?? await pickContainers(deps, 'Inspect container', false);
      return deps.host().showDocument({ namespace: node.namespace, kind: 'container', name: node.id, ext: 'json' });
    }),
  ];
}
