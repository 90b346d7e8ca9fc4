// Everything a command asks of the VS Code window goes through a Host: questions (confirm, pick, input, a
// quick pick that follows typing), notifications, progress, read-only documents, file dialogs, the clipboard,
// terminals, output channels and external links. VscodeHost is the window itself; the in-host tests swap in a
// scripted host (test/e2e/suite-views/scripted-host.ts) that answers from a script and records what was shown.
// This file is the only one under src/commands that may touch vscode.window or vscode.env (ESLint enforces it).
import * as vscode from 'vscode';
import type { DocumentRef, ReadOnlyDocuments } from '../../views/documents/read-only-documents';

export interface PickOptions { title: string; placeHolder?: string; canPickMany?: boolean }

/** A quick pick whose rows are recomputed as the user types (Pull's reference box). */
export interface TypeaheadOptions<T extends vscode.QuickPickItem> {
  title: string;
  placeholder: string;
  /** The rows for what is typed now (the empty string first). */
  items(typed: string): T[];
  /** Whether Enter on this row ends the question; a row it refuses keeps the pick open. */
  accepts(item: T): boolean;
}

export interface ProgressOptions {
  title: string;
  /** Offers a Cancel button; the task's signal aborts when it is pressed. */
  cancellable?: boolean;
  /** 'window': a quiet status-bar spinner for short reads; default 'notification'. */
  where?: 'notification' | 'window';
}

export interface ProgressReport { message?: string; increment?: number }
export interface ProgressSink { report(r: ProgressReport): void }

export type Level = 'info' | 'warn' | 'error';

export interface Host {
  /** A modal confirmation; true only when the user chose `action`. */
  confirm(message: string, options: { detail?: string; action: string }): Promise<boolean>;
  /** Undefined when dismissed; always an array (one item unless canPickMany). */
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: PickOptions): Promise<T[] | undefined>;
  input(options: vscode.InputBoxOptions & { title: string }): Promise<string | undefined>;
  /** The accepted row, or undefined when dismissed. */
  typeahead<T extends vscode.QuickPickItem>(options: TypeaheadOptions<T>): Promise<T | undefined>;
  /** A non-modal warning with buttons that the command waits on (a follow-up to take or ignore). */
  offer(message: string, actions: string[]): Promise<string | undefined>;
  /** Notifications; buttons are optional and the chosen one (else undefined) is what the promise gives. */
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  warn(message: string, ...actions: string[]): Promise<string | undefined>;
  error(message: string, ...actions: string[]): Promise<string | undefined>;
  /** A transient status-bar line (e.g. "Copied …"). */
  status(message: string): void;
  /** Runs `task` under a progress indicator; `signal` aborts when a cancellable one is cancelled. */
  withProgress<T>(options: ProgressOptions, task: (progress: ProgressSink, signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Renders a read-only document (Inspect, metrics, Check Setup) and opens it. */
  showDocument(ref: DocumentRef): Promise<vscode.TextDocument>;
  /** One file to read; undefined when dismissed. */
  openFile(options: Omit<vscode.OpenDialogOptions, 'canSelectMany'>): Promise<vscode.Uri | undefined>;
  saveFile(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined>;
  writeClipboard(text: string): Promise<void>;
  /** An integrated terminal driven by an extension Pseudoterminal. */
  createTerminal(options: vscode.ExtensionTerminalOptions): vscode.Terminal;
  createOutputChannel(name: string): vscode.OutputChannel;
  openExternal(uri: vscode.Uri): Promise<boolean>;
  /** A URI the user's machine can open for one on the extension host's (Remote-SSH, code-server: a forwarded port). */
  asExternalUri(uri: vscode.Uri): Promise<vscode.Uri>;
}

const STATUS_MS = 3000;

/** The real window. Documents open through the extension's read-only provider. */
export class VscodeHost implements Host {
  constructor(private readonly documents: ReadOnlyDocuments) {}

  async confirm(message: string, { detail, action }: { detail?: string; action: string }): Promise<boolean> {
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
    return choice === action;
  }

  async pick<T extends vscode.QuickPickItem>(items: readonly T[], options: PickOptions): Promise<T[] | undefined> {
    const qp = { title: options.title, placeHolder: options.placeHolder, matchOnDescription: true, ignoreFocusOut: false };
    if (options.canPickMany) {
      const r = await vscode.window.showQuickPick([...items], { ...qp, canPickMany: true });
      return r && r.length ? r : undefined;
    }
    const r = await vscode.window.showQuickPick([...items], qp);
    return r ? [r] : undefined;
  }

  input(options: vscode.InputBoxOptions & { title: string }): Promise<string | undefined> {
    return Promise.resolve(vscode.window.showInputBox(options));
  }

  typeahead<T extends vscode.QuickPickItem>(options: TypeaheadOptions<T>): Promise<T | undefined> {
    return new Promise((resolve) => {
      const qp = vscode.window.createQuickPick<T>();
      qp.title = options.title;
      qp.placeholder = options.placeholder;
      qp.matchOnDescription = false;
      qp.ignoreFocusOut = true;
      qp.items = options.items('');
      let done = false;
      const finish = (v: T | undefined): void => {
        if (done) return;
        done = true;
        resolve(v);
        qp.dispose();
      };
      qp.onDidChangeValue((v) => { qp.items = options.items(v); });
      qp.onDidAccept(() => {
        const item = qp.selectedItems[0] ?? qp.activeItems[0];
        if (item && options.accepts(item)) finish(item);
      });
      qp.onDidHide(() => finish(undefined));
      qp.show();
    });
  }

  offer(message: string, actions: string[]): Promise<string | undefined> {
    return Promise.resolve(vscode.window.showWarningMessage(message, ...actions));
  }

  info(message: string, ...actions: string[]): Promise<string | undefined> { return Promise.resolve(vscode.window.showInformationMessage(message, ...actions)); }
  warn(message: string, ...actions: string[]): Promise<string | undefined> { return Promise.resolve(vscode.window.showWarningMessage(message, ...actions)); }
  error(message: string, ...actions: string[]): Promise<string | undefined> { return Promise.resolve(vscode.window.showErrorMessage(message, ...actions)); }

  status(message: string): void { vscode.window.setStatusBarMessage(message, STATUS_MS); }

  withProgress<T>(options: ProgressOptions, task: (progress: ProgressSink, signal: AbortSignal) => Promise<T>): Promise<T> {
    const location = options.where === 'window' ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification;
    return Promise.resolve(vscode.window.withProgress({ location, title: options.title, cancellable: options.cancellable ?? false }, (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return task(progress, abort.signal);
    }));
  }

  showDocument(ref: DocumentRef): Promise<vscode.TextDocument> { return this.documents.show(ref); }

  async openFile(options: Omit<vscode.OpenDialogOptions, 'canSelectMany'>): Promise<vscode.Uri | undefined> {
    return (await vscode.window.showOpenDialog({ ...options, canSelectMany: false }))?.[0];
  }

  saveFile(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined> { return Promise.resolve(vscode.window.showSaveDialog(options)); }
  writeClipboard(text: string): Promise<void> { return Promise.resolve(vscode.env.clipboard.writeText(text)); }
  createTerminal(options: vscode.ExtensionTerminalOptions): vscode.Terminal { return vscode.window.createTerminal(options); }
  createOutputChannel(name: string): vscode.OutputChannel { return vscode.window.createOutputChannel(name); }
  openExternal(uri: vscode.Uri): Promise<boolean> { return Promise.resolve(vscode.env.openExternal(uri)); }
  asExternalUri(uri: vscode.Uri): Promise<vscode.Uri> { return Promise.resolve(vscode.env.asExternalUri(uri)); }
}

/** Thrown when the user backs out of a question: the command ends quietly. */
export class Cancelled extends Error {
  constructor() { super('cancelled'); }
}
