// The Get Started walkthrough and the Daemon view in a real VS Code: opens the walkthrough as a user does (Welcome:
// Open Walkthrough...), runs the seed walkthrough (walkthrough.ui.ts: pull, create with a named snapshot, start,
// open a shell, ps aux), then reads each step's checkmark from the DOM (all six ticked by those actions), and
// opens the Daemon view: version, the listening pid, plugins by type. Screenshots in test-artifacts/e2e/ui-get-started/.
import type { Page } from 'playwright-core';
import type { UiSession } from '../runner/run-ui';
import { run as runSeedWalkthrough, setup } from './walkthrough.ui';

export { setup };

const STEPS = ['connect', 'pull', 'create', 'start', 'shell', 'psaux'];
const STEP_MS = 30_000;

/** Step id -> ticked, from the walkthrough page (VS Code sets aria-checked on each step's button). */
async function checkmarks(page: Page): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  for (const id of STEPS) {
    const step = page.locator(`button.getting-started-step[data-step-id$="${id}"]`).first();
    out[id] = (await step.getAttribute('aria-checked', { timeout: STEP_MS })) === 'true';
  }
  return out;
}

/** Drags the sash right of the side bar so the rows' descriptions fit (screenshots only). */
async function widenSideBar(page: Page): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const x = box.x + box.width;
  const y = box.y + box.height / 2;
  await page.mouse.move(x + 1, y);
  await page.mouse.down();
  await page.mouse.move(x + 380, y, { steps: 8 });
  await page.mouse.up();
}

async function openWalkthrough(ui: UiSession): Promise<void> {
  await ui.openPalette('Welcome: Open Walkthrough...');
  const row = ui.quickPickRow('Get Started with Containerd Explorer');
  await row.waitFor({ state: 'visible', timeout: STEP_MS });
  await row.click();
  await ui.page.locator('button.getting-started-step').first().waitFor({ state: 'visible', timeout: STEP_MS });
}

export async function run(ui: UiSession): Promise<void> {
  const { page } = ui;
  await openWalkthrough(ui);
  await ui.shot('walkthrough-opened');
  const before = await checkmarks(page);
  console.log(`    walkthrough before: ${JSON.stringify(before)}`);
  for (const id of STEPS.slice(1)) if (before[id]) throw new Error(`step ${id} was ticked before anything was done`);
  await page.keyboard.press('Escape');

  await runSeedWalkthrough(ui);

  await openWalkthrough(ui);
  const deadline = Date.now() + STEP_MS;
  let after = await checkmarks(page);
  while (STEPS.some((id) => !after[id]) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    after = await checkmarks(page);
  }
  await ui.shot('walkthrough-ticked');
  console.log(`    walkthrough after: ${JSON.stringify(after)}`);
  const missing = STEPS.filter((id) => !after[id]);
  if (missing.length) throw new Error(`walkthrough steps not ticked by the seed walkthrough: ${missing.join(', ')}`);

  // The Daemon view: collapsed by default at the bottom of the Containerd container (the side bar is open: a click
  // on the activity entry would close it). Focusing it expands it; the other views fold to give it room.
  // Room for a readable screenshot (docs/images/daemon-view.png): no editor, no panel, a wider side bar.
  await page.keyboard.press('Escape');
  await ui.openPalette('Containerd: Focus on Daemon View');
  await ui.openPalette('View: Hide Panel');
  await ui.openPalette('View: Close All Editors');
  for (const name of ['Namespaces', 'Images', 'Containers', 'Tasks']) {
    const header = page.locator('.pane-header[aria-expanded="true"]', { has: page.locator('h3.title', { hasText: new RegExp(`^${name}$`, 'i') }) }).first();
    if (await header.isVisible().catch(() => false)) await header.click();
  }
  const daemonHeader = page.locator('.pane-header', { has: page.locator('h3.title', { hasText: /^Daemon$/i }) }).first();
  await daemonHeader.waitFor({ state: 'visible', timeout: STEP_MS });
  if ((await daemonHeader.getAttribute('aria-expanded')) !== 'true') await daemonHeader.click();
  const version = ui.treeItem(/^containerd \d+\.\d+/).first();
  await version.waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.treeItem(/^Up since/).first().waitFor({ state: 'visible', timeout: STEP_MS });
  const uptime = await ui.treeItem(/^Up since/).first().innerText();
  if (!/pid \d+/.test(uptime)) throw new Error(`the Daemon view did not find containerd's process: ${uptime}`);
  const plugins = ui.treeItem(/^Plugins/).first();
  if ((await plugins.getAttribute('aria-expanded')) !== 'true') await plugins.locator('.monaco-tl-twistie').click();
  await widenSideBar(page);
  const snapshotterGroup = page.getByRole('treeitem').filter({ hasText: 'io.containerd.snapshotter.v1' }).first();
  await snapshotterGroup.waitFor({ state: 'visible', timeout: STEP_MS });
  if ((await snapshotterGroup.getAttribute('aria-expanded')) !== 'true') await snapshotterGroup.locator('.monaco-tl-twistie').click();
  await ui.treeItem(/^native/).first().waitFor({ state: 'visible', timeout: STEP_MS });
  await version.hover();
  await page.locator('.monaco-hover, .workbench-hover', { hasText: 'Revision' }).first().waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
  await ui.shot('daemon-view');
  console.log(`    Daemon view: ${(await version.innerText()).replace(/\s+/g, ' ')} | ${uptime.replace(/\s+/g, ' ')}`);
}
