// A vscode.Pseudoterminal over a containerd process with a pty: keystrokes go to its stdin FIFO, its output is
// written to the terminal, setDimensions becomes ResizePty. The process starts when VS Code opens the terminal
// (so the first size is known). When the process exits the terminal closes with its exit code; when the user
// closes the terminal, the session decides (an exec is killed and deleted, an attached task is only detached).
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { Disposable } from '../base/lifecycle';
import { crlf, dim, PtyOutput, red } from './pty-output';

export interface PtySize { width: number; height: number }

/** A running process behind the terminal. */
export interface PtySession {
  readonly output: NodeJS.ReadableStream;
  readonly input?: NodeJS.WritableStream;
  /** Resolves with the exit status once the process has exited and its output is read. */
  readonly exited: Promise<number>;
  resize(size: PtySize): Promise<void>;
  /** The process exited: release what is left (delete the process, its FIFOs). */
  finish(): Promise<void>;
  /** The user closed the terminal while the process runs. */
  abandon(): Promise<void>;
}

export interface ProcessPtyOptions {
  /** Starts the process; `size` is undefined when VS Code did not say yet. */
  start(size: PtySize | undefined): Promise<PtySession>;
  /** Shown (dimmed) before the process's own output, e.g. what closing the terminal does. */
  banner?: string;
  onError?(message: string): void;
}

const TRANSCRIPT_CHARS = 64 * 1024;

export class ProcessPty extends Disposable implements vscode.Pseudoterminal {
  private readonly out = this._register(new PtyOutput());
  readonly onDidWrite = this.out.onDidWrite;
  readonly onDidClose = this.out.onDidClose;
  private session: PtySession | undefined;
  private size: PtySize | undefined;
  private state: 'new' | 'starting' | 'running' | 'failed' | 'done' = 'new';
  private resizing: Promise<void> = Promise.resolve();
  private readonly decoder = new StringDecoder('utf8');
  // Declared before the promises that assign them: class fields initialise in order.
  private readyResolve!: (s: PtySession) => void;
  private readyReject!: (e: Error) => void;
  private resolveExit!: (code: number) => void;
  private resolveClosed!: () => void;
  /** Settles once the process runs (or could not start). */
  readonly ready = new Promise<PtySession>((resolve, reject) => { this.readyResolve = resolve; this.readyReject = reject; });
  /** The exit status, once the process has exited. */
  readonly exitCode = new Promise<number>((resolve) => { this.resolveExit = resolve; });
  /** Resolves once VS Code has closed the terminal (close() was called). */
  readonly closed = new Promise<void>((resolve) => { this.resolveClosed = resolve; });
  private recent = '';

  constructor(private readonly options: ProcessPtyOptions) {
    super();
    this.ready.catch(() => undefined);
    // What the terminal showed last (for tests and diagnostics), bounded.
    this.onDidWrite((s) => { this.recent = (this.recent + s).slice(-TRANSCRIPT_CHARS); });
  }

  /** The last 64 K characters written to the terminal. */
  get transcript(): string { return this.recent; }

  open(initial: vscode.TerminalDimensions | undefined): void {
    if (this.state !== 'new') return;
    this.state = 'starting';
    this.size = initial ? { width: initial.columns, height: initial.rows } : undefined;
    if (this.options.banner) this.out.write(`${dim(crlf(this.options.banner))}\r\n`);
    void this.start();
  }

  private async start(): Promise<void> {
    let session: PtySession;
    try {
      session = await this.options.start(this.size);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.state = 'failed';
      this.out.write(`${red(crlf(message))}\r\n\r\n${dim('Press any key to close this terminal.')}`);
      this.options.onError?.(message);
      this.readyReject(e instanceof Error ? e : new Error(message));
      return;
    }
    if (this.state !== 'starting') {
      // Closed while starting: the process must not outlive its terminal.
      await session.abandon().catch(() => undefined);
      this.readyReject(new Error('the terminal was closed'));
      return;
    }
    this.session = session;
    this.state = 'running';
    session.output.on('data', (b: Buffer) => this.out.write(this.decoder.write(b)));
    this.readyResolve(session);
    const sized = this.size;
    if (sized) this.queueResize(sized);
    const code = await session.exited.catch(() => -1);
    const tail = this.decoder.end();
    if (tail) this.out.write(tail);
    this.resolveExit(code);
    if (this.state !== 'running') return;
    this.state = 'done';
    await session.finish().catch((e: unknown) => this.options.onError?.(e instanceof Error ? e.message : String(e)));
    this.out.close(code);
  }

  handleInput(data: string): void {
    if (this.state === 'failed') {
      this.state = 'done';
      this.out.close(1);
      return;
    }
    if (this.state === 'running') this.session?.input?.write(data);
  }

  setDimensions(d: vscode.TerminalDimensions): void {
    this.size = { width: d.columns, height: d.rows };
    if (this.state === 'running') this.queueResize(this.size);
  }

  /** One ResizePty at a time, newest size last; failures after exit are expected and ignored. */
  private queueResize(size: PtySize): void {
    this.resizing = this.resizing.then(() => this.session?.resize(size)).catch(() => undefined);
  }

  close(): void {
    this.resolveClosed();
    const was = this.state;
    this.state = 'done';
    if (was === 'running') void this.session?.abandon().catch((e: unknown) => this.options.onError?.(e instanceof Error ? e.message : String(e)));
  }

  /** Test and shutdown hook: what closing the terminal does (let go of the process), without VS Code. */
  override dispose(): void {
    this.close();
    super.dispose();
  }
}
