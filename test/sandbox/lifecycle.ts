// What the sandbox started, and how to stop it all: every start registers its stop; Ctrl-C (SIGINT), SIGTERM,
// SIGHUP or the parent script going away stop everything in reverse order. The test harness and playwright install
// signal handlers of their own that kill abruptly or exit the process at once; the sandbox takes the signals back
// after each step so that its shutdown is graceful (tasks deleted through containerd, shims gone, dirs removed).

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const STOP_STEP_TIMEOUT_MS = 60_000;

export class Interrupted extends Error {
  constructor(reason: string) {
    super(`interrupted (${reason})`);
  }
}

interface Started { what: string; stop: () => Promise<void> }

export class Lifecycle {
  private readonly started: Started[] = [];
  private stopReason: string | undefined;
  private wake: (reason: string) => void = () => undefined;
  /** Resolves with the reason once a stop was asked for (signal, parent gone, VS Code closed). */
  readonly stopRequested: Promise<string>;
  private readonly onSignal = (signal: NodeJS.Signals): void => this.signalled(signal);

  constructor(private readonly log: (line: string) => void) {
    this.stopRequested = new Promise((resolve) => { this.wake = resolve; });
  }

  get stopping(): boolean { return this.stopReason !== undefined; }

  /** Installs our signal handlers; with `parentPipe`, stdin closing means the parent script is gone. */
  install(parentPipe: boolean): void {
    this.takeSignals();
    // A closed terminal must not turn the shutdown's progress lines into a crash.
    process.stdout.on('error', () => undefined);
    process.stderr.on('error', () => undefined);
    if (parentPipe) {
      process.stdin.on('error', () => undefined);
      process.stdin.on('close', () => this.requestStop('the sandbox script went away'));
      process.stdin.resume();
    }
  }

  /** Removes every other module's handler for our signals (the harness's, playwright's) and keeps ours. */
  takeSignals(): void {
    for (const signal of SIGNALS) {
      for (const l of process.listeners(signal)) if (l !== this.onSignal) process.removeListener(signal, l);
      if (!process.listeners(signal).includes(this.onSignal)) process.on(signal, this.onSignal);
    }
  }

  private signalled(signal: NodeJS.Signals): void {
    if (this.stopping) {
      // A second Ctrl-C: give up on graceful; the 'exit' hooks of the harness and the runner kill what is left.
      this.log(`${signal} again: stopping at once`);
      process.exit(130);
    }
    this.requestStop(signal);
  }

  requestStop(reason: string): void {
    if (this.stopping) return;
    this.stopReason = reason;
    this.wake(reason);
  }

  /** Call between steps: throws Interrupted when a stop was asked for meanwhile. */
  checkpoint(): void {
    this.takeSignals();
    if (this.stopReason !== undefined) throw new Interrupted(this.stopReason);
  }

  add(what: string, stop: () => Promise<void>): void {
    this.started.push({ what, stop });
  }

  /** Stops everything started, last first; a step that fails or hangs does not keep the others running. */
  async stopAll(): Promise<void> {
    this.requestStop('shutdown');
    while (this.started.length) {
      const s = this.started.pop() as Started;
      const t0 = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([s.stop(), new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${STOP_STEP_TIMEOUT_MS / 1000} s`)), STOP_STEP_TIMEOUT_MS);
        })]);
        this.log(`stopped ${s.what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (e) {
        this.log(`could not stop ${s.what} cleanly: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
