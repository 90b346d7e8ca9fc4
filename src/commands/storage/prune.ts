// Prune…: for a namespace (its node, or the active one from the palette): plan, show the preview (what goes, why,
// what it frees), ask, then prune with progress. The client re-checks each item just before removing it, so
// whatever came into use after the preview stays; the result says so. In k8s.io the kubelet's ownership is said
// before anything is asked.
import type * as vscode from 'vscode';
import { executePrune, planPrune, type PrunePlan, type PruneResult } from '@containerd-explorer/client';
import type { ReadOnlyDocuments } from '../../views/documents/read-only-documents';
import { formatBytes } from '../../views/model/format';
import type { NamespaceNode } from '../../views/model/nodes';
import { kindWords, renderPrunePlan, summarizePrune } from '../../views/storage/storage-report';
import { clientFor, registerCommand, selected, type CommandDeps } from '../shared/command-deps';

export interface PruneOutcome { plan: PrunePlan; result?: PruneResult }

/** Plans kept for their preview documents (rendered from the plan the user is asked about, not a newer one). */
const plans = new Map<string, PrunePlan>();

export function registerPruneCommand(deps: CommandDeps, docs: ReadOnlyDocuments, refreshed: () => void): vscode.Disposable[] {
  docs.addRenderer('prune-preview', async (ref) => {
    const plan = plans.get(ref.namespace) ?? await planPrune(await clientFor(deps, ref.namespace));
    return renderPrunePlan(plan);
  });
  return [registerCommand(deps, 'containerd.pruneNamespace', async (arg): Promise<PruneOutcome | undefined> => {
    const namespace = selected<NamespaceNode>('namespace', arg, undefined)?.[0]?.name ?? deps.active.name;
    const host = deps.host();
    const client = await clientFor(deps, namespace);
    const plan = await host.withProgress({ title: `Looking for what can be pruned in ${namespace}`, where: 'window' }, () => planPrune(client));
    plans.set(namespace, plan);
    await host.showDocument({ namespace, kind: 'prune-preview', name: `prune-${namespace}`, ext: 'md' });
    if (!plan.items.length) {
      void host.info(`Nothing to prune in ${namespace}.`);
      return { plan };
    }
    const kinds = (['container', 'image', 'lease', 'ingest', 'snapshot', 'content'] as const)
      .map((k) => [k, plan.items.filter((i) => i.kind === k).length] as const).filter(([, n]) => n > 0).map(([k, n]) => kindWords(k, n));
    const ok = await host.confirm(`Prune ${namespace}: remove ${kinds.join(', ')}, freeing ${formatBytes(plan.totalBytes)}?`, {
      detail: [...plan.warnings, 'The preview lists each item. Anything that comes into use before it is removed stays.'].join('\n\n'),
      action: 'Prune',
    });
    if (!ok) return { plan };
    const result = await host.withProgress({ title: `Pruning ${namespace}` }, () => executePrune(client, plan));
    plans.delete(namespace);
    refreshed();
    const failed = result.results.some((r) => r.status === 'failed');
    void (failed ? host.warn(summarizePrune(result)) : host.info(summarizePrune(result)));
    return { plan, result };
  })];
}
