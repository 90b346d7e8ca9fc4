// The storage commands, one table: Show Disk Usage, Prune…, Delete Lease, Abort Download, the storage views' Refresh.
import type * as vscode from 'vscode';
import type { ReadOnlyDocuments } from '../../views/documents/read-only-documents';
import type { CommandDeps } from '../shared/command-deps';
import { registerDiskUsageCommand } from './disk-usage';
import { registerPruneCommand } from './prune';
import { registerStorageItemCommands, type StorageViewsLike } from './storage-items';

export function registerStorageGroup(deps: CommandDeps, docs: ReadOnlyDocuments, views: StorageViewsLike): vscode.Disposable[] {
  const refreshAll = (): void => { for (const n of ['content', 'snapshots', 'leases', 'downloads'] as const) void views.refresh(n); };
  return [...registerDiskUsageCommand(deps, docs), ...registerPruneCommand(deps, docs, refreshAll), ...registerStorageItemCommands(deps, views)];
}
