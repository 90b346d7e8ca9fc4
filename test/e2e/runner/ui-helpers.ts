// Playwright helpers for the VS Code workbench (code-server 4.139 / VS Code 1.139 DOM).
import type { Locator, Page } from 'playwright-core';

// Generous: the CI machine has 2 cores and other suites may run beside us.
const STEP_TIMEOUT_MS = 30_000;

/** Waits until the workbench has rendered its activity bar and status bar. */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
}

/** Opens the command palette (F1), types the command's title and runs the first matching entry. */
export async function openPalette(page: Page, command: string): Promise<void> {
  // Right after start-up the palette can open before every command is registered, and then keeps its stale
  // list: close it and ask again rather than waiting on a list that will not change.
  const attempts = 3;
  for (let i = 1; ; i++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    try {
      // Right after an editor or terminal closed the widget can show while still inert: ask again.
      await input.fill(`>${command}`, { timeout: i < attempts ? STEP_TIMEOUT_MS / 3 : STEP_TIMEOUT_MS });
    } catch (e) {
      if (i >= attempts) throw e;
      await page.keyboard.press('Escape');
      continue;
    }
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: i < attempts ? STEP_TIMEOUT_MS / 3 : STEP_TIMEOUT_MS });
    } catch (e) {
      if (i >= attempts) throw e;
      await page.keyboard.press('Escape');
      continue;
    }
    await row.click();
    return;
  }
}

/** The rows of the quick pick that is open now (e.g. after a command that asks to pick). */
export function quickPickRow(page: Page, text: string): Locator {
  return page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
}

/**
 * A row of a virtualized list (only rows on screen exist in the DOM): pages down through the list
 * inside `container` until a row containing `text` is rendered.
 */
export async function findListRow(page: Page, container: string, text: string): Promise<Locator> {
  const list = page.locator(`${container} .monaco-list`).first();
  const row = page.locator(`${container} .monaco-list-row`, { hasText: text }).first();
  await list.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await list.focus();
  for (let i = 0; i < 50 && !(await row.isVisible()); i++) await page.keyboard.press('PageDown');
  await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  return row;
}

/**
 * The activity bar entry whose title starts with `title` (e.g. a view container's title).
 * In 1.139 the tab's own aria-label is empty; the title is on the action link inside it.
 */
export function activity(page: Page, title: string): Locator {
  const label = page.locator(`[aria-label^="${title.replace(/"/g, '\\"')}"]`);
  return page.locator('.part.activitybar [role="tab"]').filter({ has: label }).first();
}

export async function clickActivity(page: Page, title: string): Promise<void> {
  const entry = activity(page, title);
  await entry.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await entry.click();
}

/** The body of a view of the side bar, by its title. */
export function sideBarView(page: Page, title: string): Locator {
  return page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header', { hasText: new RegExp(`^${title}`) }) }).first();
}

/** Drags the side bar's edge to `width` px so tree descriptions are not cut off in screenshots. */
export async function widenSideBar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** A row of any tree view, by its accessible name. */
export function treeItem(page: Page, name: string | RegExp): Locator {
  return page.getByRole('treeitem', { name });
}

/** Messages of the notification toasts on screen now. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
}

/**
 * Text of the visible terminal(s). xterm renders rows as DOM only with GPU acceleration off, which
 * the UI runner's settings ensure.
 */
export async function terminalText(page: Page): Promise<string> {
  const rows = await page.locator('.terminal-wrapper .xterm-rows').allInnerTexts();
  return rows.join('\n');
}
