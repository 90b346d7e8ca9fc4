// What a Check Setup ("doctor") check returns, and the inputs every check takes (all injectable, so tests make
// real situations: their own config files, certs.d folders, cgroup roots, systemctl answers).
import type { Plugin } from '../types';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'n/a';

/** One thing to do; `command` is a shell command to type on the host. */
export interface FixStep { text: string; command?: string }

export interface CheckResult {
  /** Stable id (`socket`, `systemd`, `plugins`, …) for tests and links. */
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found, in full. */
  detail: string;
  /** Why it matters. */
  why: string;
  /** The exact fix; empty when there is nothing to do. */
  fix: FixStep[];
}

/** How `systemctl` is run: an argument array, never a shell. Resolves for a non-zero exit too. */
export type CommandRunner = (file: string, args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

/** What the daemon answered, or why it could not be asked. */
export type DaemonFacts =
  | { reachable: true; version: string; plugins: Plugin[] }
  | { reachable: false; reason: string; version?: string };

export interface DoctorOptions {
  /** containerd's socket (as the connection uses it). */
  socketPath: string;
  /** containerd's config file (setting containerd.configPath); default /etc/containerd/config.toml. */
  configPath?: string;
  /** The setting containerd.insecureRegistries. */
  insecureRegistries?: readonly string[];
  /** hosts.toml folders; default: the config's CRI registry config_path, else /etc/containerd/certs.d. */
  certsDir?: string;
  /** Runs systemctl and containerd/runc --version; default execFile with a timeout. */
  run?: CommandRunner;
  /** Present only when systemd is PID 1 (sd_booted()); default /run/systemd/system. */
  systemdMarker?: string;
  /** Default /sys/fs/cgroup. */
  cgroupRoot?: string;
  /** CNI plugin folders, in order; default /usr/lib/cni then /opt/cni/bin (plus the config's bin_dir). */
  cniDirs?: string[];
  /** PATH to look runc up on; default process.env.PATH plus the sbin folders. */
  pathEnv?: string;
  /** The concrete fix for a socket permission problem (the extension passes its per-user one). */
  permissionFix?: (socketPath: string) => { summary: string; steps: FixStep[] };
  /** Deadline for the daemon's answers (default 5 s). */
  timeoutMs?: number;
}

export const DEFAULT_CONFIG_PATH = '/etc/containerd/config.toml';
export const DEFAULT_ROOT = '/var/lib/containerd';
