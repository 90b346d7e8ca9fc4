// The connection commands, one table: Retry, Refresh, Select Socket, Open Settings, the permission fix, the log,
// Copy, Check Setup.
import type * as vscode from 'vscode';
import type { ReadOnlyDocuments } from '../../views/documents/read-only-documents';
import type { CommandDeps } from '../shared/command-deps';
import { registerCheckSetupCommand } from './check-setup';
import { registerConnectionCommands } from './connection-commands';

export function registerConnectionGroup(deps: CommandDeps, docs: ReadOnlyDocuments): vscode.Disposable[] {
  return [...registerConnectionCommands(deps, docs), ...registerCheckSetupCommand(deps, docs)];
}
