// "Show Logs": a read-only terminal that prints a container's log file and follows new lines (tail -f) until it
// is closed. nerdctl's json-file records are shown as their text, stderr in red.
import * as vscode from 'vscode';
import { LogFollower, type LogSource } from '@containerd-explorer/client';

const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

export class LogPty implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private follower: LogFollower | undefined;
  /** Everything written so far (tests read it). */
  text = '';

  constructor(private readonly source: LogSource, private readonly title: string) {}

  private write(s: string): void {
    this.text += s;
    this.writeEmitter.fire(s);
  }

  open(): void {
    this.write(`\x1b[2m${this.title}: following ${this.source.path} (close the terminal to stop)\x1b[0m\r\n`);
    this.follower = new LogFollower(this.source.path, {
      format: this.source.format,
      onData: (c) => this.write(c.stream === 'stderr' ? `\x1b[31m${crlf(c.text)}\x1b[0m` : crlf(c.text)),
      onReset: () => this.write('\r\n\x1b[2m(the log was truncated or replaced: reading it again)\x1b[0m\r\n'),
      onError: (e) => this.write(`\r\n\x1b[31mCannot read ${this.source.path}: ${e.message}\x1b[0m\r\n`),
    });
  }

  /** Resolves once what the file holds now has been written to the terminal. */
  async flush(): Promise<void> { await this.follower?.flush(); }

  handleInput(data: string): void {
    // Ctrl+C or q stops following, like `less`/`tail -f` users expect.
    if (data === '\x03' || data === 'q') this.closeEmitter.fire();
  }

  close(): void {
    this.follower?.stop();
    this.follower = undefined;
  }
}
