// containerd 1.6's default Linux spec (oci/spec.go populateDefaultUnixSpec, oci/mounts.go
// defaultMounts) and oci.WithDefaultUnixDevices, value for value. Checked against specs that
// `ctr containers create` stored: test/fixtures/ctr-spec-*.json.
import * as path from 'path';
import { LinuxDeviceCgroup, LinuxNamespace, Mount, Spec } from './runtime-spec-types';

/** What runtime-spec 1.0.2's Go package calls specs.Version; containerd 1.6 stamps it on every spec. */
export const OCI_VERSION = '1.0.2-dev';

/** containerd's defaultUnixEnv: used when the image config has no Env at all. */
export const DEFAULT_UNIX_ENV: readonly string[] = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];

const RWM = 'rwm';

/** The 14 capabilities containerd grants by default (Docker's set), in containerd's order. */
export function defaultUnixCaps(): string[] {
  return [
    'CAP_CHOWN',
    'CAP_DAC_OVERRIDE',
    'CAP_FSETID',
    'CAP_FOWNER',
    'CAP_MKNOD',
    'CAP_NET_RAW',
    'CAP_SETGID',
    'CAP_SETUID',
    'CAP_SETFCAP',
    'CAP_SETPCAP',
    'CAP_NET_BIND_SERVICE',
    'CAP_SYS_CHROOT',
    'CAP_KILL',
    'CAP_AUDIT_WRITE',
  ];
}

export function defaultUnixNamespaces(): LinuxNamespace[] {
  return [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }];
}

export function defaultMounts(): Mount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
  ];
}

/**
 * containerd's populateDefaultUnixSpec: the spec every Go-client container starts from.
 * No env and no args yet: WithImageConfig fills those in.
 */
export function defaultSpec(namespace: string, id: string): Spec {
  return {
    ociVersion: OCI_VERSION,
    process: {
      user: { uid: 0, gid: 0 },
      cwd: '/',
      capabilities: {
        bounding: defaultUnixCaps(),
        effective: defaultUnixCaps(),
        permitted: defaultUnixCaps(),
      },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs' },
    mounts: defaultMounts(),
    linux: {
      resources: { devices: [{ allow: false, access: RWM }] },
      // filepath.Join("/", ns, id): cleaned, so odd inputs collapse the same way Go's would.
      cgroupsPath: path.posix.join('/', namespace, id),
      namespaces: defaultUnixNamespaces(),
      maskedPaths: [
        '/proc/acpi',
        '/proc/asound',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/sys/firmware',
        '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

function allowChar(major: number, minor?: number): LinuxDeviceCgroup {
  return minor === undefined
    ? { allow: true, type: 'c', major, access: RWM }
    : { allow: true, type: 'c', major, minor, access: RWM };
}

/**
 * oci.WithDefaultUnixDevices (ctr and nerdctl apply it right after the default spec): cgroup
 * allow rules for /dev/null, random, full, tty, zero, urandom, console, pts (any minor), ptmx.
 */
export function withDefaultUnixDevices(spec: Spec): Spec {
  const linux = (spec.linux ??= {});
  const resources = (linux.resources ??= {});
  resources.devices = [
    ...(resources.devices ?? []),
    allowChar(1, 3),
    allowChar(1, 8),
    allowChar(1, 7),
    allowChar(5, 0),
    allowChar(1, 5),
    allowChar(1, 9),
    allowChar(5, 1),
    allowChar(136),
    allowChar(5, 2),
  ];
  return spec;
}
