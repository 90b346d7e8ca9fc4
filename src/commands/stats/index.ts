// The Stats commands, one table: Show Task Stats, Show Namespace Stats. The panels they open live in
// src/views/stats/ and are disposed with the commands.
import type * as vscode from 'vscode';
import type { CommandDeps } from '../shared/command-deps';
import { StatsPanels } from '../../views/stats/stats-panels';
import { registerStatsCommands } from './stats-commands';

export function registerStatsGroup(deps: CommandDeps): vscode.Disposable[] {
  const panels = new StatsPanels({ extensionUri: deps.context.extensionUri, client: (ns) => deps.session.client(ns), log: deps.log });
  return [panels, ...registerStatsCommands(deps, panels)];
}
