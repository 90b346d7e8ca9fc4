// Reads containerd's config file once for all checks: whether it parses (the project's TOML reader), its
// `version`, `root`, and the few plugin settings other checks need. A missing file is fine: containerd's defaults.
import * as fs from 'node:fs/promises';
import { parseToml, TomlError, type TomlTable, type TomlValue } from '../registry/toml';
import { DEFAULT_ROOT } from './types';

/** Larger than any real config.toml; a bigger file is not read (a setting may point anywhere). */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

export type ConfigFacts =
  | { path: string; state: 'missing' }
  | { path: string; state: 'unreadable'; error: string }
  | { path: string; state: 'invalid'; error: string; line?: number; unsupported: boolean }
  | { path: string; state: 'ok'; doc: TomlTable; version?: number };

const isTable = (v: TomlValue | undefined): v is TomlTable => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function readConfig(path: string): Promise<ConfigFacts> {
  let text: string;
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) return { path, state: 'unreadable', error: `${path} is not a regular file` };
    if (st.size > MAX_CONFIG_FILE_BYTES) return { path, state: 'unreadable', error: `${path} is ${st.size} bytes, more than the ${MAX_CONFIG_FILE_BYTES} a containerd config can reasonably be` };
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path, state: 'missing' };
    return { path, state: 'unreadable', error: `cannot read ${path}: ${code ?? String(e)}` };
  }
  try {
    const doc = parseToml(text);
    const v = doc['version'];
    return { path, state: 'ok', doc, ...(typeof v === 'number' ? { version: v } : {}) };
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    // Our reader covers what containerd configs use; a construct it lacks is not the file's fault.
    return { path, state: 'invalid', error: e.message, line: e.line, unsupported: / not supported/.test(e.message) };
  }
}

/** A value at a dotted path of tables (`['plugins', 'io.containerd.grpc.v1.cri', 'cni', 'bin_dir']`). */
export function configValue(facts: ConfigFacts, keys: string[]): TomlValue | undefined {
  if (facts.state !== 'ok') return undefined;
  let cur: TomlValue | undefined = facts.doc;
  for (const k of keys) {
    if (!isTable(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** containerd's root: the config's `root`, else /var/lib/containerd. */
export function configRoot(facts: ConfigFacts): string {
  const r = configValue(facts, ['root']);
  return typeof r === 'string' && r.startsWith('/') ? r : DEFAULT_ROOT;
}

/** The plugin ids (`io.containerd.snapshotter.v1.devmapper`) that have a section in the config. */
export function configuredPlugins(facts: ConfigFacts): string[] {
  const plugins = configValue(facts, ['plugins']);
  return isTable(plugins) ? Object.keys(plugins) : [];
}

/** A string setting of a plugin, looked up in each of `pluginIds` (1.x and 2.x names differ). */
export function pluginSetting(facts: ConfigFacts, pluginIds: string[], keys: string[]): string | undefined {
  for (const id of pluginIds) {
    const v = configValue(facts, ['plugins', id, ...keys]);
    if (typeof v === 'string' && v) return v;
  }
  return undefined;
}

/** The CRI plugin that holds the runtimes: 1.x, then 2.x (config version 3). */
const CRI_RUNTIME_PLUGINS = ['io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.runtime'];
const RUNC_SHIM = 'io.containerd.runc.v2';

/**
 * The binary the runc v2 shim runs instead of `runc`, when the config names one: `options.BinaryName` of the
 * default runtime (default_runtime_name, else `runc`) or of the `runc` runtime, when that runtime is the runc shim.
 * `where` is the setting's path, for messages.
 */
export function configuredRuncBinary(facts: ConfigFacts): { name: string; where: string } | undefined {
  for (const id of CRI_RUNTIME_PLUGINS) {
    const runtimes = configValue(facts, ['plugins', id, 'containerd', 'runtimes']);
    if (!isTable(runtimes)) continue;
    const defaultName = configValue(facts, ['plugins', id, 'containerd', 'default_runtime_name']);
    for (const name of new Set([typeof defaultName === 'string' && defaultName ? defaultName : 'runc', 'runc'])) {
      const runtime = runtimes[name];
      if (!isTable(runtime)) continue;
      const type = runtime['runtime_type'];
      if (type !== undefined && type !== RUNC_SHIM) continue; // another shim (kata, gVisor…): not runc's options
      const options = runtime['options'];
      const binary = isTable(options) ? options['BinaryName'] : undefined;
      if (typeof binary === 'string' && binary.trim()) return { name: binary.trim(), where: `plugins."${id}".containerd.runtimes.${name}.options.BinaryName in ${facts.path}` };
    }
  }
  return undefined;
}
