// `--smoke`: proves the sandbox works without a person at the browser. Chromium opens the printed URL, waits for
// the workbench, opens the Containerd entry and waits until the status bar says connected and (private mode) the
// sample container and image are rows of the views. Screenshots go to the artifacts folder.
import * as path from 'node:path';
import { launchBrowser, recordConsole, type Browser } from '../e2e/runner/browser';
import { clickActivity, treeItem, waitForWorkbench } from '../e2e/runner/ui-helpers';
import type { Lifecycle } from './lifecycle';

const STEP_MS = 90_000;

export interface SmokeExpectations {
  /** Tree rows that must appear (accessible names, matched as substrings). */
  rows: string[];
}

export async function smokeCheck(url: string, expect: SmokeExpectations, artifactsDir: string, life: Lifecycle, log: (line: string) => void): Promise<void> {
  const browser: Browser = await launchBrowser();
  life.add('Chromium (smoke check)', () => browser.close());
  life.checkpoint();
  const { page } = browser;
  recordConsole(page, path.join(artifactsDir, 'browser-console.log'));
  await page.goto(url);
  await waitForWorkbench(page);
  log('smoke: workbench answered');
  await clickActivity(page, 'Containerd');
  // The status bar item shows $(layers) only once connected ($(sync~spin) while connecting, $(error) on failure).
  const status = page.locator('.part.statusbar .statusbar-item', { hasText: 'containerd:' });
  await status.locator('.codicon-layers').waitFor({ state: 'visible', timeout: STEP_MS });
  log(`smoke: extension connected (status bar: "${(await status.first().innerText()).trim()}")`);
  for (const name of expect.rows) {
    await treeItem(page, new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).first().waitFor({ state: 'visible', timeout: STEP_MS });
    log(`smoke: the views show ${name}`);
  }
  await page.screenshot({ path: path.join(artifactsDir, 'sandbox.png') });
}
