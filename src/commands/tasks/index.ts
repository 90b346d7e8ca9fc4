// The task commands, one table: Kill, Pause, Resume, Delete, Show Metrics.
import type * as vscode from 'vscode';
import type { ReadOnlyDocuments } from '../../views/documents/read-only-documents';
import type { CommandDeps } from '../shared/command-deps';
import { registerMetricsCommands } from './metrics';
import { registerTaskCommands } from './task-commands';

export function registerTaskGroup(deps: CommandDeps, docs: ReadOnlyDocuments): vscode.Disposable[] {
  return [...registerTaskCommands(deps), ...registerMetricsCommands(deps, docs)];
}
