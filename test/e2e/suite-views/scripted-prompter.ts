// A Prompter that answers from a script: the in-host tests cannot click VS Code's modal dialogs and pickers
// (the UI suite does that), so each test queues the answers it wants and reads what was said to the user.
import * as assert from 'assert';
import type * as vscode from 'vscode';
import type { PickOptions, Prompter } from '../../../src/commands/shared/prompter';

export class ScriptedPrompter implements Prompter {
  readonly confirms: boolean[] = [];
  /** Each entry picks from the offered items by label (substring); the questions are recorded. */
  readonly picks: string[][] = [];
  readonly inputs: string[] = [];
  /** Answers to offers (non-modal messages with buttons): a button's label (substring), or undefined to dismiss. */
  readonly offers: (string | undefined)[] = [];
  readonly said: { level: 'info' | 'warn' | 'error'; message: string }[] = [];
  readonly asked: string[] = [];
  /** Validation messages of scripted inputs the input box refused (the next scripted input is then tried). */
  readonly rejected: string[] = [];

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

  async offer(message: string, actions: string[]): Promise<string | undefined> {
    this.asked.push(`offer: ${message} [${actions.join(' | ')}]`);
    assert.ok(this.offers.length, `unexpected offer: ${message}`);
    const wanted = this.offers.shift();
    if (wanted === undefined) return undefined;
    const chosen = actions.find((a) => a.includes(wanted));
    assert.ok(chosen, `no button ${wanted} among ${actions.join(', ')}`);
    return chosen;
  }

  info(message: string): void { this.said.push({ level: 'info', message }); }
  warn(message: string): void { this.said.push({ level: 'warn', message }); }
  error(message: string): void { this.said.push({ level: 'error', message }); }

  /** Asserts every scripted answer was used. */
  done(): void {
    assert.deepStrictEqual({ confirms: this.confirms, picks: this.picks, inputs: this.inputs, offers: this.offers }, { confirms: [], picks: [], inputs: [], offers: [] }, 'unused scripted answers');
  }
}
