// The systemd check: containerd's unit needs Delegate=yes (systemd leaves the containers' cgroups to containerd)
// and KillMode=process (stopping or restarting containerd does not kill every container's shim). Read with
// `systemctl show` through an argument array; where systemd is not PID 1 the check says so and does not apply.
import * as fs from 'node:fs';
import type { CheckResult, CommandRunner, FixStep } from './types';

/** Exists exactly when systemd is the init system (what sd_booted() looks at). */
export const SYSTEMD_MARKER = '/run/systemd/system';

export const SYSTEMD_PROPERTIES = ['LoadState', 'ActiveState', 'Delegate', 'KillMode', 'FragmentPath', 'DropInPaths'];

/** `systemctl show` output (`Key=value` lines) as a map; lines without `=` are ignored. */
export function parseSystemctlShow(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/**
 * The step that restarts containerd after a fix: systemctl only where systemd is the init system (elsewhere there is
 * no containerd.service to restart); `after` ends the sentence, e.g. ' and check again'.
 */
export function restartStep(systemd: boolean, after = ''): FixStep {
  if (systemd) return { text: `restart containerd${after}`, command: 'sudo systemctl restart containerd' };
  return { text: `Restart containerd the way it was started (e.g. your init system or the process manager)${after}: this machine does not run systemd as its init system, so systemctl cannot do it.` };
}

const TITLE = 'containerd under systemd: Delegate and KillMode';
const WHY = 'Without Delegate=yes systemd may rearrange the cgroups containerd made for containers (limits and stats go wrong); ' +
  'without KillMode=process, stopping or restarting containerd (an upgrade, systemctl restart) kills every running container with it.';
const DROP_IN_DIR = '/etc/systemd/system/containerd.service.d';

function initName(): string {
  try { return fs.readFileSync('/proc/1/comm', 'utf8').trim(); } catch { return 'unknown'; }
}

/** Judges the properties `systemctl show containerd` printed (pure: tested on recorded answers). */
export function judgeSystemdUnit(props: Record<string, string>): CheckResult {
  const base = { id: 'systemd', title: TITLE, why: WHY };
  if (props.LoadState === 'not-found' || props.LoadState === undefined) {
    return { ...base, status: 'n/a', detail: 'systemd has no containerd.service unit: containerd is started some other way (a script, k3s, Docker), so there is no unit to check.', fix: [] };
  }
  const wrong: string[] = [];
  if (props.Delegate !== 'yes') wrong.push(`Delegate=${props.Delegate || '(unset)'} (needs yes)`);
  if (props.KillMode !== 'process') wrong.push(`KillMode=${props.KillMode || '(unset)'} (needs process)`);
  const unit = props.FragmentPath ? ` (${props.FragmentPath}${props.DropInPaths ? ` with ${props.DropInPaths}` : ''})` : '';
  const state = props.ActiveState ? `, ${props.ActiveState}` : '';
  if (!wrong.length) return { ...base, status: 'pass', detail: `containerd.service${unit}${state}: Delegate=yes, KillMode=process.`, fix: [] };
  return {
    ...base, status: 'fail',
    detail: `containerd.service${unit}${state} has ${wrong.join(' and ')}.`,
    fix: [
      { text: 'create a drop-in folder for the unit', command: `sudo mkdir -p ${DROP_IN_DIR}` },
      { text: 'set both properties in a drop-in', command: `printf '[Service]\\nDelegate=yes\\nKillMode=process\\n' | sudo tee ${DROP_IN_DIR}/10-delegate-killmode.conf` },
      { text: 'load it (from now on stopping containerd leaves containers running)', command: 'sudo systemctl daemon-reload' },
      // Only reached where systemd is init (checkSystemd says n/a elsewhere).
      restartStep(true, ' so it runs with the new settings'),
    ],
  };
}

export async function checkSystemd(run: CommandRunner, marker = SYSTEMD_MARKER): Promise<CheckResult> {
  // sd_booted(): systemd is the init system exactly when this folder exists. A systemctl binary alone says nothing.
  if (!fs.existsSync(marker)) {
    return {
      id: 'systemd', title: TITLE, status: 'n/a', why: WHY, fix: [],
      detail: `This machine does not run systemd as its init system (${marker} is missing; PID 1 is ${initName()}), so there is no containerd.service to check. Whatever starts containerd here must not kill its shims when it stops it.`,
    };
  }
  const r = await run('systemctl', ['show', 'containerd', '--no-pager', ...SYSTEMD_PROPERTIES.flatMap((p) => ['-p', p])]);
  if (r.code !== 0) {
    return { id: 'systemd', title: TITLE, status: 'warn', why: WHY, detail: `systemctl show containerd failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 500)}`, fix: [{ text: 'see what systemd knows of the unit', command: 'systemctl status containerd' }] };
  }
  return judgeSystemdUnit(parseSystemctlShow(r.stdout));
}
