// One run at a time of a listing: a call while it runs makes it run once more afterwards (what changed meanwhile
// is read), and every caller awaits the same promise. Used by the explorer model and the storage views.
export class SingleFlight {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly work: () => Promise<void>, private readonly stopped: () => boolean = () => false) {}

  /** The run in progress, if any. */
  get current(): Promise<void> | undefined { return this.running; }

  /** Runs now, or once more after the run in progress (which may call this itself: it is not awaited then). */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.work();
      } while (this.again && !this.stopped());
    })().finally(() => { this.running = undefined; });
    return this.running;
  }
}
