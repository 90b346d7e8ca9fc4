// The last step of Create Container…: a list of the optional settings with their current values. Picking one
// edits it; "Create" (or "Create and Start") ends the loop. Every value is validated where it is typed, and bind
// mounts of the host's root or of sensitive host paths are confirmed right before the container is made. Network:
// none, host, or a CNI network (bridge, written on first use, and each one in containerd.cni.confDir); ports
// (`[hostIP:]hostPort:containerPort[/tcp|udp]`, several) only on a CNI network.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  containerdSocketPath, DEFAULT_RUNTIME, envEntryProblem, identifierProblem, InvalidArgumentError, joinCommandLine, parseEnvList, parseLabelList,
  network as cni, resolveBindMount, resolveBindMounts, resolveMountSource, type BindMount, type oci,
} from '@containerd-explorer/client';
import { formatPortList, parsePortList } from '../../views/networks/network-format';
import { Cancelled, type Host } from '../shared/host';

export interface OptionalSettings {
  env: string[];
  cwd?: string;
  user?: string;
  /** `none`, `host` or a CNI network name (`bridge`: the default network). */
  network: string;
  /** Published ports (CNI networks only). */
  ports: cni.PortMapping[];
  hostname?: string;
  mounts: BindMount[];
  labels: Record<string, string>;
  runtime: string;
}

export interface ImageDefaults { cwd: string; user: string; env: string[] }

export function imageDefaults(config: oci.ImageConfig): ImageDefaults {
  const c = config.config ?? {};
  return { cwd: c.WorkingDir || '/', user: c.User || 'root (uid 0)', env: c.Env ?? [] };
}

type Action = 'create' | 'start' | 'env' | 'cwd' | 'user' | 'network' | 'ports' | 'hostname' | 'mounts' | 'labels' | 'runtime';
interface Item extends vscode.QuickPickItem { action: Action }

const parses = (parse: (v: string) => unknown) => (v: string): string | undefined => {
  try { parse(v); return undefined; } catch (e) { return (e as Error).message; }
};

/** parseEnvList, then the rules createContainer applies (so what is accepted here is not refused later). */
function parseEnv(v: string): string[] {
  const entries = parseEnvList(v);
  for (const e of entries) {
    const problem = envEntryProblem(e);
    if (problem) throw new InvalidArgumentError(problem);
  }
  return entries;
}

/** `src → dst (ro)`, with where a symlinked source really points and a warning sign on risky mounts. */
function describeMount(m: BindMount): string {
  let note = '';
  try {
    const r = resolveBindMount(m, { allowHostRoot: true });
    if (r.resolvedSource !== m.source) note += ` (= ${r.resolvedSource})`;
    if (r.warning) note += r.hostRoot ? " $(warning) the host's root" : ' $(warning) sensitive';
  } catch (e) {
    note = ` $(error) ${(e as Error).message}`;
  }
  return `${m.source} → ${m.destination}${m.readonly ? ' (ro)' : ''}${note}`;
}

function describe(s: OptionalSettings, d: ImageDefaults): Item[] {
  const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(' ');
  return [
    { label: '$(check) Create', description: 'create the container with these settings', action: 'create' },
    { label: '$(play) Create and Start', description: 'create it, then start its task', action: 'start' },
    { label: 'Environment', description: s.env.length ? joinCommandLine(s.env) : `image's (${d.env.length} variables)`, action: 'env' },
    { label: 'Working directory', description: s.cwd ?? `${d.cwd} (image)`, action: 'cwd' },
    { label: 'User', description: s.user ?? `${d.user} (image)`, action: 'user' },
    { label: 'Network', description: networkDescription(s.network), action: 'network' },
    ...(isCni(s.network) ? [{ label: 'Published ports', description: s.ports.length ? formatPortList(s.ports) : 'none', action: 'ports' as const }] : []),
    { label: 'Hostname', description: s.hostname ?? (isCni(s.network) ? 'the container id' : s.network === 'host' ? "the host's" : 'none set'), action: 'hostname' },
    { label: 'Bind mounts', description: s.mounts.length ? s.mounts.map(describeMount).join(', ') : 'none', action: 'mounts' },
    { label: 'Labels', description: labels || 'none', action: 'labels' },
    { label: 'Runtime', description: s.runtime, action: 'runtime' },
  ];
}

const isCni = (n: string): boolean => n !== 'none' && n !== 'host';

function networkDescription(n: string): string {
  if (n === 'host') return "host (the host's network namespace)";
  if (n === 'none') return 'none (loopback only)';
  return `${n} (CNI: own address, /etc/hosts and /etc/resolv.conf)`;
}

async function editNetwork(p: Host, s: OptionalSettings, cniNetworks: readonly string[]): Promise<void> {
  const names = [cni.DEFAULT_NETWORK, ...cniNetworks.filter((n) => n !== cni.DEFAULT_NETWORK)];
  const v = (await p.pick([
    { label: 'none', description: 'own network namespace with loopback only (default)' },
    { label: 'host', description: "the host's network namespace, /etc/hosts and /etc/resolv.conf" },
    ...names.map((n) => ({ label: n, description: n === cni.DEFAULT_NETWORK && !cniNetworks.includes(n) ? 'CNI default network (10.4.0.0/24, made on first use)' : 'CNI network' })),
  ], { title: 'Network' }))?.[0];
  if (!v) return;
  s.network = v.label;
  if (!isCni(s.network)) s.ports = [];
}

async function editMounts(p: Host, s: OptionalSettings): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  type MountItem = vscode.QuickPickItem & { source?: string; clear?: boolean };
  const items: MountItem[] = [
    ...folders.filter((f) => f.uri.scheme === 'file').map((f) => ({ label: `$(folder) ${f.name}`, description: f.uri.fsPath, source: f.uri.fsPath })),
    { label: '$(edit) Other path on this machine…' },
    ...(s.mounts.length ? [{ label: '$(trash) Remove all bind mounts', clear: true }] : []),
  ];
  const chosen = (await p.pick(items, { title: 'Bind mount: folder or file to share with the container' }))?.[0];
  if (!chosen) return;
  if (chosen.clear) { s.mounts = []; return; }
  const source = chosen.source ?? (await p.input({
    title: 'Bind mount: absolute path on this machine', prompt: 'It must exist (checked again when the container is created)',
    validateInput: (v) => {
      if (!path.isAbsolute(v.trim())) return 'Enter an absolute path, e.g. /srv/data';
      try { resolveMountSource(v.trim()); return undefined; } catch (e) { return (e as Error).message; }
    },
  }))?.trim();
  if (!source) return;
  const destination = (await p.input({
    title: `Bind mount: where ${source} appears in the container`, value: `/workspace/${path.basename(source) || 'host'}`,
    validateInput: (v) => (path.posix.isAbsolute(v.trim()) ? undefined : 'Enter an absolute path inside the container'),
  }))?.trim();
  if (!destination) return;
  const mode = (await p.pick([{ label: 'Read-write' }, { label: 'Read-only' }], { title: `Bind mount ${source} → ${destination}` }))?.[0];
  if (!mode) return;
  s.mounts = [...s.mounts.filter((m) => m.destination !== destination), { source, destination, readonly: mode.label === 'Read-only' }];
}

/**
 * Loops until the user picks Create or Create and Start (returns whether to start); Escape cancels the wizard.
 * `userProblem` checks a user against the image's /etc/passwd and /etc/group.
 */
export async function editOptions(p: Host, s: OptionalSettings, d: ImageDefaults, title: string, userProblem: (u: string) => Promise<string | undefined>, cniNetworks: readonly string[] = []): Promise<boolean> {
  for (;;) {
    const chosen = (await p.pick(describe(s, d), { title, placeHolder: 'Create, or pick a setting to change it' }))?.[0];
    if (!chosen) throw new Cancelled();
    switch (chosen.action) {
      case 'create': return false;
      case 'start': return true;
      case 'env': {
        const v = await p.input({ title: 'Extra environment (merged over the image\'s)', value: joinCommandLine(s.env), prompt: 'KEY=value entries separated by spaces; quote values with spaces', validateInput: parses(parseEnv) });
        if (v !== undefined) s.env = parseEnv(v);
        break;
      }
      case 'cwd': {
        const v = await p.input({ title: 'Working directory', value: s.cwd ?? d.cwd, validateInput: (x) => (!x.trim() || path.posix.isAbsolute(x.trim()) ? undefined : 'Enter an absolute path, e.g. /app') });
        if (v !== undefined) s.cwd = v.trim() && v.trim() !== d.cwd ? v.trim() : undefined;
        break;
      }
      case 'user': {
        const v = await p.input({ title: 'User (name, uid, user:group or uid:gid)', value: s.user ?? '', prompt: `Empty: the image's (${d.user})`, validateInput: (x) => (x.trim() ? userProblem(x.trim()) : undefined) });
        if (v !== undefined) s.user = v.trim() || undefined;
        break;
      }
      case 'network': await editNetwork(p, s, cniNetworks); break;
      case 'ports': {
        const v = await p.input({ title: `Published ports on ${s.network}`, value: formatPortList(s.ports), prompt: '[hostIP:]hostPort:containerPort[/tcp|udp], several separated by spaces, e.g. 8080:80', validateInput: parses(parsePortList) });
        if (v !== undefined) s.ports = parsePortList(v);
        break;
      }
      case 'hostname': {
        const v = await p.input({ title: 'Hostname', value: s.hostname ?? '', prompt: 'Empty: the container id on a CNI network', validateInput: (x) => (x.trim() ? cni.hostnameProblem(x.trim()) : undefined) });
        if (v !== undefined) s.hostname = v.trim() || undefined;
        break;
      }
      case 'mounts': await editMounts(p, s); break;
      case 'labels': {
        const v = await p.input({ title: 'Labels', value: Object.entries(s.labels).map(([k, x]) => joinCommandLine([`${k}=${x}`])).join(' '), prompt: 'key=value pairs separated by spaces', validateInput: parses(parseLabelList) });
        if (v !== undefined) s.labels = parseLabelList(v);
        break;
      }
      case 'runtime': {
        const v = await p.input({ title: 'Runtime', value: s.runtime, prompt: `e.g. ${DEFAULT_RUNTIME}`, validateInput: (x) => (x.trim() ? identifierProblem(x.trim(), 'runtime name') : undefined) });
        if (v !== undefined) s.runtime = v.trim() || DEFAULT_RUNTIME;
        break;
      }
    }
  }
}

/**
 * Resolves the bind mounts as createContainer will and, when one is the host's root or a sensitive host path, asks
 * to go on (declining cancels the wizard: nothing is made). Returns the mounts with their resolved sources (what
 * was confirmed is what createContainer checks again) and whether the host's root was allowed.
 */
export async function confirmMounts(p: Host, mounts: readonly BindMount[], id: string, address: string): Promise<{ mounts: BindMount[]; allowHostRoot: boolean }> {
  const resolved = resolveBindMounts(mounts, { allowHostRoot: true, sensitive: [containerdSocketPath(address)] });
  const risky = resolved.filter((m) => m.warning);
  const root = risky.find((m) => m.hostRoot);
  if (risky.length) {
    const message = root
      ? `Mount the host's root filesystem "/"${root.source !== '/' ? ` (${root.source} resolves to it)` : ''} ${root.readonly ? 'read-only' : 'read-write'} into ${id}?`
      : `Mount ${risky.length === 1 ? 'a sensitive host path' : 'sensitive host paths'} into ${id}?`;
    const detail = `${risky.map((m) => m.warning).join('\n')}\n\nA process in the container ${risky.some((m) => !m.readonly) ? 'can change these files as root' : 'can read these files'}.`;
    if (!(await p.confirm(message, { detail, action: 'Mount and Create' }))) throw new Cancelled();
  }
  return { mounts: resolved.map((m) => ({ source: m.resolvedSource, destination: m.destination, readonly: m.readonly })), allowHostRoot: root !== undefined };
}
