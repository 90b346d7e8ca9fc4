// Stats in the real VS Code, driven through Chromium: a container growing its memory (tmpfs pages in /dev/shm) and
// one burning a CPU, each in its Stats panel (memory read back rising, CPU above half a core, from the webview's DOM),
// the namespace's all-tasks panel with both rows sorted by CPU and then by memory, and a killed task frozen with
// "stopped (exit 137)". Screenshots go to test-artifacts/e2e/ui-stats/.
import type { FrameLocator, Page } from 'playwright-core';
import { buildImage, ctrImport, startContainerd, type Daemon } from '../../harness';
import type { SuiteFixture } from '../runner/discover';
import type { UiSession } from '../runner/run-ui';
import { sideBarView as view, widenSideBar } from '../runner/ui-helpers';
import { ctrRunFlags } from '../suite-views/fixture';

const IMAGE = 'e2e.local/stats/busybox:1.0';
// Distinctive ids: runc's cgroup path is /<namespace>/<id> on the host, shared by every private daemon.
const BURN = 'ui-stats-burn';
const GROW = 'ui-stats-grow';
const STEP_MS = 30_000;
const MiB = 1024 * 1024;
let daemon: Daemon | undefined;

export async function setup(): Promise<SuiteFixture> {
  const d = await startContainerd({ name: 'e2e-stats' });
  try {
    await ctrImport(d, 'default', buildImage({ cmd: ['sh'] }), IMAGE);
    const run = async (id: string, script: string): Promise<void> => {
      const r = await d.ctr(['run', '-d', ...ctrRunFlags(d.dir), IMAGE, id, 'sh', '-c', script], { namespace: 'default' });
      if (r.code !== 0) throw new Error(`ctr run ${id} failed: ${r.stderr}`);
    };
    await run(BURN, 'while :; do :; done');
    // 512 KiB of tmpfs a second for about two minutes (the default /dev/shm holds 64 MiB), then idle.
    await run(GROW, 'i=0; while [ $i -lt 120 ]; do dd if=/dev/zero of=/dev/shm/f$i bs=1024 count=512 2>/dev/null; i=$((i+1)); sleep 1; done; sleep 100000');
  } catch (e) {
    await d.stop();
    throw e;
  }
  daemon = d;
  return { env: { CONTAINERD_ADDRESS: d.address }, teardown: () => d.stop() };
}

/** The webview on screen (hidden panels' frames stay in the DOM): its inner frame holds our page. */
function webview(page: Page): FrameLocator {
  return page.locator('iframe.webview.ready').filter({ visible: true }).last().contentFrame().locator('#active-frame').contentFrame();
}

async function poll<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = STEP_MS): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read().catch(() => undefined);
    if (last !== undefined && ok(last)) return last;
    if (Date.now() > until) throw new Error(`${what}: last read ${String(last)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function chartValue(frame: FrameLocator, chart: string): Promise<number | undefined> {
  const v = await frame.locator(`section.chart[data-chart="${chart}"]`).getAttribute('data-value', { timeout: 2000 });
  return v === null ? undefined : Number(v);
}

async function openTaskStats(ui: UiSession, id: string): Promise<FrameLocator> {
  await ui.openPalette('Containerd: Show Task Stats');
  const pick = ui.quickPickRow(id);
  await pick.waitFor({ state: 'visible', timeout: STEP_MS });
  await pick.click();
  await ui.page.locator('.tabs-container .tab', { hasText: `Stats: ${id}` }).first().waitFor({ timeout: STEP_MS });
  const frame = webview(ui.page);
  await frame.locator('h2.heading', { hasText: `Task ${id}` }).waitFor({ timeout: STEP_MS });
  return frame;
}

/** Waits until the chart has drawn `n` samples (a line worth a screenshot, not a dot). */
async function drawn(frame: FrameLocator, n: number): Promise<void> {
  await poll(`${n} samples drawn`, async () => Number(await frame.locator('section.chart[data-chart="cpu"]').getAttribute('data-points', { timeout: 2000 })), (v) => v >= n);
}

const firstRowId = (frame: FrameLocator): Promise<string | null> => frame.locator('table.tasks tbody tr').first().getAttribute('data-id', { timeout: 2000 });

export async function run(ui: UiSession): Promise<void> {
  const { page } = ui;
  await ui.clickActivity('Containerd');
  await widenSideBar(page, 520);
  await view(page, 'Tasks').getByRole('treeitem', { name: new RegExp(`^${GROW}.*running`) }).first().waitFor({ timeout: STEP_MS });

  // Memory: the grower's used memory rises by more than 1 MiB while the panel watches.
  const grow = await openTaskStats(ui, GROW);
  const mem0 = await poll('first memory sample', () => chartValue(grow, 'mem'), (v) => v !== undefined && v > 0);
  const mem1 = await poll(`memory rising from ${mem0}`, () => chartValue(grow, 'mem'), (v) => v !== undefined && v > (mem0 ?? 0) + MiB);
  console.log(`ui-stats: ${GROW} memory ${(Number(mem0) / MiB).toFixed(1)} MiB -> ${(Number(mem1) / MiB).toFixed(1)} MiB`);
  await drawn(grow, 8);
  await ui.shot('task-stats-memory-rising');

  // CPU: the burner uses more than half a core (of the 2 cores here; docker's % of one core).
  const burn = await openTaskStats(ui, BURN);
  const cpu = await poll('CPU of the burner above 50 % of one core', () => chartValue(burn, 'cpu'), (v) => v !== undefined && v > 50);
  console.log(`ui-stats: ${BURN} CPU ${Number(cpu).toFixed(1)} % of one core`);
  await burn.locator('section.chart[data-chart="cpu"] .now', { hasText: '%' }).waitFor({ timeout: STEP_MS });
  await drawn(burn, 8);
  await ui.shot('task-stats-cpu');

  // All tasks of the namespace: both rows, the burner first by CPU (the default sort), the grower first by memory.
  await ui.openPalette('Containerd: Show Stats of All Tasks');
  await page.locator('.tabs-container .tab', { hasText: 'Stats: namespace default' }).first().waitFor({ timeout: STEP_MS });
  const all = webview(page);
  await all.locator(`table.tasks tr[data-id="${BURN}"][data-cpu]`).waitFor({ timeout: STEP_MS });
  await all.locator(`table.tasks tr[data-id="${GROW}"][data-mem]`).waitFor({ timeout: STEP_MS });
  await poll('burner first by CPU', () => firstRowId(all), (id) => id === BURN);
  await drawn(all, 5);
  await ui.shot('namespace-stats-by-cpu');
  await all.locator('table.tasks th[data-sort="mem"]').click();
  await poll('grower first by memory', () => firstRowId(all), (id) => id === GROW);
  await ui.shot('namespace-stats-by-memory');
  await all.locator('table.tasks th[data-sort="cpu"]').click();
  await poll('burner first by CPU again', () => firstRowId(all), (id) => id === BURN);

  // A task killed under the panel: its row says so, and its own panel freezes under the banner.
  const kill = await daemon?.ctr(['tasks', 'kill', '-s', 'SIGKILL', GROW], { namespace: 'default' });
  if (kill?.code !== 0) throw new Error(`ctr tasks kill failed: ${kill?.stderr}`);
  await all.locator(`table.tasks tr[data-id="${GROW}"][data-state="stopped"]`, { hasText: 'stopped (exit 137)' }).waitFor({ timeout: STEP_MS });
  await ui.shot('namespace-stats-stopped-row');
  await page.locator('.tabs-container .tab', { hasText: `Stats: ${GROW}` }).first().click();
  const frozen = webview(page);
  await frozen.locator('.banner.stopped', { hasText: 'stopped (exit 137)' }).waitFor({ timeout: STEP_MS });
  if ((await chartValue(frozen, 'mem')) === undefined) throw new Error('the frozen panel lost its last memory figure');
  await ui.shot('task-stats-stopped');
}
