// The seed walkthrough as a user does it, in a real VS Code (code-server + Chromium): pull an image from the local
// registry, Create Container… with a named snapshot, Start, Show Logs, Open Shell, type `ps aux` and read the
// process list in the rendered terminal. Screenshots at each step (test-artifacts/e2e/ui-walkthrough/). The daemon
// is the harness's: containerd 1.6, or CONTAINERD_TEST_VERSION's (npm test runs it again on 2.x); the output and
// the status bar's hover say which one ran and which pull path Pull Image took there.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { buildImage, pushImage, startContainerd, startRegistry, type Daemon, type Registry } from '../../harness';
import type { SuiteFixture } from '../runner/discover';
import type { UiSession } from '../runner/run-ui';

const CONTAINER = 'redis-server';
const SNAPSHOT = 'redis-server-rootfs';
const STEP_MS = 30_000;
// A stand-in for redis built from busybox: a script that says it is ready and stays up.
const SERVER = '#!/bin/sh\necho "redis-server: Ready to accept connections tcp"\nwhile true; do sleep 1; done\n';

let daemon: Daemon | undefined;
let registry: Registry | undefined;
let reference = '';

export async function setup(): Promise<SuiteFixture> {
  daemon = await startContainerd({ name: 'e2e-walk' });
  try {
    registry = await startRegistry();
    const image = buildImage({ cmd: ['redis-server'], layers: [{ files: { '/usr/local/bin/redis-server': { content: SERVER, mode: 0o755 } } }] });
    await pushImage(registry.host, 'walkthrough/redis', '7', image);
    reference = `${registry.host}/walkthrough/redis:7`;
  } catch (e) {
    await registry?.stop();
    await daemon.stop();
    throw e;
  }
  // runc keeps its state inside the private daemon's dir, never under /run/containerd.
  const workspaceFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'ce-e2e-walk-ws-'));
  fs.writeFileSync(path.join(workspaceFolder, 'README.md'), '# walkthrough workspace\n');
  const d = daemon;
  const r = registry;
  return {
    env: { CONTAINERD_ADDRESS: d.address },
    workspaceFolder,
    settings: { 'containerd.runcRoot': path.join(d.dir, 'runc') },
    teardown: async () => {
      await d.stop();
      await r.stop();
      fs.rmSync(workspaceFolder, { recursive: true, force: true });
    },
  };
}

const title = (page: Page, text: string) => page.locator('.quick-input-widget .quick-input-title', { hasText: text }).first();

/** Answers the input box whose title contains `step`. */
async function answer(ui: UiSession, step: string, value: string): Promise<void> {
  await title(ui.page, step).waitFor({ state: 'visible', timeout: STEP_MS });
  const input = ui.page.locator('.quick-input-widget input.input').first();
  await input.fill(value);
  await ui.shot(`create-${step.replace(/\W+/g, '-')}`);
  await input.press('Enter');
}

/** Picks the row containing `row` in the quick pick whose title contains `step` (ticks it and accepts in a multi-select). */
async function choose(ui: UiSession, step: string, row: string, many = false): Promise<void> {
  await title(ui.page, step).waitFor({ state: 'visible', timeout: STEP_MS });
  const r = ui.quickPickRow(row);
  await r.waitFor({ state: 'visible', timeout: STEP_MS });
  await r.click();
  if (many) await ui.page.locator('.quick-input-widget input.input').first().press('Enter');
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = STEP_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Through the extension's Pull Image…: a missing command, a question that never comes or a failed pull fails the walkthrough. */
async function pull(ui: UiSession): Promise<void> {
  const row = ui.treeItem(new RegExp(reference.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await ui.openPalette('Containerd: Pull Image…');
  const input = ui.page.locator('.quick-input-widget input.input').first();
  const dialog = ui.page.locator('.monaco-dialog-box').first();
  // The pull flow asks for a reference; VS Code's modal dialog instead means the command has no handler.
  await until('Pull Image… to ask for a reference', async () => {
    if (await dialog.isVisible()) {
      await ui.shot('pull-unavailable');
      throw new Error(`Pull Image… did not ask for a reference: ${(await dialog.innerText()).replace(/\s+/g, ' ')}`);
    }
    const placeholder = (await input.isVisible()) ? await input.getAttribute('placeholder') : null;
    return placeholder !== null && !/name of a command/.test(placeholder);
  }, 10_000);
  await input.fill(reference);
  await ui.shot('pull-reference');
  await input.press('Enter');
  await until(`Pull Image… to list ${reference}`, async () => {
    if (await row.isVisible()) return true;
    const errors = (await ui.notifications()).filter((n) => /fail|error|cannot|not found/i.test(n));
    if (errors.length) throw new Error(`Pull Image… failed: ${errors.join(' | ')}`);
    // Further questions of the pull flow (platform…): take the default.
    if (await ui.page.locator('.quick-input-widget').isVisible()) await ui.page.keyboard.press('Enter');
    return false;
  }, 60_000);
}

/** Which containerd ran, from the harness and from the status bar's hover (version and pull path), printed. */
async function daemonInfo(ui: UiSession): Promise<void> {
  const d = daemon;
  if (!d) throw new Error('setup() did not start a containerd');
  console.log(`    containerd ${d.serverVersion} (CONTAINERD_TEST_VERSION=${d.flavour.version}: ${d.flavour.binDir ? d.flavour.containerd : 'the system\'s containerd'})`);
  await ui.page.locator('.part.statusbar .statusbar-item', { hasText: 'containerd: default' }).first().hover();
  const hover = ui.page.locator('.monaco-hover, .workbench-hover', { hasText: `containerd ${d.serverVersion}` }).first();
  await hover.waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('status-bar-hover');
  const lines = (await hover.innerText()).split('\n').filter((l) => l.trim());
  // Rendered literally: Debian's `1.6.20~ds1 (revision 1.6.20~ds1-…)` is no Markdown strikethrough.
  if (!lines[0]?.startsWith(`containerd ${d.serverVersion}`)) throw new Error(`the status bar's hover does not start with containerd ${d.serverVersion}: ${lines[0] ?? ''}`);
  const pulls = lines.find((l) => l.startsWith('Pulls:'));
  if (!pulls) throw new Error(`the status bar's hover does not say how images are pulled: ${lines.join(' | ')}`);
  console.log(`    status bar: ${pulls}`);
  await ui.page.keyboard.press('Escape');
}

export async function run(ui: UiSession): Promise<void> {
  const { page } = ui;
  await ui.clickActivity('Containerd');
  await ui.treeItem(/^default/).first().waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('explorer');
  await daemonInfo(ui);

  await pull(ui);
  await ui.treeItem(new RegExp(`${reference.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)).first().waitFor({ state: 'visible', timeout: STEP_MS });
  console.log(`    image ${reference}: pulled through Pull Image…`);
  await ui.shot('image-listed');

  await ui.openPalette('Containerd: Create Container…');
  await choose(ui, 'Create container from image', reference);
  await answer(ui, 'container id', CONTAINER);
  await answer(ui, 'snapshot name', SNAPSHOT);
  await answer(ui, 'command', 'redis-server');
  await choose(ui, 'how it runs', 'Detached');
  await title(page, `${CONTAINER} (detached)`).waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('create-options');
  await choose(ui, `${CONTAINER} (detached)`, 'Create');
  const containerRow = ui.treeItem(new RegExp(`^${CONTAINER}`)).first();
  await containerRow.waitFor({ state: 'visible', timeout: STEP_MS });
  await containerRow.hover();
  // The tooltip shows the record, with the snapshot under the name chosen.
  await page.locator('.monaco-hover, .workbench-hover', { hasText: SNAPSHOT }).first().waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
  await ui.shot('created');

  // Start from the row's inline action, as a user would.
  await containerRow.hover();
  await containerRow.locator('.action-label[aria-label^="Start Container"]').click();
  await until('the container shown running', async () => /running/.test(await containerRow.innerText().catch(() => '') + (await containerRow.getAttribute('aria-label') ?? '')));
  await ui.shot('started');

  await ui.openPalette('Containerd: Show Logs');
  await choose(ui, 'Show logs of', CONTAINER);
  await until('the log in its terminal', async () => (await ui.terminalText()).includes('Ready to accept connections'));
  await ui.shot('logs');
  // Closing the log terminal stops following; the shell gets the panel to itself.
  await ui.openPalette('Terminal: Kill the Active Terminal Instance');

  await containerRow.hover();
  await containerRow.locator('.action-label[aria-label^="Open Shell"]').click();
  const tab = page.locator('.terminal-tabs-entry, .single-terminal-tab, .terminal-tab', { hasText: `${CONTAINER}: sh` }).first();
  await until('the shell terminal', async () => (await tab.count()) > 0 || (await page.locator('.part.panel', { hasText: `${CONTAINER}: sh` }).count()) > 0);
  await until('the shell prompt', async () => /[#$] ?\s*$/m.test(await ui.terminalText()));
  await ui.shot('shell');
  await page.locator('.terminal-wrapper.active, .terminal-wrapper').last().click();
  await page.keyboard.type('ps aux');
  await page.keyboard.press('Enter');
  await ui.openPalette('Notifications: Clear All Notifications');
  // The Tasks view lists the shell as an exec process of the task (non-fatal: that view is not this suite's).
  await ui.treeItem(new RegExp(`^${CONTAINER}.*pid`)).first().locator('.monaco-tl-twistie').click().catch(() => undefined);
  await until('the process list', async () => {
    const text = await ui.terminalText();
    const after = text.slice(text.lastIndexOf('ps aux'));
    // busybox ps: PID USER COMMAND, with the container's init (the server script) as pid 1.
    return /ps aux\s*\n\s*PID\s+USER/.test(after) && /^\s*1 root\s+.*redis-server/m.test(after);
  });
  await ui.shot('ps-aux');
  console.log(`    terminal after ps aux:\n${(await ui.terminalText()).split('\n').filter((l) => l.trim()).map((l) => `      | ${l}`).join('\n')}`);
}
