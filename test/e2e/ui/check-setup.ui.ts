// Containerd: Check Setup as a user runs it, through Chromium: a private containerd and, on purpose, a broken
// config file named by the containerd.configPath setting; the report opens as a rendered Markdown preview with its
// summary line and the failing config check (line number, why, fix commands). Screenshots go to
// test-artifacts/e2e/ui-check-setup/ (the README's docs/images/check-setup.png is taken from there).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { startContainerd } from '../../harness/containerd';
import type { SuiteFixture } from '../runner/discover';
import type { UiSession } from '../runner/run-ui';

const STEP_MS = 30_000;

export async function setup(): Promise<SuiteFixture> {
  const daemon = await startContainerd({ name: 'e2e-check-setup' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-check-setup-'));
  const broken = path.join(dir, 'config.toml');
  // The daemon's own config with an unclosed table header appended: what a hand edit typically breaks.
  fs.writeFileSync(broken, `${fs.readFileSync(daemon.configPath, 'utf8')}\n[plugins."io.containerd.gc.v1.scheduler"\n  pause_threshold = 0.02\n`);
  return {
    env: { CONTAINERD_ADDRESS: daemon.address },
    settings: { 'containerd.configPath': broken },
    teardown: async () => {
      await daemon.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The frame of the Markdown preview (a webview: iframes inside iframes) once it shows `text`. */
async function previewFrame(page: Page, text: string): Promise<Frame> {
  const deadline = Date.now() + STEP_MS;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (await f.locator('h1', { hasText: text }).count().catch(() => 0)) return f;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no Markdown preview showing "${text}"`);
}

export async function run(ui: UiSession): Promise<void> {
  const { page } = ui;
  await ui.openPalette('Containerd: Check Setup');
  const frame = await previewFrame(page, 'Containerd: Check Setup');
  const body = await frame.locator('body').innerText();
  const summary = /(\d+) pass, (\d+) warn, (\d+) fail/.exec(body);
  if (!summary) throw new Error(`no summary line in the report:\n${body.slice(0, 2000)}`);
  if (Number(summary[3]) < 1) throw new Error(`the broken config file did not fail a check: ${summary[0]}`);
  const expectations = [
    /containerd config file: Fail/,
    /is not valid TOML: line \d+/,
    /Why it matters:/,
    /containerd --config \S+config\.toml config dump/,
    /Access to containerd's socket .*: Pass/,
  ];
  for (const re of expectations) if (!re.test(body)) throw new Error(`report lacks ${re}:\n${body.slice(0, 3000)}`);
  // The side bar takes room the report could use: close it for the picture.
  await page.keyboard.press('Control+B');
  await page.waitForTimeout(500);
  await ui.shot('check-setup-report');
}
