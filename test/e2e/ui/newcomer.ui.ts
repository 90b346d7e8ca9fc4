// Kill as a newcomer meets it, through Chromium: SIGTERM on a task that traps TERM says which signal went to which
// pid, then offers Send SIGKILL; the button ends the task, which both views then word "stopped (exit 137)", with the
// creation time absolute in the description. Screenshots go to test-artifacts/e2e/ui-newcomer/.
import type { Locator, Page } from 'playwright-core';
import { runCtr } from '../../harness/containerd';
import type { SuiteFixture } from '../runner/discover';
import type { UiSession } from '../runner/run-ui';
import { sideBarView, widenSideBar } from '../runner/ui-helpers';
import { ctrRunFlags, IMAGE } from '../suite-views/fixture';
import { setup as viewsSetup } from '../suite-views/setup';

const STEP_MS = 20_000;
// An id of its own per run: runc's cgroup (/<namespace>/<id>) is shared with parallel runs using the same id.
const TRAPPER = `newcomer-trap-${process.pid}`;

export async function setup(): Promise<SuiteFixture> {
  const fixture = await viewsSetup();
  const env = fixture.env ?? {};
  const r = await runCtr(env.CONTAINERD_ADDRESS ?? '', ['run', '-d', ...ctrRunFlags(env.E2E_CTRD_DIR ?? ''), IMAGE, TRAPPER,
    'sh', '-c', 'trap "" TERM; while true; do sleep 1; done'], { namespace: 'default' });
  if (r.code !== 0) {
    await fixture.teardown?.();
    throw new Error(`ctr run ${TRAPPER} failed: ${r.stderr}`);
  }
  return fixture;
}

function viewRow(page: Page, title: string, name: RegExp): Locator {
  return sideBarView(page, title).getByRole('treeitem', { name }).first();
}

function toast(page: Page, text: RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
}

export async function run(ui: UiSession): Promise<void> {
  const { page } = ui;
  await ui.clickActivity('Containerd');
  await widenSideBar(page, 720);
  await viewRow(page, 'Tasks', new RegExp(`^${TRAPPER}.*running \\(pid \\d+\\)`)).waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('tasks-running');

  await ui.openPalette('Containerd: Kill Task');
  const taskPick = ui.quickPickRow(TRAPPER);
  await taskPick.waitFor({ state: 'visible', timeout: STEP_MS });
  await taskPick.click();
  await page.keyboard.press('Enter');
  const sigterm = ui.quickPickRow('SIGTERM');
  await sigterm.waitFor({ state: 'visible', timeout: STEP_MS });
  await sigterm.click();
  await toast(page, new RegExp(`Sent SIGTERM \\(15\\) to ${TRAPPER} \\(pid \\d+\\)`)).waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('kill-sent');
  const offer = toast(page, /is still running \d+ s after SIGTERM/);
  const button = offer.getByRole('button', { name: 'Send SIGKILL' });
  await button.waitFor({ state: 'visible', timeout: STEP_MS });
  await button.hover(); // the toast stays (and finishes sliding in) while the pointer is on it
  await ui.shot('kill-offers-sigkill');
  await button.click();
  await viewRow(page, 'Tasks', new RegExp(`^${TRAPPER}.*stopped \\(exit 137\\)`)).waitFor({ state: 'visible', timeout: STEP_MS });
  await viewRow(page, 'Containers', new RegExp(`^${TRAPPER}.*stopped \\(exit 137\\)`)).waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('killed-stopped-137');
}
