// Context keys that tick the Get Started walkthrough's steps from what really happened (package.json
// `contributes.walkthroughs` completionEvents): a task started (containerd's /tasks/start event), a container shell
// typed into. Plus `containerd.walkthrough.runPsAux`, the last step's button: types `ps aux` into that shell.
import * as vscode from 'vscode';
import type { EventHub } from '../session/event-hub';

export const WALKTHROUGH_ID = 'containerd.getStarted';
export const CONTEXT = { taskStarted: 'containerd.walkthrough.taskStarted', shellUsed: 'containerd.walkthrough.shellUsed' } as const;

/** Our shell terminals are pseudoterminals named `<container>: <shell>` (terminal-manager.ts), `(2)` for a second one. */
export function isContainerShell(t: vscode.Terminal): boolean {
  return 'pty' in t.creationOptions && /^.+: (sh|ash|bash|zsh|dash)( \(\d+\))?$/.test(t.name);
}

function setContext(key: string, value: boolean): void {
  vscode.commands.executeCommand('setContext', key, value).then(undefined, () => undefined);
}

export function registerWalkthrough(hub: EventHub): vscode.Disposable[] {
  let started = false;
  let used = false;
  return [
    hub.onDidReceiveEvent((e) => {
      if (started || e.topic !== '/tasks/start') return;
      started = true;
      setContext(CONTEXT.taskStarted, true);
    }),
    // isInteractedWith turns true at the first keystroke the user sends to the terminal.
    vscode.window.onDidChangeTerminalState((t) => {
      if (used || !t.state.isInteractedWith || !isContainerShell(t)) return;
      used = true;
      setContext(CONTEXT.shellUsed, true);
    }),
    vscode.commands.registerCommand('containerd.walkthrough.runPsAux', () => {
      const active = vscode.window.activeTerminal;
      const shell = active && isContainerShell(active) ? active : [...vscode.window.terminals].reverse().find(isContainerShell);
      if (!shell) {
        void vscode.window.showInformationMessage('Open a shell in a running container first (Containers view: Open Shell).');
        return;
      }
      shell.show();
      shell.sendText('ps aux');
    }),
  ];
}
