// Show Disk Usage: daemon-wide (view title, palette) or for one namespace (its node), as a Markdown report in the
// read-only viewer; rendered again when reopened, so the numbers are never stale.
import type * as vscode from 'vscode';
import { daemonDiskUsage, namespaceDiskUsage } from '@containerd-explorer/client';
import type { ReadOnlyDocuments } from '../../views/documents/read-only-documents';
import type { NamespaceNode } from '../../views/model/nodes';
import { renderDaemonDiskUsage, renderNamespaceDiskUsage } from '../../views/storage/storage-report';
import { clientFor, registerCommand, selected, type CommandDeps } from '../shared/command-deps';

/** The document name of the daemon-wide report (a namespace cannot be named with a leading dot). */
const DAEMON = '.daemon';

export function registerDiskUsageCommand(deps: CommandDeps, docs: ReadOnlyDocuments): vscode.Disposable[] {
  docs.addRenderer('disk-usage', async (ref) => {
    const client = await clientFor(deps, ref.namespace === DAEMON ? deps.active.name : ref.namespace);
    if (ref.namespace !== DAEMON) return renderNamespaceDiskUsage(await namespaceDiskUsage(client));
    const s = deps.connection.state;
    return renderDaemonDiskUsage(await daemonDiskUsage(client), s.kind === 'connected' ? s.target.socketPath : client.connection.address);
  });
  return [
    registerCommand(deps, 'containerd.showDiskUsage', async (arg) => {
      const ns = selected<NamespaceNode>('namespace', arg, undefined)?.[0]?.name;
      const ref = { namespace: ns ?? DAEMON, kind: 'disk-usage', name: ns ? `disk-usage-${ns}` : 'disk-usage', ext: 'md' };
      await deps.host().withProgress({ title: ns ? `Measuring disk usage of ${ns}` : 'Measuring disk usage', where: 'window' }, () => deps.host().showDocument(ref));
      return ref;
    }),
  ];
}
