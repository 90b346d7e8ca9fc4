// Connection states in a real VS Code: a missing socket explained in the views with its actions, the address
// setting followed, a daemon restart survived (reconnect with backoff, resubscribe, list again), and permission
// denied told apart (as nobody) and shown with its fix.
import * as assert from 'assert';
import * as http from 'http';
import * as path from 'path';
import * as vscode from 'vscode';
import { PERMISSION_FIX, SocketPermissionError } from '../../../packages/containerd-client/src';
import type { ExplorerApi } from '../../../src/extension';
import type { ConnectionState } from '../../../src/session/connection-manager';
import type { PermissionFix } from '../../../src/session/permission-fix';
import { connectionNodes } from '../../../src/views/tree/connection-messages';
import { bundled, NOBODY, runJsonProbe, stageForUser } from '../../harness/unprivileged';
import { ctr, ctrRun, daemonAddress, explorer, rows, until } from './env';
import { IMAGE, RUNNING } from './fixture';
import { ScriptedHost } from './scripted-host';

/** The next state of `kind` (for which `also` holds: a reconnect already under way may land first). */
function nextState(api: ExplorerApi, kind: ConnectionState['kind'], timeoutMs = 30_000, also: (s: ConnectionState) => boolean = () => true): Promise<ConnectionState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`no "${kind}" state within ${timeoutMs} ms (now ${api.connection.state.kind})`)); }, timeoutMs);
    const sub = api.connection.onDidChangeState((s) => {
      if (s.kind !== kind || !also(s)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(s);
    });
  });
}

function restartDaemon(): Promise<void> {
  const url = new URL('/restart', process.env.E2E_CONTROL_URL);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`restart answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('views: connection states', () => {
  let api: ExplorerApi;

  before(async () => {
    api = await explorer();
  });

  it('explains a missing socket in the Namespaces view, with Retry, Select Socket… and Open Settings', async () => {
    const missing = '/tmp/e2e-views-no-daemon/containerd.sock';
    const failed = nextState(api, 'failed');
    await vscode.workspace.getConfiguration('containerd').update('address', missing, vscode.ConfigurationTarget.Global);
    try {
      checkMissing(await failed, missing);
    } finally {
      const back = nextState(api, 'connected');
      await vscode.workspace.getConfiguration('containerd').update('address', undefined, vscode.ConfigurationTarget.Global);
      await back;
    }
    await api.hub.whenSynced(30_000);
    await until(api.views.providers.containers, 'the running container again', (r) => r.some((x) => x.label === RUNNING && x.description.startsWith('running')));
  });

  function checkMissing(s: ConnectionState, missing: string): void {
    assert.strictEqual(s.kind === 'failed' && s.problem, 'missing');
    const labels = rows(api.views.providers.namespaces).map((r) => r.label);
    assert.deepStrictEqual(labels, [`containerd is not running (no socket at ${missing})`, 'Retry', 'Select Socket…', 'Open Settings']);
    const problem = rows(api.views.providers.namespaces)[0];
    assert.strictEqual(problem.icon, 'error');
    assert.strictEqual(problem.description, 'retrying in the background');
    assert.match(problem.tooltip, /from the containerd\.address setting/);
    // The other views are empty, so their welcome content (with the same buttons) shows.
    assert.deepStrictEqual(rows(api.views.providers.images), []);
    assert.deepStrictEqual(rows(api.views.providers.containers), []);
  }

  it('Select Socket… writes the machine-scoped setting and reconnects; "Discover automatically" clears it', async () => {
    const host = new ScriptedHost(api.host());
    api.setHost(host);
    try {
      host.picks.push(['Enter a socket path']);
      host.inputs.push('relative/path.sock', `unix://${daemonAddress()}`);
      const bySource = (source: string) => (st: ConnectionState): boolean => st.kind === 'connected' && st.target.source === source;
      const viaSetting = nextState(api, 'connected', 30_000, bySource('setting'));
      assert.strictEqual(await vscode.commands.executeCommand('containerd.selectSocket'), `unix://${daemonAddress()}`);
      assert.deepStrictEqual(host.rejected, ['Enter an absolute path']);
      const s = await viaSetting;
      assert.strictEqual(s.kind === 'connected' && s.target.source, 'setting');
      assert.strictEqual(vscode.workspace.getConfiguration('containerd').inspect('address')?.globalValue, `unix://${daemonAddress()}`);
      host.picks.push(['Discover automatically']);
      const viaEnv = nextState(api, 'connected', 30_000, bySource('env'));
      await vscode.commands.executeCommand('containerd.selectSocket');
      const e = await viaEnv;
      assert.strictEqual(e.kind === 'connected' && e.target.source, 'env');
      assert.strictEqual(vscode.workspace.getConfiguration('containerd').inspect('address')?.globalValue, undefined);
      host.done();
    } finally {
      api.setHost(undefined);
    }
    await api.hub.whenSynced(30_000);
  });

  it('reconnects after containerd restarts, resubscribes, lists again and follows new events', async () => {
    // The previous test's last settings change may still be reconnecting: start from a settled connection.
    if (api.connection.state.kind !== 'connected') await nextState(api, 'connected');
    const before = api.connection.state;
    assert.strictEqual(before.kind, 'connected');
    const epoch = before.kind === 'connected' ? before.epoch : 0;
    const states: string[] = [];
    const sub = api.connection.onDidChangeState((s) => states.push(s.kind === 'connecting' && s.reconnecting ? 'reconnecting' : s.kind));
    try {
      const reconnected = nextState(api, 'connected', 60_000);
      await restartDaemon();
      const s = await reconnected;
      assert.ok(s.kind === 'connected' && s.epoch > epoch);
      assert.strictEqual(states[0], 'reconnecting');
      assert.ok(!states.includes('failed'), `a quick restart should not show as a failure: ${states.join(' → ')}`);
      await api.hub.whenSynced(30_000);
      for (const view of Object.values(api.views.treeViews)) assert.strictEqual(view.message, undefined);
      await until(api.views.providers.containers, 'web still running after the restart', (r) => r.some((x) => x.label === RUNNING && x.description.startsWith('running')));
      const appeared = api.views.providers.containers.waitForChange((nodes) => nodes.some((n) => n.type === 'container' && n.id === 'after-restart'));
      await ctrRun('after-restart', IMAGE, 'sleep', '1000');
      await appeared;
    } finally {
      sub.dispose();
    }
    await ctr(['tasks', 'kill', '-s', 'SIGKILL', 'after-restart']);
    await until(api.views.providers.tasks, 'after-restart stopped', (r) => r.some((x) => x.label === 'after-restart' && x.description.startsWith('stopped')));
    await ctr(['tasks', 'rm', 'after-restart']);
    await ctr(['containers', 'rm', 'after-restart']);
  });

  it('permission denied: told apart as nobody, with the concrete fix, and shown with its actions', async () => {
    // This extension host runs as root, which opens any socket: the connection is tried as nobody (setpriv) with
    // the extension's own ConnectionManager and fix, bundled and staged where nobody can read them. The UI suite
    // (views.ui.ts) sees the same in a whole code-server run as nobody.
    const socketPath = daemonAddress();
    const probe = await permissionProbe(socketPath);
    assert.strictEqual(probe.uid, NOBODY);
    assert.deepStrictEqual([probe.kind, probe.problem, probe.retrying], ['failed', 'permission', false]);
    assert.match(probe.message, new RegExp(`permission denied on containerd's socket ${socketPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(probe.message.includes(PERMISSION_FIX), probe.message);
    assert.match(probe.fix.short, /^nobody \(uid 65534\) is not in the socket's group root/);
    assert.ok(probe.fix.steps.some((st) => st.command === 'sudo usermod -aG containerd nobody'), JSON.stringify(probe.fix.steps));
    // That state, rendered by this window's Namespaces view: the problem first, then the fix, then the actions.
    const state: ConnectionState = { kind: 'failed', target: { socketPath, source: 'setting' }, error: new SocketPermissionError(probe.message, socketPath), problem: 'permission', retrying: false };
    const shown = rows(api.views.providers.namespaces, connectionNodes(state));
    assert.deepStrictEqual([shown[0].label, shown[0].icon, shown[0].description], ['Permission denied on containerd\'s socket', 'error', socketPath]);
    assert.match(shown[0].tooltip, /permission denied/);
    assert.deepStrictEqual(shown.slice(-4).map((r) => r.label), ['Show the full fix…', 'Retry', 'Select Socket…', 'Open Settings']);
    assert.strictEqual(api.connection.state.kind, 'connected', 'the probe did not disturb this window\'s connection');
  });
});

interface ProbeResult { kind: string; problem: string; retrying: boolean; message: string; uid: number; fix: PermissionFix }

/** Runs test/integration/views-permission-probe (bundled, with this Node, staged for nobody) against `socketPath`. */
async function permissionProbe(socketPath: string): Promise<ProbeResult> {
  const staged = stageForUser([{ from: process.execPath, as: 'node' }, bundled(path.join(__dirname, '../../integration/views-permission-probe.js'), 'probe.js')], 'e2e-perm-probe');
  try {
    return await runJsonProbe<ProbeResult>(staged.path('node'), [staged.path('probe.js'), socketPath], staged.dir);
  } finally {
    staged.remove();
  }
}
