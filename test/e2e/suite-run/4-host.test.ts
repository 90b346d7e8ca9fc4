// Pull, Start/Stop/Restart and Import/Export driven end to end through a ScriptedHost, with no dialog: every
// question is answered from the script, and what the window would show (progress titles and messages,
// notifications and their buttons, file dialogs, terminals) is recorded and checked.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ContainerdClient, Image } from '../../../packages/containerd-client/src';
import type { ExplorerApi } from '../../../src/extension';
import { explorer, scriptedHostPerTest } from '../suite-views/env';
import type { ScriptedHost } from '../suite-views/scripted-host';
import { IMAGE, MULTI_REPO } from './fixture';

interface Started { id: string; tty: boolean; pid: number }

const container = (id: string) => ({ type: 'container', namespace: 'default', id });
const messages = (host: ScriptedHost, title: string | RegExp): string[] => host.reportsOf(title).map((r) => r.message ?? '');
/** What the notification's bar reached: VS Code adds the increments up. */
const total = (host: ScriptedHost, title: string | RegExp): number => Math.round(host.reportsOf(title).reduce((n, r) => n + (r.increment ?? 0), 0));

async function eventually(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('commands through a scripted host (no dialogs)', () => {
  let api: ExplorerApi;
  let host: ScriptedHost;
  let client: ContainerdClient;
  const registry = process.env.E2E_REGISTRY ?? '';
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-host-'));

  before(async () => {
    assert.match(registry, /^127\.0\.0\.1:\d+$/, 'setup.ts passes the registry as E2E_REGISTRY');
    api = await explorer();
    await vscode.workspace.getConfiguration('containerd').update('stopTimeoutSeconds', 1, vscode.ConfigurationTarget.Global);
    const c = api.connection.client;
    assert.ok(c);
    client = c.withNamespace('default');
  });
  scriptedHostPerTest(() => api, (h) => { host = h; });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('Pull Image… from the palette: the typed reference, a platform from the index, one cancellable progress', async () => {
    const ref = `${registry}/${MULTI_REPO}:1`;
    host.typed.push({ value: ref, row: '$(list-selection)' });
    host.picks.push(['linux/arm64']);
    const image = await vscode.commands.executeCommand<Image | undefined>('containerd.pullImage');
    assert.ok(image, JSON.stringify(host.said));
    host.done();
    assert.deepStrictEqual(host.asked, ['typeahead: Pull Image into namespace default', `pick: Platform of ${ref}`]);
    assert.deepStrictEqual(host.progress.map((p) => [p.title, !!p.cancellable, p.outcome]), [
      [`Reading the platforms of ${ref}…`, false, 'done'],
      [`Pulling ${ref}`, true, 'done'],
    ]);
    const pulled = messages(host, `Pulling ${ref}`);
    assert.strictEqual(pulled[pulled.length - 1], 'done', pulled.join(' | '));
    assert.strictEqual(total(host, `Pulling ${ref}`), 100, 'the bar is full at the end');
    assert.deepStrictEqual(host.said.map((s) => s.level), ['info']);
    assert.match(host.said[0].message, new RegExp(`^Pulled ${ref.replace(/[.]/g, '\\.')} into default \\(1 layer, .* downloaded in [\\d.]+ s\\)\\.$`));
    assert.strictEqual((await client.images.get(ref)).target.mediaType, 'application/vnd.oci.image.index.v1+json');
  });

  it('Start, Stop and Restart: notifications with their buttons, progress titles, a warning when SIGKILL was needed', async () => {
    host.inputs.push('host-1', 'host-1-snap', '');
    host.picks.push(['Detached'], ['$(check) Create']);
    await vscode.commands.executeCommand('containerd.createContainer', { type: 'image', namespace: 'default', name: IMAGE });
    assert.match(host.said.at(-1)?.message ?? '', /^Created container host-1 \(snapshot host-1-snap\)/);

    // The notification's Show Logs button is clicked: the logs terminal opens through the host.
    host.clicks.push('Show Logs');
    const [started] = await vscode.commands.executeCommand<Started[]>('containerd.startContainer', container('host-1'));
    assert.strictEqual(started.tty, false);
    assert.deepStrictEqual(host.said.at(-1), { level: 'info', message: `Started host-1 (pid ${started.pid}). Output goes to its log file.`, actions: ['Show Logs'] });
    await eventually('the logs terminal', () => host.terminals.includes('host-1: logs'));

    const [stopped] = await vscode.commands.executeCommand<{ killed: boolean; exitStatus?: number }[]>('containerd.stopContainer', container('host-1'));
    assert.deepStrictEqual([stopped.killed, stopped.exitStatus], [true, 137]);
    assert.deepStrictEqual(host.progress.map((p) => [p.title, p.outcome]), [['Stopping host-1 (SIGKILL after 1 s)', 'done']]);
    assert.deepStrictEqual(host.said.at(-1), { level: 'warn', message: 'host-1 did not stop within 1 s of the stop signal and was killed (SIGKILL).', actions: [] });

    const [again] = await vscode.commands.executeCommand<Started[]>('containerd.restartContainer', container('host-1'));
    assert.strictEqual((await client.tasks.get('host-1')).pid, again.pid);
    assert.deepStrictEqual(host.progress.map((p) => p.title), ['Stopping host-1 (SIGKILL after 1 s)', 'Restarting host-1']);
    assert.match(host.said.at(-1)?.message ?? '', /^Started host-1 \(pid \d+\)/);
    host.done();
    vscode.window.terminals.filter((t) => t.name === 'host-1: logs').forEach((t) => t.dispose());
    await vscode.commands.executeCommand('containerd.stopContainer', container('host-1'));
  });

  it('Export Image… and Import Image…: the file dialogs answered by the script, progress up to done', async () => {
    const file = path.join(scratch, 'web.tar');
    host.files.push(file);
    assert.strictEqual(await vscode.commands.executeCommand('containerd.exportImage', { type: 'image', namespace: 'default', name: IMAGE }), file);
    assert.match(host.asked[0], /^save: Export e2e\.local\/run\/web:1 \(.*web-1\.tar\)$/);
    const exported = messages(host, `Exporting ${IMAGE}`);
    assert.ok(exported.some((m) => /^writing · .+ of .+$/.test(m)), exported.join(' | '));
    assert.strictEqual(exported[exported.length - 1], 'done');
    assert.strictEqual(total(host, `Exporting ${IMAGE}`), 100);
    assert.match(host.said.at(-1)?.message ?? '', new RegExp(`^Exported e2e\\.local/run/web:1 to ${file.replace(/[.]/g, '\\.')} \\(.+\\)\\.$`));

    host.files.push(file);
    const images = await vscode.commands.executeCommand<Image[]>('containerd.importImage', { type: 'namespace', name: 'e2e-imported' });
    assert.deepStrictEqual(images.map((i) => i.name), [IMAGE]);
    assert.strictEqual(host.asked[1], 'open: Import Image into namespace e2e-imported');
    const imported = messages(host, 'Importing web.tar');
    assert.strictEqual(imported[0], 'reading');
    assert.strictEqual(imported[imported.length - 1], 'done');
    assert.strictEqual(total(host, 'Importing web.tar'), 100);
    assert.strictEqual(host.said.at(-1)?.message, `Imported 1 image into e2e-imported: ${IMAGE}`);
    host.done();
  });

  it('Import Image… cancelled from its notification, or its dialog dismissed, ends quietly with nothing imported', async () => {
    host.cancelWhen = (_p, r) => (r.message ?? '').startsWith('writing');
    host.files.push(path.join(scratch, 'web.tar'));
    const cancelled = await vscode.commands.executeCommand('containerd.importImage', { type: 'namespace', name: 'e2e-cancelled' });
    assert.strictEqual(cancelled, undefined);
    assert.deepStrictEqual(host.progress.map((p) => [p.title, p.cancelled, p.outcome]), [['Importing web.tar', true, 'failed']]);
    assert.deepStrictEqual(host.said, [], 'a cancel is not an error');
    assert.deepStrictEqual(await api.connection.client?.withNamespace('e2e-cancelled').images.list(), []);

    host.files.push(undefined);
    assert.strictEqual(await vscode.commands.executeCommand('containerd.importImage'), undefined);
    assert.strictEqual(host.progress.length, 1, 'no progress without a file');
    host.done();
  });
});
