// Commands on the storage views' rows: Delete Lease (its resources become collectable), Abort Download (an ingest
// left by a pull that died), and each view's Refresh.
import type * as vscode from 'vscode';
import { abortIngest, deleteLease } from '@containerd-explorer/client';
import type { StorageNode, StorageViewName } from '../../views/storage/storage-nodes';
import { clientFor, registerCommand, type CommandDeps } from '../shared/command-deps';

/** What the commands need of the storage views. */
export interface StorageViewsLike { refresh(name: StorageViewName): Promise<void> }

const node = <T extends StorageNode['type']>(arg: unknown, type: T): Extract<StorageNode, { type: T }> | undefined =>
  (arg && typeof arg === 'object' && (arg as { type?: unknown }).type === type ? arg as Extract<StorageNode, { type: T }> : undefined);

export function registerStorageItemCommands(deps: CommandDeps, views: StorageViewsLike): vscode.Disposable[] {
  const refreshers = ([['content', 'Content'], ['snapshots', 'Snapshots'], ['leases', 'Leases'], ['downloads', 'Downloads']] as const)
    .map(([name, word]) => registerCommand(deps, `containerd.refresh${word}`, () => views.refresh(name)));
  return [
    ...refreshers,
    registerCommand(deps, 'containerd.deleteLease', async (arg) => {
      const lease = node(arg, 'lease');
      if (!lease) throw new Error('Delete Lease works on a lease in the Leases view.');
      const e = lease.entry;
      const ok = await deps.host().confirm(`Delete lease ${e.id}?`, {
        detail: `Its ${e.resources.length} resource${e.resources.length === 1 ? '' : 's'} and whatever only it keeps become garbage for containerd to collect.${e.ours ? '' : ' Another client made this lease: it may still be working under it.'}`,
        action: 'Delete Lease',
      });
      if (!ok) return undefined;
      await deleteLease(await clientFor(deps, lease.namespace), e.id, { sync: true });
      await views.refresh('leases');
      return e.id;
    }),
    registerCommand(deps, 'containerd.abortDownload', async (arg) => {
      const ingest = node(arg, 'ingest');
      if (!ingest) throw new Error('Abort Download works on a download in the Active Downloads view.');
      const ok = await deps.host().confirm(`Abort download ${ingest.entry.ref}?`, {
        detail: 'What it wrote so far is discarded. A pull still running fails; pulling again downloads the blob anew.',
        action: 'Abort Download',
      });
      if (!ok) return undefined;
      await abortIngest(await clientFor(deps, ingest.namespace), ingest.entry.ref);
      await views.refresh('downloads');
      return ingest.entry.ref;
    }),
  ];
}
