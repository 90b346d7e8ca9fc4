// "Containerd: Pull Image…": reference (validated, normalised, from history), platform (host's, one, or all),
// then the pull in a cancellable notification with phases, per-layer bytes and totals. The Images view picks the
// new image up from containerd's events by itself.
import type * as vscode from 'vscode';
import {
  CancelledError, formatPlatform, hostPlatform, pull, registry, type Image, type Platform, type PlatformChoice, type PullProgress, type ResolvedTarget,
} from '@containerd-explorer/client';
import { isNode } from '../../views/model/nodes';
import { clientFor, type CommandDeps } from '../shared/command-deps';
import { describePullProgress, summarisePull } from './pull-progress';
import { promptReference, type PullHistory } from './pull-reference-prompt';
import { pullSettings } from '../../settings/registry-settings';
import { Cancelled } from '../shared/host';
import type { RegistryLogins } from '../registries/registry-credentials';
import { RegistryTransfer } from '../registries/registry-transfer';

/** Programmatic form of the command's argument (tests, other extensions): skips the questions. */
export interface PullArgs { reference: string; platform?: PlatformChoice; namespace?: string }

function isPullArgs(v: unknown): v is PullArgs {
  return !!v && typeof v === 'object' && typeof (v as PullArgs).reference === 'string';
}

interface PlatformItem extends vscode.QuickPickItem { platform: PlatformChoice }

/** The reference resolved and its manifest or index fetched once: the platform picker reads it, the pull starts from it. */
interface Resolved { registry: registry.RegistryClient; target: ResolvedTarget }

/** Resolves the reference (one registry client for the picker and the pull) and lets the user pick a platform or all. */
async function choosePlatform(deps: CommandDeps, logins: RegistryLogins, reference: string): Promise<{ platform?: PlatformChoice; resolved: Resolved }> {
  const settings = pullSettings(deps.log);
  const client = new registry.RegistryClient({ ...settings.registryOptions, credentials: logins.provider() });
  try {
    const fetched = await deps.host().withProgress({ title: `Reading the platforms of ${reference}…` }, async () => {
      const r = await client.resolve(reference);
      return client.fetchManifest(r.reference, r.descriptor);
    });
    const resolved: Resolved = { registry: client, target: { descriptor: fetched.descriptor, fetched } };
    if (fetched.kind !== 'index') {
      void deps.host().info(`${reference} is a single-platform image: pulling it as it is.`);
      return { resolved };
    }
    const host = registry.platformMatcher(hostPlatform());
    const entries = registry.selectManifests(fetched.index, 'all').filter((d): d is typeof d & { platform: Platform } => !!d.platform);
    const items: PlatformItem[] = entries.map((d) => ({
      label: formatPlatform(d.platform), description: host.match(d.platform) ? 'runs on this host' : undefined, platform: d.platform,
    }));
    items.sort((a, b) => Number(!!b.description) - Number(!!a.description));
    items.push({ label: '$(layers) All platforms', description: `${entries.length} images; the host's is unpacked`, platform: 'all' });
    const picked = await deps.host().pick(items, { title: `Platform of ${reference}` });
    if (!picked?.length) throw new Cancelled();
    return { platform: picked[0].platform, resolved };
  } catch (e) {
    client.close();
    throw e;
  }
}

export async function pullImage(deps: CommandDeps, logins: RegistryLogins, history: PullHistory, arg: unknown): Promise<Image | undefined> {
  const namespace = isNode(arg, 'namespace') ? arg.name : isPullArgs(arg) && arg.namespace ? arg.namespace : deps.active.name;
  let reference: string;
  let platform: PlatformChoice | undefined;
  let resolved: Resolved | undefined;
  if (typeof arg === 'string' || isPullArgs(arg)) {
    reference = registry.parseReference(typeof arg === 'string' ? arg : arg.reference).toString();
    platform = isPullArgs(arg) ? arg.platform : undefined;
  } else {
    const choice = await promptReference(deps.host(), `Pull Image into namespace ${namespace}`, history.list(), formatPlatform(hostPlatform()));
    if (!choice) throw new Cancelled();
    reference = choice.reference;
    if (choice.choosePlatform) ({ platform, resolved } = await choosePlatform(deps, logins, reference));
  }
  try {
    return await pullResolved(deps, logins, history, namespace, reference, platform, resolved);
  } finally {
    resolved?.registry.close();
  }
}

async function pullResolved(
  deps: CommandDeps, logins: RegistryLogins, history: PullHistory, namespace: string, reference: string, platform: PlatformChoice | undefined, resolved: Resolved | undefined,
): Promise<Image | undefined> {
  const client = await clientFor(deps, namespace);
  const settings = pullSettings(deps.log);
  const transfer = new RegistryTransfer<PullProgress>(deps, 'Pull', reference, describePullProgress);
  const familiar = transfer.familiar;
  deps.log.info(`Pulling ${reference} into namespace ${namespace}${platform ? ` (${platform === 'all' ? 'all platforms' : formatPlatform(platform)})` : ''}`);
  try {
    const image = await transfer.run(logins, settings, (options) => pull(client, reference, { platform, ...options, ...(resolved ? { registry: resolved.registry, resolved: resolved.target } : {}) }));
    await history.add(reference);
    const summary = transfer.summary(summarisePull);
    deps.log.info(`Pulled ${reference} into namespace ${namespace}: ${summary}`);
    deps.host().info(`Pulled ${familiar} into ${namespace} (${summary}).`);
    return image;
  } catch (e) {
    if (e instanceof CancelledError) {
      deps.log.info(`Pull of ${reference} cancelled`);
      // containerd's Transfer drops its partial downloads; the client-side pull keeps them.
      const resumable = transfer.method?.method === 'transfer' ? '' : ' Partly downloaded layers are kept: pulling again resumes them.';
      deps.host().info(`Pull of ${familiar} cancelled.${resumable}`);
      throw new Cancelled();
    }
    if (e instanceof registry.RegistryAuthError) throw transfer.authFailed(logins, e);
    // A network failure is worth a one-click retry (which resumes); a typo is not worth remembering.
    if (e instanceof registry.RegistryUnreachableError) await history.add(reference).catch(() => undefined);
    throw new Error(`Pull of ${familiar} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
