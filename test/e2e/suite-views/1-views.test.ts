// The four views in a real VS Code against a private containerd: populated with the test image and a running
// container, namespace switch, Inspect documents, and updates driven by events after `ctr` acts.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExplorerApi } from '../../../src/extension';
import { ctr, ctrRun, row, rows, until, withScriptedHost } from './env';
import { IMAGE, OTHER_IMAGE, OTHER_NAMESPACE, RUNNING } from './fixture';
import type { ScriptedHost } from './scripted-host';

/** A description or tooltip must read as prose, not dump a record. */
function assertReadable(text: string, what: string): void {
  assert.ok(!/[{}]|"\w+":/.test(text), `${what} looks like raw JSON: ${text}`);
  assert.ok(!/\b[0-9a-f]{64}\b/.test(text.replace(/`sha256:[0-9a-f]{64}`/g, '')), `${what} shows a bare 64-hex id without context: ${text}`);
}

describe('views: the explorer in a real VS Code', () => {
  let api: ExplorerApi;
  let host: ScriptedHost;
  withScriptedHost((a, p) => { api = a; host = p; });

  it('connects to the socket from CONTAINERD_ADDRESS and says so in the status', () => {
    const s = api.connection.state;
    assert.strictEqual(s.kind, 'connected');
    assert.strictEqual(s.kind === 'connected' && s.target.source, 'env');
    assert.strictEqual(api.active.name, 'default');
  });

  it('Namespaces: both namespaces with counts, the active one marked', async () => {
    const rs = await until(api.views.providers.namespaces, 'namespaces with counts', (r) => r.some((x) => x.label === OTHER_NAMESPACE && /1 image/.test(x.description)));
    const def = rs.find((r) => r.label === 'default');
    assert.ok(def, 'default namespace missing');
    assert.strictEqual(def.description, 'active · 1 image · 1 container');
    assert.strictEqual(def.contextValue, 'namespace.active');
    assert.strictEqual(def.icon, 'layers-active');
    const other = rs.find((r) => r.label === OTHER_NAMESPACE);
    assert.strictEqual(other?.description, '1 image · 0 containers');
    assert.strictEqual(other?.contextValue, 'namespace');
    assert.match(def.tooltip, /Running tasks \| 1/);
  });

  it('Images: name, short digest, size for this platform, age; details in the tooltip', async () => {
    const [img] = await until(api.views.providers.images, 'image with its size', (r) => r.length === 1 && /\d+(\.\d)? (KB|MB)/.test(r[0].description));
    assert.strictEqual(img.label, IMAGE);
    // An absolute local time: a description stays on screen, where "just now" would go stale; the age is in the tooltip.
    assert.match(img.description, /^[0-9a-f]{12} · [\d.]+ (KB|MB) · \d{4}-\d\d-\d\d \d\d:\d\d$/);
    assert.match(img.tooltip, /Added \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC[+-]\d\d:\d\d, (just now|\d+ \w+ ago) \|/);
    assert.strictEqual(img.contextValue, 'image.unpacked');
    assert.match(img.tooltip, /Digest \| `sha256:[0-9a-f]{64}`/);
    assert.match(img.tooltip, /Platforms \| linux\/amd64/);
    assert.match(img.tooltip, /Unpacked \| yes/);
    assert.match(img.tooltip, /application\/vnd\.oci\.image\.manifest\.v1\+json/);
    assertReadable(img.description, 'image description');
  });

  it('Containers and Tasks: the running container with its state, image and pid', async () => {
    const [c] = await until(api.views.providers.containers, 'running container', (r) => r.length === 1 && r[0].description.startsWith('running'));
    assert.strictEqual(c.label, RUNNING);
    assert.match(c.description, new RegExp(`^running · ${IMAGE.replace(/[.:/]/g, '\\$&')} · runc\\.v2 · `));
    assert.strictEqual(c.contextValue, 'container.running');
    assert.strictEqual(c.icon, 'vm-running');
    assertReadable(c.tooltip, 'container tooltip');
    const [t] = rows(api.views.providers.tasks);
    assert.strictEqual(t.label, RUNNING);
    assert.match(t.description, /^running \(pid \d+\)$/);
    assert.strictEqual(t.contextValue, 'task.running');
    const children = await api.views.providers.tasks.getChildren(t.node);
    assert.ok(children && children.length >= 1, 'a running task lists its processes');
    const init = api.views.providers.tasks.getTreeItem(children[0]);
    assert.match(String(init.label), /^pid \d+$/);
    assert.strictEqual(init.description, 'init process');
  });

  it('switches namespace from a node, and back from the palette (QuickPick)', async () => {
    await vscode.commands.executeCommand('containerd.useNamespace', { type: 'namespace', name: OTHER_NAMESPACE });
    assert.strictEqual(api.active.name, OTHER_NAMESPACE);
    await until(api.views.providers.images, 'the other namespace\'s image', (r) => r.length === 1 && r[0].label === OTHER_IMAGE);
    assert.deepStrictEqual(rows(api.views.providers.containers), []);
    assert.strictEqual(api.views.treeViews.images.description, OTHER_NAMESPACE);
    assert.strictEqual(row(api.views.providers.namespaces, OTHER_NAMESPACE)?.contextValue, 'namespace.active');

    host.picks.push(['default']);
    const chosen = await vscode.commands.executeCommand('containerd.switchNamespace');
    assert.strictEqual(chosen, 'default');
    assert.strictEqual(api.active.name, 'default');
    await until(api.views.providers.images, 'default\'s image again', (r) => r.length === 1 && r[0].label === IMAGE);
    host.done();
  });

  it('Inspect Image opens read-only JSON with the manifest, config and layers', async () => {
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('containerd.inspectImage', { type: 'image', namespace: 'default', name: IMAGE });
    assert.ok(doc, 'no document');
    assert.strictEqual(doc.uri.scheme, 'containerd');
    assert.strictEqual(doc.languageId, 'json');
    const j = JSON.parse(doc.getText()) as { name: string; manifest: { layers: unknown[] }; config: { rootfs: { diff_ids: string[] }; config: { Cmd: string[] } }; layers: { digest: string; diffId: string }[]; unpacked: boolean };
    assert.strictEqual(j.name, IMAGE);
    assert.strictEqual(j.manifest.layers.length, j.layers.length);
    assert.deepStrictEqual(j.layers.map((l) => l.diffId), j.config.rootfs.diff_ids);
    assert.deepStrictEqual(j.config.config.Cmd, ['sleep', '1000']);
    assert.strictEqual(j.unpacked, true);
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), doc.uri.toString());
  });

  it('Inspect Container (from the palette) opens the record, its OCI spec and its task', async () => {
    host.picks.push([RUNNING]);
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('containerd.inspectContainer');
    assert.ok(doc);
    const j = JSON.parse(doc.getText()) as { id: string; image: string; spec: { process: { args: string[] } }; task: { status: string; pid: number }; snapshotKey: string };
    assert.strictEqual(j.id, RUNNING);
    assert.strictEqual(j.image, IMAGE);
    assert.deepStrictEqual(j.spec.process.args, ['sleep', '1000']);
    assert.strictEqual(j.task.status, 'running');
    assert.ok(j.task.pid > 0);
    host.done();
  });

  it('follows ctr: a new container appears, its exit shows with the code, its removal too', async () => {
    const id = 'from-ctr';
    const appeared = api.views.providers.containers.waitForChange((nodes) => nodes.some((n) => n.type === 'container' && n.id === id));
    await ctrRun(id, IMAGE, 'sleep', '1000');
    await appeared;
    await until(api.views.providers.tasks, 'its task running', (r) => r.some((x) => x.label === id && x.description.startsWith('running')));
    await ctr(['tasks', 'kill', '-s', 'SIGKILL', id]);
    const [stopped] = (await until(api.views.providers.containers, 'exit code shown', (r) => r.some((x) => x.label === id && x.description.startsWith('stopped (exit 137) · ')))).filter((x) => x.label === id);
    assert.strictEqual(stopped.contextValue, 'container.stopped');
    await ctr(['tasks', 'rm', id]);
    await until(api.views.providers.containers, 'no task', (r) => r.some((x) => x.label === id && x.description.startsWith('no task')));
    await ctr(['containers', 'rm', id]);
    await until(api.views.providers.containers, 'removed', (r) => !r.some((x) => x.label === id));
    await until(api.views.providers.namespaces, 'count back to 1', (r) => r.some((x) => x.label === 'default' && x.description.includes('1 container')));
  });
});
