// Every question a command asks goes through a Prompter: the real one uses VS Code's dialogs and pickers; the
// in-host tests swap in a scripted one (they cannot click modal dialogs), the UI suite drives the real one.
import * as vscode from 'vscode';

export interface PickOptions { title: string; placeHolder?: string; canPickMany?: boolean }

export interface Prompter {
  /** A modal confirmation; true only when the user chose `action`. */
  confirm(message: string, options: { detail?: string; action: string }): Promise<boolean>;
  /** Undefined when dismissed; always an array (one item unless canPickMany). */
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: PickOptions): Promise<T[] | undefined>;
  input(options: vscode.InputBoxOptions & { title: string }): Promise<string | undefined>;
  /** A non-modal warning with buttons (a follow-up the user may take or ignore); the chosen one, else undefined. */
  offer(message: string, actions: string[]): Promise<string | undefined>;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const vscodePrompter: Prompter = {
  async confirm(message, { detail, action }) {
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
    return choice === action;
  },
  async pick<T extends vscode.QuickPickItem>(items: readonly T[], options: PickOptions): Promise<T[] | undefined> {
    const qp = { title: options.title, placeHolder: options.placeHolder, matchOnDescription: true, ignoreFocusOut: false };
    if (options.canPickMany) {
      const r = await vscode.window.showQuickPick([...items], { ...qp, canPickMany: true });
      return r && r.length ? r : undefined;
    }
    const r = await vscode.window.showQuickPick([...items], qp);
    return r ? [r] : undefined;
  },
  input(options) { return Promise.resolve(vscode.window.showInputBox(options)); },
  offer(message, actions) { return Promise.resolve(vscode.window.showWarningMessage(message, ...actions)); },
  info(message) { void vscode.window.showInformationMessage(message); },
  warn(message) { void vscode.window.showWarningMessage(message); },
  error(message) { void vscode.window.showErrorMessage(message); },
};

/** Thrown when the user backs out of a question: the command ends quietly. */
export class Cancelled extends Error {
  constructor() { super('cancelled'); }
}
