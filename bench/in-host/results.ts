// What the in-host view benchmarks write to $BENCH_RESULT_FILE for bench/views-*.ts to report (no vscode here).

export type EventKind = 'create' | 'start' | 'delete-task' | 'delete';

export interface EventSample {
  kind: EventKind;
  /** `ctr` argv after the global flags. */
  command: string;
  /** ctr's own run time, spawn to exit. */
  ctrMs: number;
  /** ctr exited -> the provider fired the change after which getChildren has (or lacks) the item. */
  latencyMs: number;
  /** ctr exited -> containerd's event reached the extension (negative: before ctr had exited). */
  eventMs?: number;
}

export interface EventsResult {
  samples: EventSample[];
  /** The model's coalescing window (ms). */
  coalesceMs: number;
}

export interface ListRun {
  /** refresh command -> all three providers fired -> getChildren + getTreeItem of every root node done. */
  oursMs: number;
  /** Refresh until the Containers and Images views have fired and rendered their rows (Tasks fill in after). */
  shownMs: number;
  /** Per view: refresh -> that provider's change. */
  firedMs: Record<'containers' | 'tasks' | 'images', number>;
  /** Per view: getChildren + getTreeItem of every root node, after its change. */
  renderMs: Record<'containers' | 'tasks' | 'images', number>;
  /** Whole `ctr` processes, spawn to exit, in the same run. */
  ctrContainersMs: number;
  ctrTasksMs: number;
  ctrImagesMs: number;
  /** Event loop delay during our refresh (perf_hooks.monitorEventLoopDelay), ms. */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
}

export interface ListResult {
  counts: { containers: number; tasks: number; images: number };
  runs: ListRun[];
  /** First refresh after the views came up, not counted (JIT warm-up, image details). */
  warmup?: ListRun;
  /** Once, before the runs: the views' first full listing after connecting, ms. */
  initialSyncMs: number;
  /** With BENCH_PROFILE=1: one extra refresh under the CPU profiler. */
  profile?: { file: string; top: { fn: string; ms: number }[] };
}
