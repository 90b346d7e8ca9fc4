// What the in-host Stats benchmark writes to $BENCH_RESULT_FILE for bench/stats-panel.ts to report (no vscode here).

export interface LoadWindow {
  seconds: number;
  /** Extension-host process CPU (user + system) over the window, in % of one core. */
  cpuPercent: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export interface StatsPanelResult {
  tasks: number;
  /** The extension host with its views synced and the panel closed again (start-up settled): the baseline. */
  idle: LoadWindow;
  /** The all-tasks panel open and visible, sampling every task each tick. */
  panel: LoadWindow;
  ticks: number;
  /** Live samples per tick: min and median. */
  samplesPerTickMin: number;
  samplesPerTickMedian: number;
  /** Whether the feed stopped once another editor covered the panel, and started again when it came back. */
  stoppedWhenHidden: boolean;
  resumedWhenShown: boolean;
}
