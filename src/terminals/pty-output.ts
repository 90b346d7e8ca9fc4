// What both of our Pseudoterminals write through: the terminal's write and close events (one Emitter for the whole
// extension: src/base/emitter.ts), and the ANSI helpers for the lines they add themselves.
import { Emitter, type Event } from '../base/emitter';
import { Disposable } from '../base/lifecycle';

export const dim = (s: string): string => `\x1b[2m${s}\x1b[0m`;
export const red = (s: string): string => `\x1b[31m${s}\x1b[0m`;
/** Terminals want CRLF line ends; logs and process output carry LF. */
export const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

export class PtyOutput extends Disposable {
  private readonly writeEmitter = this._register(new Emitter<string>());
  private readonly closeEmitter = this._register(new Emitter<number | void>());
  readonly onDidWrite: Event<string> = this.writeEmitter.event;
  readonly onDidClose: Event<number | void> = this.closeEmitter.event;

  write(s: string): void { this.writeEmitter.fire(s); }
  close(code?: number): void { this.closeEmitter.fire(code); }
}
