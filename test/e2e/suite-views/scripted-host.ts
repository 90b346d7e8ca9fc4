// A Host that answers from a script and records what the window was asked to show: the in-host tests cannot
// click VS Code's modal dialogs, pickers or notification buttons (the UI suite does that), so each test queues
// the answers it wants and reads the questions, notifications, progress, documents, clipboard and terminals.
// Terminals, output channels and documents are still opened by the real host (tests read their output).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { Host, Level, PickOptions, ProgressOptions, ProgressReport, ProgressSink, TypeaheadOptions } from '../../../src/commands/shared/host';
import type { DocumentRef } from '../../../src/views/documents/read-only-documents';

/** One progress indicator: its options, every report in order, and how it ended. */
export interface RecordedProgress extends ProgressOptions { reports: ProgressReport[]; outcome?: 'done' | 'failed'; cancelled: boolean }

export class ScriptedHost implements Host {
  readonly confirms: boolean[] = [];
  /** Each entry picks from the offered items by label (substring); the questions are recorded. */
  readonly picks: string[][] = [];
  readonly inputs: string[] = [];
  /** Typeahead answers: what is typed, then the row whose label contains `row` (default: the first row accepted). */
  readonly typed: { value: string; row?: string }[] = [];
  /** Answers to offers (non-modal questions with buttons): a button's label (substring), or undefined to dismiss. */
  readonly offers: (string | undefined)[] = [];
  /** Buttons to click on notifications that have some, in order; a notification with none left is dismissed. */
  readonly clicks: string[] = [];
  /** Paths the open and save dialogs answer with (undefined: dismissed). */
  readonly files: (string | undefined)[] = [];
  readonly said: { level: Level; message: string; actions: string[] }[] = [];
  readonly asked: string[] = [];
  /** Validation messages of scripted inputs the input box refused (the next scripted input is then tried). */
  readonly rejected: string[] = [];
  readonly progress: RecordedProgress[] = [];
  /** Cancels a cancellable progress at the first report this returns true for (as the Cancel button would). */
  cancelWhen: ((p: RecordedProgress, r: ProgressReport) => boolean) | undefined;
  readonly statuses: string[] = [];
  readonly clipboard: string[] = [];
  readonly documents: DocumentRef[] = [];
  readonly terminals: string[] = [];
  readonly external: string[] = [];

  constructor(private readonly real: Host) {}

  async confirm(message: string): Promise<boolean> {
    this.asked.push(`confirm: ${message}`);
    const answer = this.confirms.shift();
    assert.ok(answer !== undefined, `unexpected confirmation: ${message}`);
    return answer;
  }

  async pick<T extends vscode.QuickPickItem>(items: readonly T[], options: PickOptions): Promise<T[] | undefined> {
    this.asked.push(`pick: ${options.title}`);
    const wanted = this.picks.shift();
    assert.ok(wanted, `unexpected pick: ${options.title} (${items.map((i) => i.label).join(', ')})`);
    const chosen = items.filter((i) => wanted.some((w) => i.label.includes(w)));
    assert.ok(chosen.length, `none of ${wanted.join(', ')} among ${items.map((i) => i.label).join(', ')}`);
    return chosen;
  }

  async input(options: vscode.InputBoxOptions & { title: string }): Promise<string | undefined> {
    this.asked.push(`input: ${options.title}`);
    for (;;) {
      const answer = this.inputs.shift();
      assert.ok(answer !== undefined, `unexpected input box: ${options.title}`);
      const problem = await options.validateInput?.(answer);
      if (!problem) return answer;
      this.rejected.push(typeof problem === 'string' ? problem : problem.message);
    }
  }

  async typeahead<T extends vscode.QuickPickItem>(options: TypeaheadOptions<T>): Promise<T | undefined> {
    this.asked.push(`typeahead: ${options.title}`);
    const answer = this.typed.shift();
    assert.ok(answer, `unexpected typeahead: ${options.title}`);
    const rows = options.items(answer.value);
    const row = rows.find((i) => (answer.row === undefined || i.label.includes(answer.row)) && options.accepts(i));
    assert.ok(row, `no acceptable row${answer.row ? ` like ${answer.row}` : ''} for "${answer.value}": ${rows.map((i) => i.label).join(', ')}`);
    return row;
  }

  async offer(message: string, actions: string[]): Promise<string | undefined> {
    this.asked.push(`offer: ${message} [${actions.join(' | ')}]`);
    assert.ok(this.offers.length, `unexpected offer: ${message}`);
    const wanted = this.offers.shift();
    if (wanted === undefined) return undefined;
    const chosen = actions.find((a) => a.includes(wanted));
    assert.ok(chosen, `no button ${wanted} among ${actions.join(', ')}`);
    return chosen;
  }

  private notify(level: Level, message: string, actions: string[]): Promise<string | undefined> {
    this.said.push({ level, message, actions });
    if (!actions.length || !this.clicks.length) return Promise.resolve(undefined);
    const wanted = this.clicks.shift() ?? '';
    return Promise.resolve(actions.find((a) => a.includes(wanted)));
  }

  info(message: string, ...actions: string[]): Promise<string | undefined> { return this.notify('info', message, actions); }
  warn(message: string, ...actions: string[]): Promise<string | undefined> { return this.notify('warn', message, actions); }
  error(message: string, ...actions: string[]): Promise<string | undefined> { return this.notify('error', message, actions); }
  status(message: string): void { this.statuses.push(message); }

  async withProgress<T>(options: ProgressOptions, task: (progress: ProgressSink, signal: AbortSignal) => Promise<T>): Promise<T> {
    const rec: RecordedProgress = { ...options, reports: [], cancelled: false };
    this.progress.push(rec);
    const abort = new AbortController();
    const sink: ProgressSink = {
      report: (r) => {
        rec.reports.push({ ...r });
        if (options.cancellable && !rec.cancelled && this.cancelWhen?.(rec, r)) { rec.cancelled = true; abort.abort(); }
      },
    };
    try {
      const v = await task(sink, abort.signal);
      rec.outcome = 'done';
      return v;
    } catch (e) {
      rec.outcome = 'failed';
      throw e;
    }
  }

  showDocument(ref: DocumentRef): Promise<vscode.TextDocument> {
    this.documents.push(ref);
    return this.real.showDocument(ref);
  }

  async openFile(options: Omit<vscode.OpenDialogOptions, 'canSelectMany'>): Promise<vscode.Uri | undefined> {
    return this.answerFile(`open: ${options.title ?? ''}`);
  }

  async saveFile(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined> {
    return this.answerFile(`save: ${options.title ?? ''} (${options.defaultUri?.fsPath ?? 'no default'})`);
  }

  private async answerFile(question: string): Promise<vscode.Uri | undefined> {
    this.asked.push(question);
    assert.ok(this.files.length, `unexpected file dialog: ${question}`);
    const file = this.files.shift();
    return file === undefined ? undefined : vscode.Uri.file(file);
  }

  async writeClipboard(text: string): Promise<void> { this.clipboard.push(text); }

  createTerminal(options: vscode.ExtensionTerminalOptions): vscode.Terminal {
    this.terminals.push(options.name);
    return this.real.createTerminal(options);
  }

  createOutputChannel(name: string): vscode.OutputChannel { return this.real.createOutputChannel(name); }

  async openExternal(uri: vscode.Uri): Promise<boolean> {
    this.external.push(uri.toString());
    return true;
  }

  /** The real host's mapping (a forwarded port in code-server), so tests see what a user would open. */
  asExternalUri(uri: vscode.Uri): Promise<vscode.Uri> { return this.real.asExternalUri(uri); }

  /** The reports of the progress titled `title` (the last one, if several). */
  reportsOf(title: string | RegExp): ProgressReport[] {
    const match = (t: string): boolean => (typeof title === 'string' ? t === title : title.test(t));
    const p = [...this.progress].reverse().find((x) => match(x.title));
    assert.ok(p, `no progress titled ${String(title)} among: ${this.progress.map((x) => x.title).join(', ')}`);
    return p.reports;
  }

  /** Asserts every scripted answer was used. */
  done(): void {
    const left = { confirms: this.confirms, picks: this.picks, inputs: this.inputs, typed: this.typed, offers: this.offers, clicks: this.clicks, files: this.files };
    assert.deepStrictEqual(left, { confirms: [], picks: [], inputs: [], typed: [], offers: [], clicks: [], files: [] }, 'unused scripted answers');
  }
}
