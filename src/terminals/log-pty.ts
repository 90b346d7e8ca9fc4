// "Show Logs": a read-only terminal that prints a container's log file and follows new lines (tail -f) until it
// is closed. nerdctl's json-file records are shown as their text, stderr in red.
import * as vscode from 'vscode';
import { LogFollower, type LogSource } from '@containerd-explorer/client';
import { crlf, dim, PtyOutput, red } from './pty-output';

export class LogPty implements vscode.Pseudoterminal {
  private readonly out = new PtyOutput();
  readonly onDidWrite = this.out.onDidWrite;
  readonly onDidClose = this.out.onDidClose;
  private follower: LogFollower | undefined;
  /** Everything written so far (tests read it). */
  text = '';

  constructor(private readonly source: LogSource, private readonly title: string) {}

  private write(s: string): void {
    this.text += s;
    this.out.write(s);
  }

  open(): void {
    this.write(`${dim(`${this.title}: following ${this.source.path} (close the terminal to stop)`)}\r\n`);
    this.follower = new LogFollower(this.source.path, {
      format: this.source.format,
      onData: (c) => this.write(c.stream === 'stderr' ? red(crlf(c.text)) : crlf(c.text)),
      onReset: () => this.write(`\r\n${dim('(the log was truncated or replaced: reading it again)')}\r\n`),
      onError: (e) => this.write(`\r\n${red(`Cannot read ${this.source.path}: ${e.message}`)}\r\n`),
    });
  }

  /** Resolves once what the file holds now has been written to the terminal. */
  async flush(): Promise<void> { await this.follower?.flush(); }

  handleInput(data: string): void {
    // Ctrl+C or q stops following, like `less`/`tail -f` users expect.
    if (data === '\x03' || data === 'q') this.out.close();
  }

  close(): void {
    this.follower?.stop();
    this.follower = undefined;
    this.out.dispose();
  }
}
