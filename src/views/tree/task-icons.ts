// One visual language for task states, shared by the Containers and Tasks views.
import * as vscode from 'vscode';
import { taskState, type TaskProcess } from '@containerd-explorer/client';

export function taskIcon(p: TaskProcess | undefined): vscode.ThemeIcon {
  switch (taskState(p).key) {
    case 'notask': return new vscode.ThemeIcon('vm-outline', new vscode.ThemeColor('disabledForeground'));
    case 'running': return new vscode.ThemeIcon('vm-running', new vscode.ThemeColor('charts.green'));
    case 'paused': return new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('charts.yellow'));
    case 'stopped': return new vscode.ThemeIcon('vm-outline', p?.exitStatus === 0 ? undefined : new vscode.ThemeColor('charts.red'));
    case 'created': return new vscode.ThemeIcon('circle-large-outline', new vscode.ThemeColor('charts.blue'));
    default: return new vscode.ThemeIcon('question');
  }
}

/** contextValue suffix: running, paused, stopped, created, unknown or notask. */
export function stateKey(p: TaskProcess | undefined): string {
  return taskState(p).key;
}
