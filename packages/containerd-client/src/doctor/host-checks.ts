// Checks of the host around containerd: runc (present, new enough for the daemon), CNI plugins, the cgroup
// version, and the disk space left under containerd's root. Each reads only local files or runs `--version`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CheckResult, CommandRunner } from './types';

const GiB = 1024 ** 3;

/** `1.1.5+ds1`, `v1.2.0-rc.1` → [1, 1, 5, prerelease?]; undefined when unreadable. */
export function parseVersion(v: string): { parts: [number, number, number]; pre: boolean } | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(-[0-9A-Za-z.-]+)?/.exec(v.trim());
  return m ? { parts: [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)], pre: !!m[4] } : undefined;
}

/** a < b, a prerelease of a version counting below it. */
export function versionBelow(a: string, b: string): boolean {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return false;
  for (let i = 0; i < 3; i++) if (x.parts[i] !== y.parts[i]) return x.parts[i] < y.parts[i];
  return x.pre && !y.pre;
}

/** The oldest runc each containerd release line supports (their RELEASES.md). */
export function minimumRunc(daemonVersion: string | undefined): string {
  const v = daemonVersion ? parseVersion(daemonVersion) : undefined;
  if (v && (v.parts[0] >= 2 || (v.parts[0] === 1 && v.parts[1] >= 7))) return '1.1.0';
  return '1.0.0';
}

/** The first executable `name` on `pathEnv`. */
export function findExecutable(name: string, pathEnv: string): string | undefined {
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir.startsWith('/')) continue; // a relative PATH entry would depend on the current folder
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch { /* not here */ }
  }
  return undefined;
}

/** Why the binary a BinaryName from the config points at is not run (fail: missing; warn: others can change it). */
function configuredBinaryProblem(file: string, configured: { name: string; where: string }): { status: 'fail' | 'warn'; detail: string } | undefined {
  let st: fs.Stats;
  try { st = fs.statSync(file); } catch { return { status: 'fail', detail: `${configured.name}, named by ${configured.where}, does not exist.` }; }
  if (!st.isFile()) return { status: 'fail', detail: `${configured.name}, named by ${configured.where}, is not a regular file.` };
  // The config may come from a setting: run only what its owner (root or us) alone can change.
  if ((st.uid !== 0 && st.uid !== process.getuid?.()) || st.mode & 0o022) {
    return { status: 'warn', detail: `${file}, named by ${configured.where}, was not run: it belongs to uid ${st.uid} with mode 0${(st.mode & 0o777).toString(8)}, so others could change it.` };
  }
  return undefined;
}

/**
 * runc present and new enough for the daemon. `configured` is the config's BinaryName for the runc shim (see
 * configuredRuncBinary): that binary is checked instead of `runc` on `pathEnv` (our PATH, not the daemon's).
 */
export async function checkRunc(run: CommandRunner, pathEnv: string, daemonVersion: string | undefined, configured?: { name: string; where: string }): Promise<CheckResult> {
  const min = minimumRunc(daemonVersion);
  const oldest = daemonVersion ? `the oldest containerd ${daemonVersion} supports` : 'the oldest containerd supports';
  const base = { id: 'runc', title: 'runc (the container runtime)', why: `containerd's runc shim starts every container with runc; without it, or with one older than ${min} (${oldest}), containers fail to start.` };
  const fixBinaryName = (): CheckResult['fix'] => [{ text: `correct BinaryName (${configured?.where ?? ''}): an absolute path to runc, or remove it to use runc from containerd's PATH` }];
  let runc: string | undefined;
  if (configured) {
    // The shim runs BinaryName as given: a path when it has a slash, else a name looked up on the PATH.
    if (configured.name.includes('/') && !path.isAbsolute(configured.name)) {
      return { ...base, status: 'fail', detail: `${configured.where} is "${configured.name}", a relative path: the shim would resolve it from each container's bundle folder.`, fix: fixBinaryName() };
    }
    runc = configured.name.includes('/') ? configured.name : findExecutable(configured.name, pathEnv);
    const problem = runc ? configuredBinaryProblem(runc, configured) : { status: 'fail' as const, detail: `${configured.name}, named by ${configured.where}, is not on the PATH (${pathEnv}).` };
    if (problem) return { ...base, ...problem, fix: fixBinaryName() };
  } else {
    runc = findExecutable('runc', pathEnv);
  }
  if (!runc) {
    return { ...base, status: 'fail', detail: `runc is not on the PATH (${pathEnv}).`, fix: [{ text: 'install runc (Debian/Ubuntu)', command: 'sudo apt-get install runc' }] };
  }
  const named = configured ? ` (named by ${configured.where})` : '';
  const r = await run(runc, ['--version']);
  const m = /runc version (\S+)/.exec(r.stdout);
  if (r.code !== 0) {
    return { ...base, status: 'fail', detail: `${runc}${named} --version failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 300)}`, fix: configured ? fixBinaryName() : [{ text: 'reinstall runc', command: 'sudo apt-get install --reinstall runc' }] };
  }
  if (!m) {
    // Another OCI runtime behind the runc shim (crun, youki) is the config's choice; its versions are its own.
    if (configured) return { ...base, status: 'pass', detail: `${runc}${named} is not runc (it answered "${r.stdout.trim().split('\n')[0].slice(0, 200)}"); its version is not checked.`, fix: [] };
    return { ...base, status: 'fail', detail: `${runc} --version does not say which runc it is: ${r.stdout.trim().slice(0, 300)}`, fix: [{ text: 'reinstall runc', command: 'sudo apt-get install --reinstall runc' }] };
  }
  const daemon = daemonVersion ? ` for containerd ${daemonVersion}` : '';
  if (versionBelow(m[1], min)) {
    return { ...base, status: 'fail', detail: `${runc}${named} is runc ${m[1]}, older than ${min}${daemon}.`, fix: [{ text: 'upgrade runc (or install a release from https://github.com/opencontainers/runc/releases)', command: 'sudo apt-get install --only-upgrade runc' }] };
  }
  return { ...base, status: 'pass', detail: `${runc}${named} is runc ${m[1]} (${min} or newer needed${daemon}).`, fix: [] };
}

/** The plugins a default CNI network (`bridge` with `host-local` addresses) needs. */
export const CNI_PLUGINS = ['bridge', 'host-local', 'loopback'];
export const DEFAULT_CNI_DIRS = ['/usr/lib/cni', '/opt/cni/bin'];

export function checkCni(dirs: string[]): CheckResult {
  const base = { id: 'cni', title: 'CNI network plugins', why: 'containerd\'s CRI plugin (Kubernetes pods) and nerdctl give containers their own network through CNI plugins; without them those containers get no network. (Containers created by this extension share the host\'s network and do not need them.)' };
  for (const dir of dirs) {
    const missing = CNI_PLUGINS.filter((p) => !findExecutable(p, dir));
    if (!missing.length) return { ...base, status: 'pass', detail: `${CNI_PLUGINS.join(', ')} found in ${dir}.`, fix: [] };
  }
  return {
    ...base, status: 'warn',
    detail: `No folder holds the CNI plugins ${CNI_PLUGINS.join(', ')} (looked in ${dirs.join(', ')}).`,
    fix: [{ text: 'install the CNI plugins (Debian/Ubuntu: into /usr/lib/cni)', command: 'sudo apt-get install containernetworking-plugins' }],
  };
}

const CGROUP2_MAGIC = 0x63677270;
const TMPFS_MAGIC = 0x01021994;

export type CgroupMode = 'v2' | 'hybrid' | 'v1' | 'none';

export async function cgroupMode(root: string): Promise<CgroupMode> {
  const type = async (p: string): Promise<number | undefined> => fs.promises.statfs(p).then((s) => s.type, () => undefined);
  const t = await type(root);
  if (t === CGROUP2_MAGIC) return 'v2';
  if (t !== TMPFS_MAGIC) return 'none';
  return (await type(path.join(root, 'unified'))) === CGROUP2_MAGIC ? 'hybrid' : 'v1';
}

export async function checkCgroup(root: string, daemonVersion: string | undefined): Promise<CheckResult> {
  const base = { id: 'cgroup', title: 'cgroup version', why: 'containerd and runc limit and measure containers through cgroups. cgroup v1 is deprecated by containerd 2.x and runc, and lacks features (rootless limits, memory pressure); cgroup v2 is what current distributions use.' };
  const mode = await cgroupMode(root);
  if (mode === 'v2') return { ...base, status: 'pass', detail: `cgroup v2 (unified hierarchy) at ${root}.`, fix: [] };
  if (mode === 'none') return { ...base, status: 'fail', detail: `No cgroup file system at ${root}: containers cannot be limited or even started.`, fix: [{ text: 'mount the cgroup v2 file system', command: `sudo mount -t cgroup2 none ${root}` }] };
  const on2 = daemonVersion && /^v?[2-9]\./.test(daemonVersion) ? ` containerd ${daemonVersion} deprecates it.` : '';
  return {
    ...base, status: 'warn',
    detail: `cgroup v1${mode === 'hybrid' ? ' (hybrid: v1 controllers, with v2 only at unified/)' : ''} at ${root}.${on2}`,
    fix: [
      { text: 'boot with the unified hierarchy: add systemd.unified_cgroup_hierarchy=1 to the kernel command line', command: 'sudo sed -i \'s/^GRUB_CMDLINE_LINUX="/&systemd.unified_cgroup_hierarchy=1 /\' /etc/default/grub' },
      { text: 'write the boot configuration', command: 'sudo update-grub' },
      { text: 'reboot (in a container or VM image, the host or image decides the cgroup version instead)', command: 'sudo reboot' },
    ],
  };
}

/** Below this, pulls and unpacks fail soon. */
export const DISK_FAIL_BYTES = GiB;
/** Below this (or 10 % of the file system), warn. */
export const DISK_WARN_BYTES = 5 * GiB;

const human = (n: number): string => (n >= GiB ? `${(n / GiB).toFixed(1)} GiB` : `${Math.round(n / 1024 ** 2)} MiB`);

export async function checkDiskSpace(root: string): Promise<CheckResult> {
  const base = { id: 'disk', title: 'Disk space under containerd\'s root', why: 'Image layers, unpacked snapshots and container writes all land under containerd\'s root; when that file system fills, pulls, unpacks and running containers fail.' };
  // The root may not exist yet (containerd never ran): measure the file system it will be created on.
  let dir = root;
  while (!fs.existsSync(dir) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  let s: fs.StatsFs;
  try {
    s = await fs.promises.statfs(dir);
  } catch (e) {
    return { ...base, status: 'warn', detail: `Cannot measure the file system of ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, fix: [{ text: 'check it by hand', command: `df -h ${dir}` }] };
  }
  const free = s.bavail * s.bsize;
  const total = s.blocks * s.bsize;
  const pct = total ? Math.round((free / total) * 100) : 0;
  const where = dir === root ? root : `${root} (not created yet; measured ${dir})`;
  const detail = `${human(free)} free of ${human(total)} (${pct} %) under ${where}.`;
  const status = free < DISK_FAIL_BYTES ? 'fail' : free < DISK_WARN_BYTES || pct < 10 ? 'warn' : 'pass';
  if (status === 'pass') return { ...base, status, detail, fix: [] };
  return {
    ...base, status, detail,
    fix: [
      { text: 'see what takes the space', command: `sudo du -xsh ${dir}/*` },
      { text: 'list the images of a namespace; remove those you no longer need (Images view, or sudo ctr -n default images rm <name>) and containerd frees their layers and snapshots', command: 'sudo ctr -n default images ls' },
      { text: 'Or give containerd a larger file system: set root = "<folder>" in containerd\'s config and restart containerd.' },
    ],
  };
}
