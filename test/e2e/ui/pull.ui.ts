// "Containerd: Pull Image…" as a user runs it in a real VS Code (code-server + Chromium): the reference typed in the
// palette's quick pick (shown normalised), the notification with phases, per-layer bytes and totals while the
// (deliberately slowed) registry serves the layers, the new image in the Images view; then a second pull
// cancelled from its notification. Screenshots in test-artifacts/e2e/ui-pull/.
import type { Locator, Page } from 'playwright-core';
import type { SuiteFixture } from '../runner/discover';
import type { UiSession } from '../runner/run-ui';
import { fixtureOf, startPullFixture, type PullFixture } from './pull-fixture';

const STEP_MS = 30_000;
let fixture: PullFixture | undefined;

export async function setup(): Promise<SuiteFixture> {
  fixture = await startPullFixture();
  return fixtureOf(fixture);
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function toast(page: Page, text: RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
}

/** Opens Pull Image… from the palette and types `typed`; returns once the quick pick shows what will be pulled. */
async function typeReference(ui: UiSession, typed: string, normalised: string): Promise<void> {
  await ui.openPalette('Containerd: Pull Image…');
  const input = ui.page.locator('.quick-input-widget input').first();
  await ui.page.locator('.quick-input-widget input[placeholder^="Image to pull"]').first().waitFor({ state: 'visible', timeout: STEP_MS });
  await input.fill(typed);
  await ui.quickPickRow(normalised).waitFor({ state: 'visible', timeout: STEP_MS });
}

export async function run(ui: UiSession): Promise<void> {
  if (!fixture) throw new Error('setup did not run');
  const { page } = ui;
  const typed = `${fixture.proxyHost}/e2e/app`;
  const reference = `${typed}:latest`;

  await ui.clickActivity('Containerd');
  await ui.treeItem(/^default/).first().waitFor({ state: 'visible', timeout: STEP_MS });

  await typeReference(ui, typed, reference);
  const pullRow = ui.quickPickRow('pull for linux/');
  await pullRow.waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('pull-reference-normalised');
  await page.keyboard.press('Enter');

  // The notification: layers done, bytes of the total, and the layers downloading now with their own bytes
  // (wait until some have arrived, so the screenshot shows them moving).
  const progress = toast(page, /Pulling .*\d\/4 layers · [1-9][\d.]* [KM]B of [\d.]+ MB · ↓ [0-9a-f]{12} [1-9]/);
  await progress.waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('pull-progress');
  console.log(`    progress: ${(await progress.innerText()).replace(/\s+/g, ' ')}`);

  await toast(page, new RegExp(`Pulled ${esc(reference)} into default`)).waitFor({ state: 'visible', timeout: 60_000 });
  const row = ui.treeItem(new RegExp(esc(reference))).first();
  await row.waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('pulled-image-in-view');

  // A second pull, cancelled from its notification: it says so, and no image appears.
  await ui.openPalette('Notifications: Clear All Notifications');
  await typeReference(ui, `${fixture.proxyHost}/e2e/big:v1`, `${fixture.proxyHost}/e2e/big:v1`);
  await page.keyboard.press('Enter');
  const big = toast(page, /Pulling .*e2e\/big:v1.*layers ·/);
  await big.waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('big-pull-progress');
  await page.locator('.notifications-toasts .notification-toast', { hasText: /e2e\/big:v1/ }).getByRole('button', { name: 'Cancel' }).first().click();
  await toast(page, /Pull of .*e2e\/big:v1 cancelled/).waitFor({ state: 'visible', timeout: STEP_MS });
  await page.waitForTimeout(600); // the toast's fade-in
  await ui.shot('pull-cancelled');
  if (await ui.treeItem(/e2e\/big:v1/).count()) throw new Error('a cancelled pull left an image in the view');
}
