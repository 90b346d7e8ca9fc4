// Checks that need the daemon: can we use its socket (reusing diagnose.ts, and the per-user permission fix the
// caller passes), and which of its plugins failed to initialise (Introspection.Plugins' init_err).
import { capabilitiesOf, pluginStatus } from '../capabilities';
import { PERMISSION_FIX } from '../diagnose';
import { ConnectionError, SocketPermissionError, type ContainerdError } from '../errors';
import type { Plugin } from '../types';
import { configuredPlugins, configValue, type ConfigFacts } from './config-file';
import { restartStep } from './systemd';
import type { CheckResult, DaemonFacts, FixStep } from './types';

const SOCKET_WHY = 'Everything this extension shows or does goes through containerd\'s socket: when it cannot be opened, the views stay empty.';

export function checkSocket(
  socketPath: string, problem: ContainerdError | undefined, daemon: DaemonFacts,
  host: { permissionFix?: (socketPath: string) => { summary: string; steps: FixStep[] }; systemd: boolean },
): CheckResult {
  const base = { id: 'socket', title: `Access to containerd's socket (${socketPath})`, why: SOCKET_WHY };
  if (!problem && daemon.reachable) {
    return { ...base, status: 'pass', detail: `uid ${process.getuid?.() ?? '?'} can use ${socketPath}; containerd ${daemon.version} answers.`, fix: [] };
  }
  if (problem instanceof SocketPermissionError) {
    const f = host.permissionFix?.(socketPath);
    return { ...base, status: 'fail', detail: f ? `${f.summary} (${problem.message})` : problem.message, fix: f ? f.steps : [{ text: PERMISSION_FIX }] };
  }
  const notRunning = problem instanceof ConnectionError && (problem.problem === 'missing' || problem.problem === 'refused');
  const reason = problem?.message ?? (daemon.reachable ? '' : daemon.reason);
  return {
    ...base, status: 'fail', detail: reason,
    fix: notRunning
      ? [
        ...(host.systemd
          ? [{ text: 'start containerd', command: 'sudo systemctl start containerd' }, { text: 'see why it stopped', command: 'sudo journalctl -u containerd -b --no-pager | tail -n 50' }]
          : [{ text: 'start containerd (this machine has no systemd: start it the way it starts services; by hand, in the background)', command: 'sudo sh -c \'containerd >>/var/log/containerd.log 2>&1 &\'' }]),
        { text: 'Or set containerd.address to the socket your containerd uses (Containerd: Select Socket…).' },
      ]
      : [{ text: 'Set containerd.address to containerd\'s socket (Containerd: Select Socket…).' }],
  };
}

/** Init errors containerd itself marks as "this plugin does not apply here" (ErrSkipPlugin, devmapper without a pool). */
export function isExpectedSkip(p: Plugin): boolean {
  return pluginStatus(p) === 'skipped';
}

/** Plugins whose failure breaks the basics (images, containers, the API), not an optional feature. */
export function isEssentialPlugin(p: Plugin): boolean {
  const id = `${p.type}.${p.id}`;
  return ['io.containerd.snapshotter.v1.overlayfs', 'io.containerd.runtime.v2.task', 'io.containerd.metadata.v1.bolt', 'io.containerd.content.v1.content'].includes(id) || p.type === 'io.containerd.grpc.v1';
}

function disabledPlugins(config: ConfigFacts): string[] {
  const v = configValue(config, ['disabled_plugins']);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** `systemd`: whether systemd is the init system (how the fix restarts containerd). */
export function checkPlugins(daemon: DaemonFacts, config: ConfigFacts, systemd: boolean): CheckResult {
  const base = { id: 'plugins', title: 'containerd plugins', why: 'A plugin that failed to initialise takes its feature away: without the overlayfs snapshotter images unpack into full copies (native) or not at all; without the runtime no container starts; a snapshotter you configured and that failed is not used.' };
  if (!daemon.reachable) return { ...base, status: 'n/a', detail: `containerd could not be asked (${daemon.reason}).`, fix: [] };
  const configured = new Set(configuredPlugins(config));
  const failed = daemon.plugins.filter((p) => p.initError);
  const name = (p: Plugin): string => `${p.type}.${p.id}`;
  const skipped = failed.filter((p) => isExpectedSkip(p) && !configured.has(name(p)));
  // A plugin that needs one the config disables fails with "no plugins registered for <type>": the user's choice.
  const disabled = disabledPlugins(config);
  const needsDisabled = failed.filter((p) => {
    const needed = /no plugins registered for (\S+?):/.exec(p.initError ?? '')?.[1];
    return !skipped.includes(p) && needed !== undefined && disabled.some((d) => d.startsWith(`${needed}.`));
  });
  const broken = failed.filter((p) => !skipped.includes(p) && !needsDisabled.includes(p));
  const loaded = daemon.plugins.length - failed.length;
  const skippedText = skipped.length ? ` Not applicable here (containerd skips them by design): ${skipped.map((p) => p.id).join(', ')}.` : '';
  const disabledText = needsDisabled.length ? ` Not loaded because disabled_plugins in ${config.path} turns off what they need: ${needsDisabled.map(name).join(', ')}.` : '';
  if (!broken.length) return { ...base, status: 'pass', detail: `${loaded} plugins loaded.${skippedText}${disabledText}`, fix: [] };
  const lines = broken.map((p) => `${name(p)}${configured.has(name(p)) ? ' (configured in ' + config.path + ')' : ''}: ${p.initError ?? ''}`);
  const snapshotter = broken.some((p) => p.type === 'io.containerd.snapshotter.v1') ? ` Snapshotter: ${capabilitiesOf({ version: daemon.version, revision: '' }, daemon.plugins).snapshotterReason}.` : '';
  const fix: FixStep[] = [{ text: 'list the plugins and their state as containerd sees them', command: 'sudo ctr plugins ls' }];
  if (broken.some((p) => p.id === 'overlayfs')) {
    fix.push({ text: 'overlayfs needs containerd\'s root (or its root_path) on a file system that supports it as upper layer (ext4, xfs with ftype=1; not overlayfs, NFS or a path that cannot be created): fix root / root_path in the config', command: `sudoedit ${config.path}` });
  } else if (broken.some((p) => configured.has(name(p)))) {
    fix.push({ text: 'fix or remove the [plugins."<id>"] sections of the failing plugins', command: `sudoedit ${config.path}` });
  }
  fix.push(restartStep(systemd, ' and check again'));
  return {
    ...base, status: broken.some(isEssentialPlugin) ? 'fail' : 'warn',
    detail: `${broken.length} plugin${broken.length === 1 ? '' : 's'} failed to initialise: ${lines.join('; ')}.${snapshotter}${skippedText}${disabledText}`,
    fix,
  };
}
