// Who uses a network, and what addresses nerdctl's containers got: `nerdctl/networks` labels across namespaces
// (ours and nerdctl's containers carry them), and libcni's result cache (`<cacheDir>/results/<net>-<id>-<if>`),
// where nerdctl's (and ctr's) ADD results are kept.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerdClient } from '../client';
import { readNetworkLabels } from './labels';

/** Every container on a CNI network, as `<namespace>/<id>` by network name: one listing of all namespaces. */
export async function containersByNetwork(client: ContainerdClient): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const ns of await client.namespaces.list()) {
    const name = typeof ns === 'string' ? ns : ns.name;
    for (const c of await client.withNamespace(name).containers.list([], { spec: false })) {
      for (const network of readNetworkLabels(c.labels).networks) out.set(network, [...(out.get(network) ?? []), `${name}/${c.id}`]);
    }
  }
  for (const list of out.values()) list.sort();
  return out;
}

/** `namespace/id` of every container, in any namespace, whose labels name `network`. */
export async function containersOnNetwork(client: ContainerdClient, network: string): Promise<string[]> {
  return (await containersByNetwork(client)).get(network) ?? [];
}

/** Addresses libcni cached for a container (nerdctl, ctr --cni), by network name; `cacheDir` default /var/lib/cni. */
export function cachedCniAddresses(containerId: string, cacheDir = '/var/lib/cni'): Record<string, string[]> {
  const dir = path.join(cacheDir, 'results');
  const out: Record<string, string[]> = {};
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return out; }
  for (const n of names.filter((x) => x.includes(`-${containerId}-`))) {
    try {
      const doc = JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as { containerId?: string; networkName?: string; result?: { ips?: { address?: string }[] } };
      if (doc.containerId !== containerId || !doc.networkName) continue;
      const ips = (doc.result?.ips ?? []).map((i) => String(i.address ?? '').split('/')[0]).filter(Boolean);
      out[doc.networkName] = [...(out[doc.networkName] ?? []), ...ips];
    } catch { /* not a cache entry */ }
  }
  return out;
}
