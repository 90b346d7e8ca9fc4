// Create Network… and Remove Network… in the real extension host: networks are written in nerdctl's format into the
// containerd.cni.confDir setting (a temp dir here), named and checked as typed, listed by the Networks view, and
// Remove is refused, naming the container, while a container is on the network. Only config files and container
// records are made: no interface, address or iptables rule (the ui-network script does that, in its own netns).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { connect, type ContainerdClient } from '@containerd-explorer/client';
import type { ExplorerApi } from '../../../src/extension';
import type { NetworkRow } from '../../../src/views/networks/networks-view';
import { daemonAddress, withScriptedHost } from '../suite-views/env';
import type { ScriptedHost } from '../suite-views/scripted-host';

describe('networks: Create Network… and Remove Network… in VS Code', function () {
  let api: ExplorerApi;
  let host: ScriptedHost;
  let client: ContainerdClient;
  let confDir: string;
  withScriptedHost((a, h) => { api = a; host = h; });

  before(async () => {
    confDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-cni-conf-'));
    await vscode.workspace.getConfiguration('containerd').update('cni.confDir', confDir, vscode.ConfigurationTarget.Global);
    client = await connect({ address: daemonAddress(), namespace: 'default' });
  });

  after(async () => {
    await vscode.workspace.getConfiguration('containerd').update('cni.confDir', undefined, vscode.ConfigurationTarget.Global);
    await client?.containers.delete('net-user').catch(() => undefined);
    client?.close();
    fs.rmSync(confDir, { recursive: true, force: true });
  });

  const listed = async (): Promise<Extract<NetworkRow, { kind: 'network' }>[]> => {
    await api.network.view.refresh();
    return api.network.view.getChildren().filter((r): r is Extract<NetworkRow, { kind: 'network' }> => r.kind === 'network');
  };

  it('asks name (checked as typed), subnet and gateway, writes nerdctl\'s conflist and lists it', async () => {
    host.inputs.push('bad name!', 'e2e-web', '10.77.1.0/24', '');
    const made = await vscode.commands.executeCommand<{ name: string; file: string }>('containerd.createNetwork');
    assert.equal(made.name, 'e2e-web');
    assert.equal(host.rejected.length, 1, `only the bad name was refused: ${JSON.stringify(host.rejected)}`);
    assert.equal(made.file, path.join(confDir, 'nerdctl-e2e-web.conflist'));
    const conf = JSON.parse(fs.readFileSync(made.file, 'utf8')) as { name: string; cniVersion: string; nerdctlID?: string; plugins: { type: string; ipam?: { ranges?: { subnet: string; gateway?: string }[][] } }[] };
    assert.equal(conf.name, 'e2e-web');
    assert.deepEqual(conf.plugins.map((p) => p.type), ['bridge', 'portmap', 'firewall', 'tuning']);
    assert.equal(conf.plugins[0].ipam?.ranges?.[0][0].subnet, '10.77.1.0/24');
    assert.equal(conf.plugins[0].ipam?.ranges?.[0][0].gateway, '10.77.1.1');
    const row = (await listed()).find((r) => r.network.name === 'e2e-web');
    assert.ok(row, 'the Networks view lists it');
    const item = api.network.view.getTreeItem(row);
    assert.match(String(item.description), /10\.77\.1\.0\/24 · gw 10\.77\.1\.1/);
    assert.ok(host.said.some((s) => s.level === 'info' && /^Created network e2e-web: 10\.77\.1\.0\/24, gateway 10\.77\.1\.1/.test(s.message)), JSON.stringify(host.said));
  });

  it('an empty subnet takes the first free /24, clear of the networks there', async () => {
    host.inputs.push('e2e-auto', '', '');
    const made = await vscode.commands.executeCommand<{ subnets: string[] }>('containerd.createNetwork');
    assert.match(made.subnets[0], /^10\.4\.\d+\.0\/24$/);
    assert.notEqual(made.subnets[0], '10.77.1.0/24');
  });

  it('Remove Network… is refused while a container is on it, naming the container, and the file stays', async () => {
    await client.containers.create({ id: 'net-user', image: 'busybox', spec: {}, labels: { 'nerdctl/networks': JSON.stringify(['e2e-web']) } });
    const row = (await listed()).find((r) => r.network.name === 'e2e-web');
    assert.ok(row);
    assert.deepEqual(row.containers?.map((c) => c.split('/').pop()), ['net-user'], 'the view lists the attached container');
    const out = await vscode.commands.executeCommand('containerd.removeNetwork', row);
    assert.equal(out, undefined);
    assert.ok(host.said.some((s) => s.level === 'error' && /e2e-web/.test(s.message) && /net-user/.test(s.message)), JSON.stringify(host.said));
    assert.ok(fs.existsSync(path.join(confDir, 'nerdctl-e2e-web.conflist')));
  });

  it('once no container uses it, Remove Network… asks and deletes the file', async () => {
    await client.containers.delete('net-user');
    const row = (await listed()).find((r) => r.network.name === 'e2e-web');
    assert.ok(row);
    host.confirms.push(true);
    assert.equal(await vscode.commands.executeCommand('containerd.removeNetwork', row), 'e2e-web');
    assert.ok(host.asked.includes('confirm: Remove network e2e-web?'));
    assert.ok(!fs.existsSync(path.join(confDir, 'nerdctl-e2e-web.conflist')));
    assert.ok(!(await listed()).some((r) => r.network.name === 'e2e-web'));
  });
});
