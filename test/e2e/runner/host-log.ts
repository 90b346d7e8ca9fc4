// Tells the tests' output apart from the workbench's own log lines: both reach the runner through
// window.codeAutomationLog, but only the tests' output belongs on our stdout. VS Code locks the
// extension host's console methods (assigning console.log is ignored), so the mark is added by the
// writer: mocha's reporter, and hostLog() for tests that want to print.
import * as util from 'util';

const MARK = '\u2063e2e\u2063'; // invisible separators: never part of real output

/** In the extension host: print a line on the runner's stdout (arguments as for console.log). */
export function hostLog(...args: unknown[]): void {
  console.log(MARK + util.format(...args));
}

/** In the runner: the text of a line written by hostLog(), or undefined for any other log line. */
export function hostLogText(message: unknown): string | undefined {
  const text = util.format(...(Array.isArray(message) ? message : [message]));
  return text.startsWith(MARK) ? text.slice(MARK.length) : undefined;
}

/** Any codeAutomationLog message as one line of text, for the artifacts log. */
export function logLine(level: unknown, message: unknown): string {
  const text = util.format(...(Array.isArray(message) ? message : [message]));
  return `[${String(level)}] ${text.replace(MARK, '')}`;
}
