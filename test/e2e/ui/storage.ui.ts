// Disk Usage, the Snapshots view and Prune… as a user sees them, through Chromium, on the storage suite's fixture
// (used, unused and stopped-container images in `default`, a running container): the report renders with its
// reclaimable line, the Snapshots view shows the running container's chain, Prune shows its preview and modal
// question, and after "Prune" the notification says what went. Screenshots: test-artifacts/e2e/ui-storage/.
import type { Frame, Page } from 'playwright-core';
import type { UiSession } from '../runner/run-ui';
import { RUNNING, STOPPED, UNUSED_IMAGE } from '../suite-storage/fixture';

export { setup } from '../suite-storage/setup';

const STEP_MS = 30_000;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = STEP_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The Markdown preview's frame once its h1 shows `text`. */
async function previewFrame(page: Page, text: string): Promise<Frame> {
  let found: Frame | undefined;
  await until(`a Markdown preview showing "${text}"`, async () => {
    for (const f of page.frames()) {
      if (await f.locator('h1', { hasText: text }).count().catch(() => 0)) { found = f; return true; }
    }
    return false;
  });
  if (!found) throw new Error('unreachable');
  return found;
}

export async function run(ui: UiSession): Promise<void> {
  const { page } = ui;
  await ui.clickActivity('Containerd');

  await ui.openPalette('Containerd: Show Disk Usage');
  const report = await (await previewFrame(page, 'Disk usage')).locator('body').innerText();
  for (const re of [/Reclaimable\s+[\d.]+ [kMG]?B/, new RegExp(UNUSED_IMAGE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), /Namespace k8s\.io/]) {
    if (!re.test(report)) throw new Error(`the Disk Usage report lacks ${re}:\n${report.slice(0, 2000)}`);
  }
  await ui.shot('disk-usage-report');

  // The Snapshots view is collapsed by default: open it and find the running container's writable layer.
  await page.locator('.pane-header', { hasText: 'Snapshots' }).first().click();
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Snapshots' }) }).first();
  const row = pane.getByRole('treeitem', { name: new RegExp(`^${RUNNING}, active`) });
  await until(`the Snapshots view to show ${RUNNING}'s snapshot`, async () => {
    if (await row.count()) return true;
    // Chains start collapsed: open one collapsed row per look (a click toggles, so never the same row twice).
    const closed = pane.locator('[role=treeitem][aria-expanded=false]').first();
    if (await closed.count()) await closed.locator('.monaco-tl-twistie').click().catch(() => undefined);
    return false;
  });
  await ui.shot('snapshots-view');

  await ui.openPalette('Containerd: Prune…');
  const preview = await (await previewFrame(page, 'Prune namespace')).locator('body').innerText();
  if (!preview.includes(STOPPED) || !preview.includes(UNUSED_IMAGE)) throw new Error(`the Prune preview lacks ${STOPPED} or ${UNUSED_IMAGE}:\n${preview.slice(0, 2000)}`);
  const dialog = page.locator('.monaco-dialog-box').first();
  await until('the Prune question', () => dialog.isVisible());
  const question = (await dialog.innerText()).replace(/\s+/g, ' ');
  if (!/Prune default: remove 1 stopped container, 2 unused images/.test(question)) throw new Error(`unexpected question: ${question}`);
  await ui.shot('prune-confirm');
  await dialog.locator('.monaco-button', { hasText: /^Prune$/ }).click();
  let said = '';
  await until('the Prune summary', async () => {
    said = (await ui.notifications()).find((n) => /^Pruned \d+ items from default/.test(n)) ?? '';
    return !!said;
  }, 60_000);
  console.log(`    prune: ${said}`);
  await ui.shot('prune-done');
}
