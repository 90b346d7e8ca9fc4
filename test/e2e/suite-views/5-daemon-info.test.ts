// The status bar says which containerd answers and which pull Pull Image runs there: the daemon's version
// (as `ctr version` reports it), the pull path with its reason, following the containerd.pullMethod setting
// without a reconnect, and the snapshotter the daemon can use.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExplorerApi } from '../../../src/extension';
import { hostLog } from '../runner/host-log';
import { ctr, explorer } from './env';

/** Settings changes reach the status bar through onDidChangeConfiguration: wait for that event, then read. */
async function setPullMethod(value: string | undefined): Promise<void> {
  const changed = new Promise<void>((resolve) => {
    const sub = vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('containerd.pullMethod')) { sub.dispose(); resolve(); } });
  });
  await vscode.workspace.getConfiguration('containerd').update('pullMethod', value, vscode.ConfigurationTarget.Global);
  await changed;
}

describe('status bar: daemon and pull path', () => {
  let api: ExplorerApi;
  let serverVersion: string;

  before(async () => {
    api = await explorer();
    // `ctr version` prints Client then Server blocks; the second Version line is the daemon's.
    const lines = (await ctr(['version'])).stdout.split('\n').filter((l) => /^\s*Version:/.test(l));
    serverVersion = (lines[1] ?? '').replace(/^\s*Version:\s*/, '').trim();
    assert.ok(serverVersion, 'ctr version printed no server version');
  });

  after(() => setPullMethod(undefined));

  it('names the daemon\'s version, the pull path and why, and the snapshotter', () => {
    const s = api.connection.state;
    assert.strictEqual(s.kind, 'connected');
    const { text, tooltip } = api.views.statusBar.shown;
    hostLog(`      status bar tooltip:\n        ${tooltip.split('\n').filter(Boolean).join('\n        ')}`);
    assert.match(text, /containerd: default/);
    assert.ok(tooltip.startsWith(`containerd ${serverVersion}`), `tooltip names containerd ${serverVersion}: ${tooltip}`);
    const v2 = /^v?2\./.test(serverVersion);
    // The default setting is auto: containerd 2.x pulls server-side, 1.6 and 1.7 leave it to the client.
    assert.match(tooltip, v2
      ? /Pulls: by containerd \(Transfer service\): containerd \S+ pulls server-side \(Transfer service\) \(setting containerd\.pullMethod: auto\)/
      : /Pulls: client-side: containerd \S+ (has no Transfer service|Transfer is experimental)/);
    assert.match(tooltip, /Snapshotter: overlayfs \(overlayfs \(containerd's default\) is loaded\); runtime io\.containerd\.runc\.v2; daemon UUID [0-9a-f-]{36}/);
  });

  it('follows the containerd.pullMethod setting at once', async () => {
    await setPullMethod('client');
    assert.match(api.views.statusBar.shown.tooltip, /Pulls: client-side: client-side pull requested \(setting containerd\.pullMethod: client\)/);
    await setPullMethod('transfer');
    const v2 = /^v?2\./.test(serverVersion);
    assert.match(api.views.statusBar.shown.tooltip, v2
      ? /Pulls: by containerd \(Transfer service\): Transfer requested/
      : /Pulls: fail: containerd \S+ has no Transfer service .*pull with the client-side method instead/);
  });
});
