// Networking in the real VS Code, driven through Chromium, in a network namespace of the run's own (scripts/
// in-netns.sh; the script refuses the machine's): Create Container… on the CNI network `bridge` (nerdctl's default,
// 10.4.0.0/24, written here with its leases under the run's temp dir) publishing 8080:80, Create and Start; the
// Containers view shows its address and the port, the port row's Open in Browser opens the page (code-server maps
// the URL with asExternalUri: its port forwarding) and the page's text is read in the browser; the Networks view
// lists bridge with the container attached; a kill -9 from outside disconnects it (the session's DEL on /tasks/exit:
// the row loses its address, the lease is released). Screenshots in test-artifacts/e2e/ui-network/.
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { buildImage, ctrImport, startContainerd, type Daemon } from '../../harness';
import { assertPrivateNetns, leases, makeNetwork, netEnv, removeNetEnv, type NetEnv } from '../../netns/netns-setup';
import type { SuiteFixture } from '../runner/discover';
import type { UiSession } from '../runner/run-ui';
import { sideBarView as view, widenSideBar } from '../runner/ui-helpers';

const IMAGE = 'e2e.local/network/httpd:1.0';
const CONTAINER = 'ui-net-web';
const PAGE = 'hello from ui-net-web on bridge';
const STEP_MS = 30_000;
let fixture: { daemon: Daemon; net: NetEnv } | undefined;

export async function setup(): Promise<SuiteFixture> {
  assertPrivateNetns();
  const net: NetEnv = netEnv('ui-network');
  let d: Daemon | undefined;
  try {
    await makeNetwork(net, 'bridge', '10.4.0.0/24');
    d = await startContainerd({ name: 'e2e-net' });
    const image = buildImage({ cmd: ['busybox', 'httpd', '-f', '-p', '80', '-h', '/www'], layers: [{ files: { '/www/index.html': { content: `<html><body><h1>${PAGE}</h1></body></html>\n` } } }] });
    await ctrImport(d, 'default', image, IMAGE);
  } catch (e) {
    await d?.stop();
    await removeNetEnv(net);
    throw e;
  }
  const daemon = d;
  fixture = { daemon, net };
  return {
    env: { CONTAINERD_ADDRESS: daemon.address },
    settings: {
      'containerd.runcRoot': path.join(daemon.dir, 'runc'),
      'containerd.cni.confDir': net.cni.confDir, 'containerd.cni.binDirs': net.cni.binDirs, 'containerd.cni.stateDir': net.cni.stateDir,
    },
    teardown: async () => { await daemon.stop(); await removeNetEnv(net); },
  };
}

const title = (page: Page, text: string) => page.locator('.quick-input-widget .quick-input-title', { hasText: text }).first();

async function answer(ui: UiSession, step: string, value: string): Promise<void> {
  await title(ui.page, step).waitFor({ state: 'visible', timeout: STEP_MS });
  const input = ui.page.locator('.quick-input-widget input.input').first();
  await input.fill(value);
  await input.press('Enter');
}

async function choose(ui: UiSession, step: string, row: string): Promise<void> {
  await title(ui.page, step).waitFor({ state: 'visible', timeout: STEP_MS });
  const r = ui.quickPickRow(row);
  await r.waitFor({ state: 'visible', timeout: STEP_MS });
  await r.click();
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = STEP_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function run(ui: UiSession): Promise<void> {
  const { page } = ui;
  await ui.clickActivity('Containerd');
  await widenSideBar(page, 940);
  await ui.treeItem(new RegExp(IMAGE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).first().waitFor({ state: 'visible', timeout: STEP_MS });

  // Create Container…: bridge, 8080:80, Create and Start.
  await ui.openPalette('Containerd: Create Container…');
  await choose(ui, 'Create container from image', IMAGE);
  await answer(ui, 'container id', CONTAINER);
  await answer(ui, 'snapshot name', `${CONTAINER}-snapshot`);
  await answer(ui, 'command', 'busybox httpd -f -p 80 -h /www');
  await choose(ui, 'how it runs', 'Detached');
  const options = `${CONTAINER} (detached)`;
  await choose(ui, options, 'Network');
  await title(page, 'Network').waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('network-pick');
  await choose(ui, 'Network', 'bridge');
  await choose(ui, options, 'Published ports');
  await answer(ui, 'Published ports on bridge', '8080:80');
  await title(page, options).waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('create-options');
  await choose(ui, options, 'Create and Start');

  // The row: running, its address on 10.4.0.0/24 and the published port in the description.
  const containers = view(page, 'Containers');
  const row = containers.getByRole('treeitem', { name: new RegExp(`^${CONTAINER}`) }).first();
  await row.waitFor({ state: 'visible', timeout: STEP_MS });
  let text = '';
  await until('the container row with its address and port', async () => {
    text = `${await row.innerText().catch(() => '')}`.replace(/\s+/g, ' ');
    return /running/.test(text) && /10\.4\.0\.\d+/.test(text) && text.includes('8080→80');
  });
  const address = /10\.4\.0\.\d+/.exec(text)?.[0];
  console.log(`    row: ${text}`);
  await row.click();
  const portRow = containers.locator('.monaco-list-row', { hasText: '8080 -> 80/tcp' }).first();
  await portRow.waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('container-address-and-port');

  // Open in Browser on the port row: a new browser page with the container's page.
  await portRow.hover();
  const opened = page.context().waitForEvent('page', { timeout: STEP_MS });
  await portRow.locator('.action-label[aria-label^="Open in Browser"]').click();
  const dialog = page.locator('.monaco-dialog-box').first();
  if (await dialog.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) {
    await ui.shot('open-external-question');
    await dialog.getByRole('button', { name: /^Open$/ }).click();
  }
  const browserPage = await opened;
  await until(`the page's text in the browser (${browserPage.url()})`, async () => {
    await browserPage.reload({ waitUntil: 'load' }).catch(() => undefined);
    return (await browserPage.locator('body').innerText({ timeout: 2000 }).catch(() => '')).includes(PAGE);
  });
  console.log(`    Open in Browser: ${browserPage.url()} shows "${PAGE}" (container address ${address ?? '?'})`);
  const shotDir = path.dirname(await ui.shot('opened-in-browser-workbench'));
  fs.mkdirSync(shotDir, { recursive: true });
  await browserPage.screenshot({ path: path.join(shotDir, 'page-in-browser.png') });
  await browserPage.close();

  // The Networks view: bridge, its subnet, the container attached.
  const header = page.locator('.part.sidebar .pane-header', { hasText: /^Networks/ }).first();
  await header.scrollIntoViewIfNeeded();
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  const networks = view(page, 'Networks');
  const bridge = networks.getByRole('treeitem', { name: /^bridge/ }).first();
  await bridge.waitFor({ state: 'visible', timeout: STEP_MS });
  await until('bridge with one container', async () => /10\.4\.0\.0\/24.*1 container/.test((await bridge.innerText().catch(() => '')).replace(/\s+/g, ' ')));
  await networks.getByRole('treeitem', { name: new RegExp(`^${CONTAINER}`) }).first().waitFor({ state: 'visible', timeout: STEP_MS });
  await ui.shot('networks-view');

  // The task killed outside VS Code: the session's /tasks/exit handling takes the network down (DEL).
  if (!fixture) throw new Error('setup() did not run');
  if (leases(fixture.net).length !== 1) throw new Error(`one IPAM lease expected while running: ${leases(fixture.net).join(', ')}`);
  const kill = await fixture.daemon.ctr(['tasks', 'kill', '-s', 'SIGKILL', CONTAINER], { namespace: 'default' });
  if (kill.code !== 0) throw new Error(`ctr tasks kill failed: ${kill.stderr}`);
  await until('the killed container shown without its address', async () => {
    text = (await row.innerText().catch(() => '')).replace(/\s+/g, ' ');
    return !/running/.test(text) && !/10\.4\.0\.\d+/.test(text) && text.includes('8080→80');
  });
  await until('its IPAM lease released', () => Promise.resolve(leases(fixture?.net as NetEnv).length === 0));
  console.log(`    after kill -9: ${text}; no lease left`);
  await ui.shot('killed-disconnected');
}
