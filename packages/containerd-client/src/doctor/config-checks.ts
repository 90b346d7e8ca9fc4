// Checks of containerd's configuration: the config file (parses, right `version` for the daemon) and registries
// configured as insecure (the setting containerd.insecureRegistries, and hosts.toml skip_verify / http servers).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isLoopbackHost, parseHostsToml } from '../registry/hosts';
import { MAX_CONFIG_FILE_BYTES, pluginSetting, type ConfigFacts } from './config-file';
import { parseVersion } from './host-checks';
import { restartStep } from './systemd';
import type { CheckResult } from './types';

const CONFIG_WHY = 'containerd refuses to start on a config file it cannot parse, and a config whose "version" does not match the daemon is migrated at every start (2.x reading version 2) or not understood at all (1.x reading version 3): settings you made are then silently ignored.';

/** The config `version` a daemon expects: 2 for 1.x, 3 for 2.x; undefined when its version is unknown. */
export function expectedConfigVersion(daemonVersion: string | undefined): 2 | 3 | undefined {
  const v = daemonVersion ? parseVersion(daemonVersion) : undefined;
  if (!v) return undefined;
  return v.parts[0] >= 2 ? 3 : 2;
}

/** `systemd`: whether systemd is the init system (how the fix restarts containerd). */
export function checkConfigFile(facts: ConfigFacts, daemonVersion: string | undefined, systemd: boolean): CheckResult {
  const base = { id: 'config', title: 'containerd config file', why: CONFIG_WHY };
  const file = facts.path;
  const backup: CheckResult['fix'][number] = { text: 'keep a copy first', command: `sudo cp ${file} ${file}.bak` };
  const daemon = daemonVersion ? `containerd ${daemonVersion}` : 'containerd (version unknown)';
  switch (facts.state) {
    case 'missing':
      return { ...base, status: 'pass', detail: `No config file at ${file}: ${daemon} runs with its defaults. (If containerd reads another file, set containerd.configPath.)`, fix: [] };
    case 'unreadable':
      return { ...base, status: 'warn', detail: `${facts.error}. The other checks assume containerd's defaults.`, fix: [{ text: 'read it as root to check it', command: `sudo cat ${file}` }] };
    case 'invalid':
      if (facts.unsupported) {
        return { ...base, status: 'warn', detail: `${file} uses TOML this check cannot read (${facts.error}); it may well be valid. The other checks assume containerd's defaults.`, fix: [{ text: 'let containerd itself parse it (prints the merged config, or the error)', command: `containerd --config ${file} config dump` }] };
      }
      return {
        ...base, status: 'fail',
        detail: `${file} is not valid TOML: ${facts.error}. containerd will not start with it.`,
        fix: [
          { text: `fix the file at line ${facts.line ?? '?'}`, command: `sudoedit ${file}` },
          { text: 'check that containerd parses it now', command: `containerd --config ${file} config dump` },
          restartStep(systemd),
        ],
      };
    case 'ok':
      break;
  }
  const version = facts.version;
  const expected = expectedConfigVersion(daemonVersion);
  const has = version === undefined ? 'has no "version" (read as version 1)' : `has version = ${version}`;
  if (expected === undefined) {
    return { ...base, status: 'pass', detail: `${file} parses and ${has}; the daemon's version is unknown, so whether it matches is not checked.`, fix: [] };
  }
  if ((version ?? 1) === expected) return { ...base, status: 'pass', detail: `${file} parses and has version = ${expected}, as ${daemon} expects.`, fix: [] };
  if (expected === 3 && version === 2) {
    return {
      ...base, status: 'warn', detail: `${file} ${has}; ${daemon} expects version 3 and migrates the file in memory at every start.`,
      fix: [backup, { text: 'write the migrated config', command: `sudo containerd --config ${file} config migrate | sudo tee ${file}.v3 >/dev/null && sudo mv ${file}.v3 ${file}` }, restartStep(systemd)],
    };
  }
  if (expected === 2 && (version ?? 1) === 1) {
    return {
      ...base, status: 'warn', detail: `${file} ${has}: the old format, deprecated; ${daemon} expects version 2.`,
      fix: [backup, { text: 'see the version 2 defaults to copy your settings into (plugin names differ: [plugins.cri] becomes [plugins."io.containerd.grpc.v1.cri"])', command: 'containerd config default' }, { text: 'edit the file: version = 2 and the new plugin names', command: `sudoedit ${file}` }],
    };
  }
  return {
    ...base, status: 'fail', detail: `${file} ${has}, which ${daemon} does not read (it expects version ${expected}).`,
    fix: [backup, { text: `see the defaults of this containerd (version ${expected})`, command: 'containerd config default' }, { text: `rewrite the file in that format`, command: `sudoedit ${file}` }, restartStep(systemd)],
  };
}

/** hosts.toml folders: the CRI plugin's registry config_path when set (1.x and 2.x names), else the default. */
export function certsDirOf(facts: ConfigFacts, fallback = '/etc/containerd/certs.d'): string {
  const p = pluginSetting(facts, ['io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.images'], ['registry', 'config_path']);
  return p && p.startsWith('/') ? p.split(':')[0] : fallback;
}

interface InsecureHost { where: string; what: string; loopback: boolean }

/** Every hosts.toml under certsDir that turns TLS verification off or talks plain HTTP. */
export function insecureHostsIn(certsDir: string): { found: InsecureHost[]; problems: string[] } {
  const found: InsecureHost[] = [];
  const problems: string[] = [];
  let names: string[] = [];
  try { names = fs.readdirSync(certsDir); } catch { return { found, problems }; }
  for (const name of names.sort()) {
    const file = path.join(certsDir, name, 'hosts.toml');
    let text: string;
    try {
      if (fs.statSync(file).size > MAX_CONFIG_FILE_BYTES) { problems.push(`${file} is too large to read`); continue; }
      text = fs.readFileSync(file, 'utf8');
    } catch { continue; }
    try {
      for (const h of parseHostsToml(text, path.dirname(file), file)) {
        const host = h.host || name;
        const loopback = isLoopbackHost(host) || isLoopbackHost(name);
        if (h.skipVerify) found.push({ where: file, what: `skip_verify = true for ${host}`, loopback });
        if (h.scheme === 'http' && h.host) found.push({ where: file, what: `plain HTTP to ${h.host}`, loopback });
      }
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  return { found, problems };
}

export function checkInsecureRegistries(setting: readonly string[], certsDir: string): CheckResult {
  const base = { id: 'insecure-registries', title: 'Registries configured as insecure', why: 'A registry reached over plain HTTP or with TLS verification off can be impersonated: whoever sits on the network path can serve you other images, or read the credentials sent to it. Loopback registries (localhost:5000) are fine.' };
  const fromSetting: InsecureHost[] = setting.map((s) => ({ where: 'setting containerd.insecureRegistries', what: s, loopback: isLoopbackHost(s.replace(/^[a-z]+:\/\//, '').split('/')[0]) }));
  const { found, problems } = insecureHostsIn(certsDir);
  const all = [...fromSetting, ...found];
  const risky = all.filter((h) => !h.loopback);
  const lines = all.map((h) => `${h.what} (${h.where})${h.loopback ? ', loopback' : ''}`);
  const broken = problems.length ? ` Unreadable hosts.toml: ${problems.join('; ')}.` : '';
  if (!risky.length) {
    const none = lines.length ? `Only loopback registries are insecure: ${lines.join('; ')}.` : `No insecure registries (setting containerd.insecureRegistries and ${certsDir}).`;
    return { ...base, status: problems.length ? 'warn' : 'pass', detail: `${none}${broken}`, fix: problems.length ? [{ text: 'fix the hosts.toml files named above', command: `ls ${certsDir}` }] : [] };
  }
  const fix: CheckResult['fix'] = [];
  if (risky.some((h) => h.where.startsWith('setting'))) fix.push({ text: 'Remove the entries from the setting containerd.insecureRegistries (Containerd: Open Settings) once the registry serves HTTPS.' });
  for (const h of risky.filter((x) => !x.where.startsWith('setting'))) {
    fix.push({ text: `in ${h.where}: drop skip_verify, use an https:// server and trust the registry's CA (ca = "${path.dirname(h.where)}/ca.crt")`, command: `sudoedit ${h.where}` });
  }
  return { ...base, status: 'warn', detail: `${risky.length} insecure: ${lines.join('; ')}.${broken}`, fix };
}
