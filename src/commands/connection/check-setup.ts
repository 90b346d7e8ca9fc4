// Containerd: Check Setup: runs the doctor (packages/containerd-client/src/doctor) and shows its Markdown report read-only.
// Available when not connected: it is what to run when the socket is broken.
import * as vscode from 'vscode';
import { renderDoctorReport, runDoctor, summaryLine, type DoctorReport } from '@containerd-explorer/client';
import { resolveAddress } from '../../session/address-source';
import { permissionFix } from '../../session/permission-fix';
import { registerCommand, type CommandDeps } from '../shared/command-deps';
import type { ReadOnlyDocuments, DocumentRef } from '../../views/documents/read-only-documents';

export const CHECK_SETUP_DOCUMENT: DocumentRef = { namespace: 'setup', kind: 'doctor', name: 'check-setup', ext: 'md' };

/** The socket the connection uses (or would use), and the settings the checks read. */
async function doctor(deps: CommandDeps): Promise<DoctorReport> {
  const config = vscode.workspace.getConfiguration('containerd');
  const s = deps.connection.state;
  const socketPath = s.kind === 'idle' ? resolveAddress(config.get<string>('address')).socketPath : s.target.socketPath;
  return runDoctor({
    socketPath,
    configPath: config.get<string>('configPath')?.trim() || undefined,
    insecureRegistries: config.get<string[]>('insecureRegistries') ?? [],
    permissionFix,
  });
}

export function registerCheckSetupCommand(deps: CommandDeps, docs: ReadOnlyDocuments): vscode.Disposable[] {
  let last: DoctorReport | undefined;
  docs.addRenderer(CHECK_SETUP_DOCUMENT.kind, async () => {
    last = await doctor(deps);
    deps.log.info(`Check Setup: ${summaryLine(last.counts)} (${last.checks.filter((c) => c.status === 'fail' || c.status === 'warn').map((c) => `${c.id} ${c.status}`).join(', ') || 'all good'})`);
    return renderDoctorReport(last);
  });
  return [
    registerCommand(deps, 'containerd.checkSetup', async () => {
      await deps.host().withProgress({ title: 'Checking containerd setup…' }, () => deps.host().showDocument(CHECK_SETUP_DOCUMENT));
      return last;
    }),
  ];
}
