// The explorer as a user sees it, driven through Chromium: the Containerd activity-bar entry with its four views
// (test image, running container, its task and processes), namespace switch from the status bar, commands from
// the palette (Inspect Container, Show Task Metrics), and, in a second code-server run as nobody, the
// permission-denied explanation with its concrete fix. Screenshots go to test-artifacts/e2e/ui-views/.
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import type { SuiteFixture } from '../runner/discover';
import type { UiSession } from '../runner/run-ui';
import { projectRoot } from '../runner/toolchain';
import { sideBarView as view, waitForWorkbench, widenSideBar } from '../runner/ui-helpers';
import { IMAGE, OTHER_IMAGE, OTHER_NAMESPACE, RUNNING } from '../suite-views/fixture';
import { setup as viewsSetup } from '../suite-views/setup';
import { startUnprivilegedCodeServer } from '../suite-views/unprivileged-code-server';

const STEP_MS = 20_000;
const artifactsDir = path.join(projectRoot, 'test-artifacts', 'e2e', 'ui-views');
let daemonAddress = '';

export async function setup(): Promise<SuiteFixture> {
  const fixture = await viewsSetup();
  daemonAddress = fixture.env?.CONTAINERD_ADDRESS ?? '';
  return fixture;
}

async function row(page: Page, viewTitle: string, name: string | RegExp): Promise<Locator> {
  const r = view(page, viewTitle).getByRole('treeitem', { name }).first();
  await r.waitFor({ state: 'visible', timeout: STEP_MS });
  return r;
}

function esc(s: string): string { return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); }

async function pickFromStatusBar(ui: UiSession, current: string, target: string): Promise<void> {
  await ui.page.locator('.part.statusbar .statusbar-item', { hasText: `containerd: ${current}` }).first().click();
  const choice = ui.quickPickRow(target);
  await choice.waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot(`status-bar-pick-${target}`);
  await choice.click();
  await ui.page.locator('.part.statusbar .statusbar-item', { hasText: `containerd: ${target}` }).first().waitFor({ timeout: STEP_MS });
}

export async function run(ui: UiSession): Promise<void> {
  const { page } = ui;
  await ui.clickActivity('Containerd');
  await widenSideBar(page, 620);
  await row(page, 'Namespaces', /^default/);
  await row(page, 'Namespaces', new RegExp(`^${OTHER_NAMESPACE}`));
  await row(page, 'Images', new RegExp(`^${esc(IMAGE)}`));
  await row(page, 'Containers', new RegExp(`^${RUNNING}.*running`));
  const task = await row(page, 'Tasks', new RegExp(`^${RUNNING}.*running`));
  // Image details (size) arrive just after the list: wait for them so the screenshot shows the real row.
  await view(page, 'Images').locator('.monaco-list-row', { hasText: /\d+(\.\d)? (KB|MB)/ }).first().waitFor({ timeout: STEP_MS });
  await task.click();
  await page.keyboard.press('ArrowRight'); // expand: the task's processes
  await row(page, 'Tasks', /^pid \d+/);
  await ui.shot('views-populated');

  await (await row(page, 'Images', new RegExp(`^${esc(IMAGE)}`))).hover();
  await page.locator('.monaco-hover', { hasText: 'Platforms' }).first().waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('image-tooltip');
  await page.mouse.move(700, 600);

  await pickFromStatusBar(ui, 'default', OTHER_NAMESPACE);
  await row(page, 'Images', new RegExp(`^${esc(OTHER_IMAGE)}`));
  await view(page, 'Images').locator('.monaco-list-row', { hasText: /\d+(\.\d)? (KB|MB)/ }).first().waitFor({ timeout: STEP_MS });
  await ui.shot('namespace-switched');
  await pickFromStatusBar(ui, OTHER_NAMESPACE, 'default');
  await row(page, 'Containers', new RegExp(`^${RUNNING}`));

  await ui.openPalette('Containerd: Inspect Container');
  const pick = ui.quickPickRow(RUNNING);
  await pick.waitFor({ state: 'visible', timeout: STEP_MS });
  await pick.click();
  await page.locator('.tabs-container .tab', { hasText: `${RUNNING}.json` }).first().waitFor({ timeout: STEP_MS });
  await page.locator('.monaco-editor .view-lines', { hasText: '"snapshotKey"' }).first().waitFor({ timeout: STEP_MS });
  await ui.shot('inspect-container');

  await ui.openPalette('Containerd: Show Task Metrics');
  const taskPick = ui.quickPickRow(RUNNING);
  await taskPick.waitFor({ state: 'visible', timeout: STEP_MS });
  await taskPick.click();
  await page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').getByText('CPU time').first().waitFor({ timeout: STEP_MS });
  await ui.shot('task-metrics');

  await permissionDenied(ui);
}

/** A second workbench whose extension host runs as nobody: the socket (root:root, 0660) refuses it. */
async function permissionDenied(ui: UiSession): Promise<void> {
  const server = await startUnprivilegedCodeServer({ CONTAINERD_ADDRESS: daemonAddress }, path.join(artifactsDir, 'code-server-nobody.log'));
  const page = await ui.page.context().newPage();
  try {
    await page.goto(server.url);
    await waitForWorkbench(page);
    const entry = page.locator('.part.activitybar [role="tab"]').filter({ has: page.locator('[aria-label^="Containerd"]') }).first();
    await entry.click({ timeout: STEP_MS });
    await widenSideBar(page, 700);
    await row(page, 'Namespaces', /^Permission denied on containerd's socket/);
    await row(page, 'Namespaces', /^nobody \(uid 65534\) is not in the socket's group root/);
    await row(page, 'Namespaces', /^sudo usermod -aG containerd nobody/);
    await view(page, 'Images').getByRole('button', { name: 'Show Fix' }).waitFor({ timeout: STEP_MS });
    await view(page, 'Images').getByRole('button', { name: 'Retry' }).waitFor({ timeout: STEP_MS });
    await page.screenshot({ path: path.join(artifactsDir, 'permission-denied.png') });
  } catch (e) {
    await page.screenshot({ path: path.join(artifactsDir, 'permission-failure.png') }).catch(() => undefined);
    throw e;
  } finally {
    await page.close().catch(() => undefined);
    await server.stop();
  }
}
