// Container and exec specs built the way containerd 1.6's Go client builds them for
// `ctr run` / `ctr containers create` / `ctr tasks exec`: the same SpecOpts, in the same order,
// so a container we create looks like one ctr created (test/fixtures/ctr-spec-*.json).
import * as os from 'os';
import { DEFAULT_UNIX_ENV, defaultSpec, withDefaultUnixDevices } from './spec-defaults';
import { Mount, Process, Spec } from './runtime-spec-types';
import { resolveImageUser, resolveUser } from './user';

/**
 * The fields of an OCI image config blob that the spec is built from. Structural on purpose:
 * image-types.ts's ImageConfig fits it. Docker-written configs carry `null` for unset lists.
 */
export interface SpecImageConfig {
  config?: {
    User?: string | null;
    Env?: string[] | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string | null;
  } | null;
}

export interface BindMount {
  source: string;
  destination: string;
  readonly: boolean;
}

export interface HostFiles {
  /** Host file bind-mounted read-only on /etc/resolv.conf; default /etc/resolv.conf with host network. */
  resolvConf?: string;
  /** Host file bind-mounted read-only on /etc/hosts; default /etc/hosts with host network. */
  hosts?: string;
  /**
   * Host network: the HOSTNAME env value (ctr --net-host uses the host's name, the default).
   * Own network: the container's hostname (spec.hostname, as oci.WithHostname).
   */
  hostname?: string;
}

export interface ContainerSpecOptions {
  namespace: string;
  id: string;
  imageConfig: SpecImageConfig;
  /** Contents of the image's /etc/passwd and /etc/group; undefined = the image has none. */
  passwd?: string;
  group?: string;
  /** Replaces the image's Entrypoint + Cmd (as ctr's trailing args do). */
  args?: string[];
  /** Merged over the image's Env by key; `KEY=` sets empty. */
  env?: string[];
  cwd?: string;
  /** Replaces the image's User: any form resolveUser accepts. */
  user?: string;
  tty: boolean;
  hostNetwork: boolean;
  hostFiles?: HostFiles;
  mounts?: BindMount[];
  /** Become spec annotations, as ctr's --label does (container labels are set apart). */
  labels?: Record<string, string>;
}

export interface ProcessSpecOptions {
  args: string[];
  env?: string[];
  cwd?: string;
  /** Any form resolveUser accepts, resolved against passwd/group like `ctr tasks exec --user`. */
  user?: string;
  passwd?: string;
  group?: string;
  tty: boolean;
}

/** No command: runc would refuse the spec at task start; say so when the spec is built. */
export class NoCommandError extends Error {
  override readonly name = 'NoCommandError';
  constructor(what: string) {
    super(`${what} has no command: the image sets neither Entrypoint nor Cmd and no arguments were given`);
  }
}

/**
 * containerd's replaceOrAppendEnvValues: an override `KEY=v` replaces the default with that key
 * or is appended; a bare `KEY` removes the default. Later duplicates of a new key are appended
 * too, exactly as containerd does.
 */
export function mergeEnv(defaults: readonly string[], overrides: readonly string[]): string[] {
  const index = new Map<string, number>();
  const results = defaults.map((e, i) => {
    index.set(e.split('=', 1)[0], i);
    return e;
  });
  for (const value of overrides) {
    const eq = value.indexOf('=');
    const i = index.get(eq < 0 ? value : value.slice(0, eq));
    if (eq < 0) {
      if (i !== undefined) results[i] = '';
    } else if (i !== undefined) {
      results[i] = value;
    } else {
      results.push(value);
    }
  }
  return results.filter((e) => e !== '');
}

function bindMount(source: string, destination: string, readonly: boolean): Mount {
  return { destination, type: 'bind', source, options: ['rbind', readonly ? 'ro' : 'rw'] };
}

/** Rebuilds a Process in the runtime-spec's field order so our JSON reads like containerd's. */
function ordered(p: Process): Process {
  const out: Process = {} as Process;
  const keys: (keyof Process)[] = ['terminal', 'consoleSize', 'user', 'args', 'commandLine', 'env', 'cwd',
    'capabilities', 'rlimits', 'noNewPrivileges', 'apparmorProfile', 'oomScoreAdj', 'selinuxLabel'];
  for (const k of [...keys, ...(Object.keys(p) as (keyof Process)[]).filter((k) => !keys.includes(k))]) {
    if (p[k] !== undefined) Object.assign(out, { [k]: p[k] });
  }
  return out;
}

/**
 * ctr's NewContainer minus what is not the spec's business (snapshot, runtime, labels):
 * WithDefaultSpec, WithDefaultUnixDevices, WithEnv(env), WithMounts(binds), WithImageConfig
 * (user override resolved in its place, like nerdctl's --user), WithProcessArgs(args),
 * WithProcessCwd, WithTTY, then for host network WithHostNamespace(network) +
 * WithHostHostsFile + WithHostResolvconf + WithEnv(HOSTNAME=...), then WithAnnotations(labels).
 */
export function buildContainerSpec(opts: ContainerSpecOptions): Spec {
  const spec = withDefaultUnixDevices(defaultSpec(opts.namespace, opts.id));
  const proc = spec.process as Process;
  const linux = spec.linux ?? {};
  const mounts = (spec.mounts ??= []);
  const ic = opts.imageConfig.config ?? {};

  // WithEnv on the empty default process env drops bare `KEY` removals before the image's
  // Env is merged: so does containerd (ctr --env FOO does not unset an image's FOO).
  const extraEnv = mergeEnv([], opts.env ?? []);
  for (const m of opts.mounts ?? []) mounts.push(bindMount(m.source, m.destination, m.readonly));

  // WithImageConfig
  const imageEnv = ic.Env && ic.Env.length > 0 ? ic.Env : DEFAULT_UNIX_ENV;
  proc.env = mergeEnv(imageEnv, extraEnv);
  proc.args = [...(ic.Entrypoint ?? []), ...(ic.Cmd ?? [])];
  proc.cwd = ic.WorkingDir || '/';
  proc.user = resolveImageUser(opts.user || ic.User || undefined, opts.passwd, opts.group);

  if (opts.args && opts.args.length > 0) proc.args = [...opts.args];
  if (proc.args.length === 0) throw new NoCommandError(`container ${opts.id}`);
  if (opts.cwd) proc.cwd = opts.cwd;
  if (opts.tty) {
    proc.terminal = true;
    proc.env.push('TERM=xterm'); // appended even when TERM is set, as WithTTY does
  }

  const files = opts.hostFiles ?? {};
  if (opts.hostNetwork) {
    linux.namespaces = (linux.namespaces ?? []).filter((n) => n.type !== 'network');
    mounts.push(bindMount(files.hosts ?? '/etc/hosts', '/etc/hosts', true));
    mounts.push(bindMount(files.resolvConf ?? '/etc/resolv.conf', '/etc/resolv.conf', true));
    proc.env = mergeEnv(proc.env, [`HOSTNAME=${files.hostname ?? os.hostname()}`]);
  } else {
    // Own network namespace: host files only when asked for, and a hostname of its own.
    if (files.hosts) mounts.push(bindMount(files.hosts, '/etc/hosts', true));
    if (files.resolvConf) mounts.push(bindMount(files.resolvConf, '/etc/resolv.conf', true));
    if (files.hostname) spec.hostname = files.hostname;
  }

  const result: Spec = { ociVersion: spec.ociVersion, process: ordered(proc), root: spec.root };
  if (spec.hostname) result.hostname = spec.hostname;
  result.mounts = mounts;
  if (opts.labels && Object.keys(opts.labels).length > 0) result.annotations = { ...opts.labels };
  result.linux = linux;
  return result;
}

/**
 * What `ctr tasks exec` sends: the container spec's process with args and terminal replaced,
 * cwd if given, user through oci.WithUser (primary gid only, no /etc/group membership, like
 * ctr), and env merged over the container's by key. No TERM is added for a tty, as in ctr.
 */
export function buildProcessSpec(base: Process | undefined, opts: ProcessSpecOptions): Process {
  if (opts.args.length === 0) throw new NoCommandError('exec');
  const proc: Process = base ? structuredClone(base) : { user: { uid: 0, gid: 0 }, cwd: '/' };
  proc.args = [...opts.args];
  if (opts.tty) proc.terminal = true;
  else delete proc.terminal;
  if (opts.cwd) proc.cwd = opts.cwd;
  if (opts.env && opts.env.length > 0) proc.env = mergeEnv(proc.env ?? [], opts.env);
  if (opts.user) proc.user = resolveUser(opts.user, opts.passwd, opts.group);
  return ordered(proc);
}
