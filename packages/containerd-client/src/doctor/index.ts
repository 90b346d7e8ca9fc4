// Check Setup ("the doctor"): runs every check of containerd's setup and returns one result per check. Works
// when the socket is broken (the daemon checks then say why they could not ask). Never contacts the network.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { connect } from '../connect';
import { diagnoseSocket } from '../diagnose';
import { ContainerdError, UnknownError } from '../errors';
import { configRoot, configuredRuncBinary, pluginSetting, readConfig } from './config-file';
import { certsDirOf, checkConfigFile, checkInsecureRegistries } from './config-checks';
import { checkPlugins, checkSocket } from './daemon-checks';
import { checkCgroup, checkCni, checkDiskSpace, checkRunc, DEFAULT_CNI_DIRS } from './host-checks';
import { checkSystemd, SYSTEMD_MARKER } from './systemd';
import { DEFAULT_CONFIG_PATH, type CheckResult, type CheckStatus, type CommandRunner, type DaemonFacts, type DoctorOptions } from './types';

export * from './types';
export { parseSystemctlShow, judgeSystemdUnit } from './systemd';
export { renderDoctorReport, summaryLine } from './report';

export interface DoctorReport {
  checks: CheckResult[];
  counts: Record<CheckStatus, number>;
  daemon: DaemonFacts;
  socketPath: string;
  configPath: string;
}

/** execFile with an argument array (no shell), a timeout and C locale; a non-zero exit resolves with its code. */
export const execRunner: CommandRunner = (file, args) => new Promise((resolve) => {
  execFile(file, args, { timeout: 10_000, maxBuffer: 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
    const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 127) : 0;
    resolve({ code, stdout: String(stdout), stderr: err && !stderr ? err.message : String(stderr) });
  });
});

/** `containerd --version` of the binary on PATH: the best guess of the daemon's version when it cannot be asked. */
async function installedContainerdVersion(run: CommandRunner): Promise<string | undefined> {
  const r = await run('containerd', ['--version']);
  return r.code === 0 ? /^containerd \S+ (\S+)/.exec(r.stdout.trim())?.[1] : undefined;
}

async function askDaemon(socketPath: string, timeoutMs: number): Promise<{ facts: DaemonFacts; problem?: ContainerdError }> {
  const problem = await diagnoseSocket(socketPath);
  if (problem) return { facts: { reachable: false, reason: problem.message }, problem };
  let client: Awaited<ReturnType<typeof connect>> | undefined;
  try {
    client = await connect({ address: socketPath, timeoutMs });
    const [version, plugins] = await Promise.all([client.version.version({ timeoutMs }), client.introspection.plugins([], { timeoutMs })]);
    return { facts: { reachable: true, version: version.version, plugins } };
  } catch (e) {
    const err = e instanceof ContainerdError ? e : new UnknownError(e instanceof Error ? e.message : String(e), { cause: e });
    return { facts: { reachable: false, reason: err.message }, problem: err };
  } finally {
    client?.close();
  }
}

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const run = opts.run ?? execRunner;
  const configPath = opts.configPath || DEFAULT_CONFIG_PATH;
  const [{ facts: daemon, problem }, config] = await Promise.all([askDaemon(opts.socketPath, opts.timeoutMs ?? 5000), readConfig(configPath)]);
  const version = daemon.reachable ? daemon.version : await installedContainerdVersion(run);
  const pathEnv = opts.pathEnv ?? [process.env.PATH ?? '', '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean).join(':');
  const cniBin = pluginSetting(config, ['io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.runtime'], ['cni', 'bin_dir']);
  const cniDirs = opts.cniDirs ?? [...new Set([...(cniBin ? [cniBin] : []), ...DEFAULT_CNI_DIRS])];
  // Fixes restart containerd with systemctl only where systemd is the init system.
  const systemd = fs.existsSync(opts.systemdMarker ?? SYSTEMD_MARKER);
  const checks = await Promise.all([
    checkSocket(opts.socketPath, problem, daemon, { permissionFix: opts.permissionFix, systemd }),
    checkPlugins(daemon, config, systemd),
    checkConfigFile(config, version, systemd),
    checkRunc(run, pathEnv, version, configuredRuncBinary(config)),
    checkSystemd(run, opts.systemdMarker),
    checkCgroup(opts.cgroupRoot ?? '/sys/fs/cgroup', version),
    checkCni(cniDirs),
    checkDiskSpace(configRoot(config)),
    checkInsecureRegistries(opts.insecureRegistries ?? [], opts.certsDir ?? certsDirOf(config)),
  ]);
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, 'n/a': 0 };
  for (const c of checks) counts[c.status]++;
  return { checks, counts, daemon: version && !daemon.reachable ? { ...daemon, version } : daemon, socketPath: opts.socketPath, configPath };
}
