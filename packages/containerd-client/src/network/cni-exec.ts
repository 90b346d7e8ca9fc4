// The CNI protocol (SPEC 1.0) over execFile: each plugin of a list runs with CNI_COMMAND, CNI_CONTAINERID,
// CNI_NETNS, CNI_IFNAME, CNI_PATH (and CNI_ARGS) in its environment and its own config on stdin, with the list's
// cniVersion and name, the previous plugin's result as `prevResult`, and `runtimeConfig` holding the capabilities
// it declares (portMappings). ADD runs in list order, DEL and CHECK in reverse / in order with the cached result.
// Runs on one network are serialized (plugins are not safe to run concurrently on one network).
import { execFile } from 'node:child_process';
import type { PluginConf } from './config';
import { findPlugin } from './config';
import { CniPluginError, CniPluginsMissingError, IptablesMissingError, NetworkPermissionError } from './errors';
import type { PortMapping } from './ports';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK';

/** A network list as the executor needs it (from config.ts's CniNetwork or the state file's cached copy). */
export interface NetworkList { name: string; cniVersion: string; plugins: PluginConf[] }

export interface Attachment {
  containerId: string;
  netns: string;
  ifName: string;
  binDirs: readonly string[];
  portMappings?: readonly PortMapping[];
  /** CNI_ARGS pairs, e.g. IP=10.4.0.5 to ask host-local for the address kept from the previous start. */
  args?: Record<string, string>;
}

/** A CNI result (the parts we read; everything else is kept as the plugin wrote it). */
export interface CniResult {
  cniVersion?: string;
  interfaces?: { name: string; mac?: string; sandbox?: string }[];
  ips?: { address: string; gateway?: string; interface?: number }[];
  [key: string]: unknown;
}

const locks = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier call with the same key has settled. */
export function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
  const prev = locks.get(key) ?? Promise.resolve();
  const next = prev.then(work, work);
  const tail = next.catch(() => undefined);
  locks.set(key, tail);
  void tail.then(() => { if (locks.get(key) === tail) locks.delete(key); });
  return next;
}

function pluginStdin(list: NetworkList, plugin: PluginConf, att: Attachment, prevResult?: CniResult): string {
  const conf: Record<string, unknown> = { ...plugin, cniVersion: list.cniVersion, name: list.name };
  if (prevResult) conf.prevResult = prevResult;
  const runtimeConfig: Record<string, unknown> = {};
  if (takesPortMappings(plugin) && att.portMappings?.length) {
    runtimeConfig.portMappings = att.portMappings.map((p) => ({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol, ...(p.hostIP ? { hostIP: p.hostIP } : {}) }));
  }
  if (Object.keys(runtimeConfig).length) conf.runtimeConfig = runtimeConfig;
  return JSON.stringify(conf);
}

/** The typed error for a plugin's failure: permission, iptables missing, or the plugin's own CNI error. */
function pluginError(type: string, command: CniCommand, stdout: string, stderr: string, err: Error): Error {
  let code: number | undefined;
  let detail = '';
  try {
    const e = JSON.parse(stdout) as { code?: number; msg?: string; details?: string };
    code = e.code;
    detail = [e.msg, e.details].filter(Boolean).join(': ');
  } catch { /* not a CNI error object */ }
  detail ||= stderr.trim() || err.message;
  if (/operation not permitted|permission denied/i.test(detail)) return new NetworkPermissionError(`CNI plugin "${type}" (${command})`, { cause: err });
  if (/iptables.*(not found|no such file)|(executable file not found|not found).*iptables/i.test(detail)) return new IptablesMissingError(type, { cause: err });
  return new CniPluginError(type, command, code, detail, { cause: err });
}

/** Runs one plugin; resolves with its parsed stdout (DEL and CHECK may print nothing). */
export function execPlugin(command: CniCommand, list: NetworkList, plugin: PluginConf, att: Attachment, prevResult?: CniResult): Promise<CniResult | undefined> {
  const file = findPlugin(att.binDirs, plugin.type);
  if (!file) return Promise.reject(new CniPluginsMissingError([plugin.type], att.binDirs));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    CNI_COMMAND: command,
    CNI_CONTAINERID: att.containerId,
    CNI_NETNS: att.netns,
    CNI_IFNAME: att.ifName,
    CNI_PATH: att.binDirs.join(':'),
  };
  const args = Object.entries(att.args ?? {});
  if (args.length) env.CNI_ARGS = ['IgnoreUnknown=1', ...args.map(([k, v]) => `${k}=${v}`)].join(';');
  return new Promise((resolve, reject) => {
    const child = execFile(file, [], { env, timeout: 60_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) { reject(pluginError(plugin.type, command, String(stdout), String(stderr), err)); return; }
      const text = String(stdout).trim();
      if (!text) { resolve(undefined); return; }
      try { resolve(JSON.parse(text) as CniResult); } catch { reject(new CniPluginError(plugin.type, command, undefined, `printed no JSON result: ${text.slice(0, 200)}`)); }
    });
    child.stdin?.end(pluginStdin(list, plugin, att, prevResult));
  });
}

/** DEL of the whole list in reverse order with the cached result; every plugin runs even when one fails (the first error is thrown). */
async function delList(list: NetworkList, att: Attachment, cached?: CniResult): Promise<void> {
  let first: unknown;
  for (const plugin of [...list.plugins].reverse()) {
    await execPlugin('DEL', list, plugin, att, cached).catch((e) => { first ??= e; });
  }
  if (first) throw first;
}

/** The plugin declares the portMappings capability (portmap): it publishes host ports. */
export function takesPortMappings(plugin: PluginConf): boolean {
  return typeof plugin.capabilities === 'object' && plugin.capabilities !== null && (plugin.capabilities as Record<string, unknown>).portMappings === true;
}

/**
 * ADD in list order; the last plugin's result is the network's result. A plugin failing mid-list is followed by DEL
 * of the whole list (plugins must tolerate DEL of what they never made), so no address, veth or rule is left.
 * `portsFree`: a host-port check running meanwhile, awaited before the first plugin that publishes ports (portmap);
 * its failure is handled like a plugin's.
 */
export function addNetwork(list: NetworkList, att: Attachment, lockKey = list.name, portsFree?: Promise<void>): Promise<CniResult> {
  return serialized(lockKey, async () => {
    let result: CniResult | undefined;
    try {
      for (const plugin of list.plugins) {
        if (portsFree && takesPortMappings(plugin)) await portsFree;
        result = (await execPlugin('ADD', list, plugin, att, result)) ?? result;
      }
    } catch (e) {
      await delList(list, att, result).catch(() => undefined);
      throw e;
    }
    if (!result) throw new CniPluginError(list.plugins[list.plugins.length - 1].type, 'ADD', undefined, 'returned no result');
    return result;
  });
}

/** DEL (see delList); a netns that is gone is passed as '' so plugins only release what is theirs (leases, rules). */
export function delNetwork(list: NetworkList, att: Attachment, cached?: CniResult, lockKey = list.name): Promise<void> {
  return serialized(lockKey, () => delList(list, att, cached));
}

/** CHECK in list order with the cached result (CNI 0.4.0+ lists). */
export function checkNetwork(list: NetworkList, att: Attachment, cached: CniResult, lockKey = list.name): Promise<void> {
  return serialized(lockKey, async () => {
    for (const plugin of list.plugins) await execPlugin('CHECK', list, plugin, att, cached);
  });
}

/** The IPv4/IPv6 addresses (without prefix length) of the result's container interfaces. */
export function resultAddresses(result: CniResult | undefined): string[] {
  return (result?.ips ?? []).map((ip) => ip.address.split('/')[0]);
}
