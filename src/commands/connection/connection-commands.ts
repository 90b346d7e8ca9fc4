// Connection commands: Retry, Select Socket…, Open Settings, the permission fix, the log, Refresh.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { WELL_KNOWN_SOCKETS } from '@containerd-explorer/client';
import { permissionFix } from '../../session/permission-fix';
import { registerCommand, type CommandDeps } from '../shared/command-deps';
import type { ReadOnlyDocuments } from '../../views/documents/read-only-documents';
import { Cancelled } from '../shared/host';

function isSocket(p: string): boolean {
  try { return fs.statSync(p).isSocket(); } catch { return false; }
}

interface SocketItem extends vscode.QuickPickItem { path?: string; action?: 'enter' | 'auto' }

async function selectSocket(deps: CommandDeps): Promise<string | undefined> {
  const config = vscode.workspace.getConfiguration('containerd');
  const current = config.get<string>('address')?.trim();
  const items: SocketItem[] = WELL_KNOWN_SOCKETS.map((s) => ({
    label: `${isSocket(s.path) ? '$(plug)' : '$(circle-slash)'} ${s.path}`,
    description: `${s.label}${isSocket(s.path) ? '' : ' · not present'}${current === s.path ? ' · current' : ''}`,
    path: s.path,
  }));
  if (process.env.CONTAINERD_ADDRESS) items.unshift({ label: `$(symbol-variable) ${process.env.CONTAINERD_ADDRESS}`, description: 'CONTAINERD_ADDRESS', path: process.env.CONTAINERD_ADDRESS });
  items.push({ label: '$(edit) Enter a socket path…', action: 'enter' }, { label: '$(search) Discover automatically', description: 'clears containerd.address', action: 'auto' });
  const chosen = (await deps.host().pick(items, { title: 'containerd socket for this machine' }))?.[0];
  if (!chosen) throw new Cancelled();
  let value: string | undefined = chosen.path;
  if (chosen.action === 'enter') {
    value = await deps.host().input({
      title: 'containerd socket path', value: current || '/run/containerd/containerd.sock', prompt: 'Absolute path of containerd\'s unix socket (unix:// prefix allowed)',
      validateInput: (v) => (v.replace(/^unix:\/\//, '').startsWith('/') ? undefined : 'Enter an absolute path'),
    });
    if (!value) throw new Cancelled();
  }
  // Machine scope: in a remote window this lands in the remote machine's settings, where containerd runs.
  await config.update('address', chosen.action === 'auto' ? undefined : value, vscode.ConfigurationTarget.Global);
  deps.connection.restart();
  return value;
}

function renderPermissionFix(deps: CommandDeps): string {
  const s = deps.connection.state;
  const socketPath = s.kind === 'idle' ? '/run/containerd/containerd.sock' : s.target.socketPath;
  const fix = permissionFix(socketPath);
  const lines = ['# containerd: permission denied on the socket', '', fix.summary, '', '## Fix', ''];
  fix.steps.forEach((st, i) => {
    lines.push(`${i + 1}. ${st.command ? `${st.text[0].toUpperCase()}${st.text.slice(1)}:` : st.text}`);
    if (st.command) lines.push('', '   ```sh', `   ${st.command}`, '   ```', '');
  });
  lines.push('');
  if (s.kind === 'failed') lines.push('## What containerd\'s socket said', '', s.error.message, '');
  return lines.join('\n');
}

export function registerConnectionCommands(deps: CommandDeps, docs: ReadOnlyDocuments): vscode.Disposable[] {
  docs.addRenderer('fix', async () => renderPermissionFix(deps));
  return [
    registerCommand(deps, 'containerd.retryConnection', () => { deps.hub.want(); deps.connection.retry(); }),
    registerCommand(deps, 'containerd.refresh', async () => {
      deps.hub.want();
      const s = deps.connection.state;
      if (s.kind === 'failed' || s.kind === 'idle') { deps.connection.retry(); return; }
      await deps.hub.whenSynced(15_000);
      await deps.model.refreshAll();
    }),
    registerCommand(deps, 'containerd.selectSocket', () => selectSocket(deps)),
    registerCommand(deps, 'containerd.openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', 'containerd.')),
    registerCommand(deps, 'containerd.showPermissionFix', () => deps.host().showDocument({ namespace: 'connection', kind: 'fix', name: 'socket-permission', ext: 'md' })),
    registerCommand(deps, 'containerd.showLog', () => deps.log.show()),
    registerCommand(deps, 'containerd.copyText', async (text: unknown) => {
      if (typeof text !== 'string') return;
      await deps.host().writeClipboard(text);
      deps.host().info(`Copied: ${text}`);
    }),
  ];
}
