// What the Namespaces view shows instead of namespaces while containerd is not reachable: the problem in one
// line, for permission denied the concrete fix commands, and actions (Retry, Select Socket…, Open Settings).
import type { ConnectionState } from '../../session/connection-manager';
import { describeAddress } from '../../session/address-source';
import { permissionFix } from '../../session/permission-fix';
import { loadingNode, md } from './base-provider';
import type { MessageNode } from '../model/nodes';

type Failed = Extract<ConnectionState, { kind: 'failed' }>;

function headline(s: Failed): string {
  const p = s.target.socketPath;
  switch (s.problem) {
    case 'permission': return 'Permission denied on containerd\'s socket';
    case 'missing': return `containerd is not running (no socket at ${p})`;
    case 'refused': return `Nothing answers at ${p} (stale socket)`;
    case 'not-containerd': return `${p} is not containerd's socket`;
    case 'not-a-socket': return `${p} is not a socket`;
    default: return `Cannot talk to containerd: ${s.error.message}`;
  }
}

const actions = (permission: boolean): MessageNode[] => [
  ...(permission ? [{ type: 'message' as const, key: 'action-fix', label: 'Show the full fix…', icon: 'lightbulb', command: { command: 'containerd.showPermissionFix', title: 'Show Fix' } }] : []),
  { type: 'message', key: 'action-retry', label: 'Retry', icon: 'refresh', command: { command: 'containerd.retryConnection', title: 'Retry' } },
  { type: 'message', key: 'action-socket', label: 'Select Socket…', icon: 'plug', command: { command: 'containerd.selectSocket', title: 'Select Socket…' } },
  { type: 'message', key: 'action-settings', label: 'Open Settings', icon: 'gear', command: { command: 'containerd.openSettings', title: 'Open Settings' } },
];

export function connectionNodes(state: ConnectionState): MessageNode[] {
  switch (state.kind) {
    case 'idle': return [];
    case 'connecting':
      return [loadingNode('connecting', state.reconnecting ? `Reconnecting to ${state.target.socketPath}…` : `Connecting to ${state.target.socketPath}…`)];
    case 'connected': return [];
    case 'failed': break;
  }
  const where = describeAddress(state.target);
  const problem: MessageNode = {
    type: 'message', key: 'problem', label: headline(state), icon: 'error', color: 'errorForeground',
    description: state.retrying ? 'retrying in the background' : state.target.socketPath,
    tooltip: `${md(state.error.message)}\n\nSocket: ${md(where)}`,
  };
  if (state.problem !== 'permission') return [problem, ...actions(false)];
  const fix = permissionFix(state.target.socketPath);
  const summary: MessageNode = { type: 'message', key: 'fix-summary', label: fix.short, icon: 'info', tooltip: md(fix.summary) };
  const steps: MessageNode[] = fix.steps.map((st, i) => (st.command
    ? {
      type: 'message', key: `fix-${i}`, label: st.command, icon: 'terminal', description: `${st.text} · click to copy`,
      tooltip: `${md(st.text)}: run in a terminal on this host:\n\n\`\`\`sh\n${st.command}\n\`\`\``,
      command: { command: 'containerd.copyText', title: 'Copy', arguments: [st.command] },
    }
    : { type: 'message', key: `fix-${i}`, label: st.text, icon: 'arrow-right', tooltip: md(st.text) }));
  return [problem, summary, ...steps, ...actions(true)];
}
