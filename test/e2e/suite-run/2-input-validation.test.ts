// Input validation of the run and image commands inside a real extension host: Create Container… asks before it
// bind-mounts the host's root (here through a harmless-looking symlink) and declining leaves nothing; a missing
// source is refused where it is typed; Tag checks the new name with Pull's reference parser and stores it normalised.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ContainerdClient } from '../../../packages/containerd-client/src';
import type { ExplorerApi } from '../../../src/extension';
import { explorer, scriptedHostPerTest } from '../suite-views/env';
import type { ScriptedHost } from '../suite-views/scripted-host';
import { IMAGE } from './fixture';

const imageNode = { type: 'image', namespace: 'default', name: IMAGE };

describe('run: input validation in VS Code', () => {
  let api: ExplorerApi;
  let host: ScriptedHost;
  let client: ContainerdClient;
  let dir: string;
  let rootLink: string;

  before(async () => {
    api = await explorer();
    const c = api.connection.client;
    assert.ok(c);
    client = c.withNamespace('default');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-binds-'));
    rootLink = path.join(dir, 'looks-harmless');
    fs.symlinkSync('/', rootLink);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  scriptedHostPerTest(() => api, (h) => { host = h; });

  /** Id, snapshot, the image's command, detached, then a read-write bind mount typed as a path (a missing one first). */
  function scriptRootMount(id: string): void {
    host.inputs.push(id, `${id}-snap`, '', path.join(dir, 'no-such-dir'), rootLink, '/host');
    host.picks.push(['Detached'], ['Bind mounts'], ['Other path'], ['Read-write'], ['$(check) Create']);
  }

  const leases = async (): Promise<string[]> => (await client.leases.list()).map((l) => l.id).sort();

  it("Create Container… asks before mounting the host's root through a symlink; declining creates nothing", async () => {
    const leasesBefore = await leases();
    scriptRootMount('rooty');
    host.confirms.push(false);
    const r = await vscode.commands.executeCommand('containerd.createContainer', imageNode);
    assert.strictEqual(r, undefined, 'the command was cancelled');
    host.done();
    assert.match(host.rejected.join('\n'), /bind mount source ".*no-such-dir" does not exist on this machine/);
    const confirm = host.asked.find((q) => q.startsWith('confirm:')) ?? '';
    assert.match(confirm, /Mount the host's root filesystem "\/" \(.*looks-harmless resolves to it\) read-write into rooty\?/);
    await assert.rejects(client.containers.get('rooty'), /not found/);
    await assert.rejects(client.snapshots.stat('rooty-snap'), /not found/);
    assert.deepStrictEqual(await leases(), leasesBefore, 'no lease left');
  });

  it('confirming creates it; the spec mounts the resolved path "/"', async () => {
    scriptRootMount('rooty');
    host.confirms.push(true);
    const r = await vscode.commands.executeCommand<{ id: string }>('containerd.createContainer', imageNode);
    assert.strictEqual(r?.id, 'rooty', JSON.stringify(host.said));
    host.done();
    const spec = (await client.containers.get('rooty')).spec as { mounts: { destination: string; source: string; options: string[] }[] };
    const hostMounts = spec.mounts.filter((m) => m.destination === '/host');
    assert.deepStrictEqual(hostMounts.map((m) => [m.source, m.options]), [['/', ['rbind', 'rw']]]);
    await client.containers.delete('rooty');
    // GC may take the now-unreferenced snapshot first (as containerd's Go client tolerates).
    await client.snapshots.remove('rooty-snap').catch((e: unknown) => { if (!/not found/.test(String(e))) throw e; });
  });

  it('Tag checks the name with the reference parser Pull uses, and stores it normalised', async () => {
    host.inputs.push('lab/BusyBox:x', 'e2e.local/run/web:', 'e2e.local/run/bad\u0000name:1', IMAGE, 'lab/busybox:x');
    const name = await vscode.commands.executeCommand<string>('containerd.tagImage', imageNode);
    host.done();
    assert.strictEqual(name, 'docker.io/lab/busybox:x');
    assert.strictEqual(host.rejected.length, 4, host.rejected.join('\n'));
    assert.match(host.rejected[0], /invalid image name "lab\/BusyBox:x": repository names must be lowercase/);
    assert.match(host.rejected[1], /tag is empty/);
    assert.match(host.rejected[2], /must not contain control characters/);
    assert.strictEqual(host.rejected[3], 'Choose a different name');
    const source = await client.images.get(IMAGE);
    assert.deepStrictEqual((await client.images.get('docker.io/lab/busybox:x')).target, source.target);
    await client.images.delete('docker.io/lab/busybox:x');
  });
});
