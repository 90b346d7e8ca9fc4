// Actions from tree nodes and from the palette: task pause/resume/kill/metrics, tag and remove images, delete
// containers (killing a live task first), create/delete namespaces (refused while non-empty).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExplorerApi } from '../../../src/extension';
import { ctr, ctrRun, row, until, withScriptedHost } from './env';
import { IMAGE, OTHER_NAMESPACE, RUNNING } from './fixture';
import type { ScriptedHost } from './scripted-host';

describe('views: actions', () => {
  let api: ExplorerApi;
  let host: ScriptedHost;
  const task = (containerId: string) => ({ type: 'task', namespace: 'default', containerId });
  withScriptedHost((a, p) => { api = a; host = p; });

  it('pauses and resumes a task from its node', async () => {
    await vscode.commands.executeCommand('containerd.pauseTask', task(RUNNING));
    const paused = (await until(api.views.providers.tasks, 'paused', (r) => r.some((x) => x.label === RUNNING && x.description.startsWith('paused')))).find((x) => x.label === RUNNING);
    assert.strictEqual(paused?.contextValue, 'task.paused');
    assert.strictEqual(row(api.views.providers.containers, RUNNING)?.icon, 'debug-pause');
    await vscode.commands.executeCommand('containerd.resumeTask', task(RUNNING));
    await until(api.views.providers.tasks, 'running again', (r) => r.some((x) => x.label === RUNNING && x.description.startsWith('running')));
  });

  it('shows metrics in a readable form: CPU, memory, pids', async () => {
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('containerd.showTaskMetrics', task(RUNNING));
    assert.ok(doc);
    const text = doc.getText();
    assert.match(text, new RegExp(`^# Metrics of task ${RUNNING}$`, 'm'));
    assert.match(text, /\| CPU now \| [\d.]+ % of one core/);
    assert.match(text, /\| CPU time \| [\d.]+ s total \(user [\d.]+ s, system [\d.]+ s\)/);
    assert.match(text, /\| Memory \| [\d.]+ (B|KiB|MiB) used, /);
    assert.match(text, /\| Processes \| 1 \(/);
  });

  it('kills a task with the signal picked from the list', async () => {
    await ctrRun('victim', IMAGE, 'sleep', '1000');
    await until(api.views.providers.tasks, 'victim running', (r) => r.some((x) => x.label === 'victim' && x.description.startsWith('running')));
    host.picks.push(['SIGTERM']);
    // busybox sleep as pid 1 ignores SIGTERM (no handler, pid 1): nothing changes; SIGKILL is offered (declined here).
    host.offers.push(undefined);
    await vscode.commands.executeCommand('containerd.killTask', task('victim'));
    host.picks.push(['SIGKILL']);
    await vscode.commands.executeCommand('containerd.killTask', task('victim'));
    await until(api.views.providers.tasks, 'victim exited 137', (r) => r.some((x) => x.label === 'victim' && x.description === 'stopped (exit 137)'));
    host.done();
  });

  it('deletes a stopped task, then deletes containers (the live one killed first) with their snapshots', async () => {
    await vscode.commands.executeCommand('containerd.deleteTask', task('victim'));
    await until(api.views.providers.tasks, 'victim task gone', (r) => !r.some((x) => x.label === 'victim'));
    await ctrRun('doomed', IMAGE, 'sleep', '1000');
    await until(api.views.providers.tasks, 'doomed running', (r) => r.some((x) => x.label === 'doomed' && x.description.startsWith('running')));
    host.confirms.push(true);
    const deleted = await vscode.commands.executeCommand<string[]>('containerd.deleteContainer',
      { type: 'container', namespace: 'default', id: 'victim' },
      [{ type: 'container', namespace: 'default', id: 'victim' }, { type: 'container', namespace: 'default', id: 'doomed' }]);
    assert.deepStrictEqual(deleted, ['victim', 'doomed']);
    assert.match(host.asked.join('\n'), /confirm: Delete 2 containers\?/);
    await until(api.views.providers.containers, 'both gone', (r) => !r.some((x) => x.label === 'victim' || x.label === 'doomed'));
    const snapshots = (await ctr(['snapshots', 'ls'])).stdout;
    assert.ok(!/\b(victim|doomed)\b/.test(snapshots), `snapshots left behind:\n${snapshots}`);
    host.done();
  });

  it('does nothing when the confirmation is declined', async () => {
    host.confirms.push(false);
    const r = await vscode.commands.executeCommand('containerd.deleteContainer', { type: 'container', namespace: 'default', id: RUNNING });
    assert.strictEqual(r, undefined);
    assert.ok(api.model.model('default').containers.has(RUNNING));
  });

  it('tags an image (palette: pick, then name) and removes the tag', async () => {
    host.picks.push([IMAGE]);
    host.inputs.push('e2e.local/views/tagged:copy');
    const name = await vscode.commands.executeCommand('containerd.tagImage');
    assert.strictEqual(name, 'e2e.local/views/tagged:copy');
    const rs = await until(api.views.providers.images, 'tag listed', (r) => r.some((x) => x.label === 'e2e.local/views/tagged:copy'));
    assert.strictEqual(rs.find((x) => x.label === IMAGE)?.description.slice(0, 12), rs.find((x) => x.label === 'e2e.local/views/tagged:copy')?.description.slice(0, 12));
    host.confirms.push(true);
    const removed = await vscode.commands.executeCommand('containerd.removeImage', { type: 'image', namespace: 'default', name: 'e2e.local/views/tagged:copy' });
    assert.deepStrictEqual(removed, ['e2e.local/views/tagged:copy']);
    await until(api.views.providers.images, 'tag removed', (r) => !r.some((x) => x.label === 'e2e.local/views/tagged:copy'));
    host.done();
  });

  it('copies an image reference and digest', async () => {
    assert.strictEqual(await vscode.commands.executeCommand('containerd.copyImageReference', { type: 'image', namespace: 'default', name: IMAGE }), IMAGE);
    const digest = await vscode.commands.executeCommand<string>('containerd.copyImageDigest', { type: 'image', namespace: 'default', name: IMAGE });
    assert.match(digest ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.deepStrictEqual(host.clipboard, [IMAGE, digest]);
    assert.deepStrictEqual(host.statuses, [`Copied ${IMAGE}`, `Copied ${digest}`]);
    // VS Code's own host writes the real clipboard.
    api.setHost(undefined);
    await vscode.commands.executeCommand('containerd.copyImageReference', { type: 'image', namespace: 'default', name: IMAGE });
    assert.strictEqual(await vscode.env.clipboard.readText(), IMAGE);
  });

  it('refuses to delete a namespace that still holds images, with a clear message', async () => {
    const r = await vscode.commands.executeCommand('containerd.deleteNamespace', { type: 'namespace', name: OTHER_NAMESPACE });
    assert.strictEqual(r, false);
    assert.deepStrictEqual(host.said.map((s) => s.level), ['warn']);
    assert.match(host.said[0].message, /"e2e-other" is not empty: it still holds 1 image\. Delete them first/);
  });

  it('creates a namespace (validated name, labels), edits its labels and deletes it', async () => {
    host.inputs.push('Bad Name!', OTHER_NAMESPACE, 'e2e-new', 'team=views, tier=test');
    assert.strictEqual(await vscode.commands.executeCommand('containerd.createNamespace'), 'e2e-new');
    assert.match(host.rejected[0], /namespace "Bad Name!" is not valid: use letters and digits/);
    assert.strictEqual(host.rejected[1], `namespace "${OTHER_NAMESPACE}" already exists`);
    await until(api.views.providers.namespaces, 'e2e-new listed', (r) => r.some((x) => x.label === 'e2e-new' && x.description === '0 images · 0 containers'));
    assert.deepStrictEqual(api.model.namespaces.get('e2e-new')?.labels, { team: 'views', tier: 'test' });
    host.inputs.push('team=explorer');
    const labels = await vscode.commands.executeCommand('containerd.editNamespaceLabels', { type: 'namespace', name: 'e2e-new' });
    assert.deepStrictEqual(labels, { team: 'explorer' });
    host.confirms.push(true);
    assert.strictEqual(await vscode.commands.executeCommand('containerd.deleteNamespace', { type: 'namespace', name: 'e2e-new' }), true);
    await until(api.views.providers.namespaces, 'e2e-new gone', (r) => !r.some((x) => x.label === 'e2e-new'));
    host.done();
  });
});
