// Connection states in a real VS Code: a missing socket explained in the views with its actions, the address
// setting followed, and a daemon restart survived (reconnect with backoff, resubscribe, list again).
import * as assert from 'assert';
import * as http from 'http';
import * as vscode from 'vscode';
import type { ExplorerApi } from '../../../src/extension';
import type { ConnectionState } from '../../../src/views/connection/connection-manager';
import { ctr, ctrRun, daemonAddress, explorer, rows, until } from './env';
import { IMAGE, RUNNING } from './fixture';
import { ScriptedPrompter } from './scripted-prompter';

function nextState(api: ExplorerApi, kind: ConnectionState['kind'], timeoutMs = 30_000): Promise<ConnectionState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`no "${kind}" state within ${timeoutMs} ms (now ${api.connection.state.kind})`)); }, timeoutMs);
    const sub = api.connection.onDidChangeState((s) => {
      if (s.kind !== kind) return;
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
    const prompter = new ScriptedPrompter();
    api.setPrompter(prompter);
    try {
      prompter.picks.push(['Enter a socket path']);
      prompter.inputs.push('relative/path.sock', `unix://${daemonAddress()}`);
      const viaSetting = nextState(api, 'connected');
      assert.strictEqual(await vscode.commands.executeCommand('containerd.selectSocket'), `unix://${daemonAddress()}`);
      assert.deepStrictEqual(prompter.rejected, ['Enter an absolute path']);
      const s = await viaSetting;
      assert.strictEqual(s.kind === 'connected' && s.target.source, 'setting');
      assert.strictEqual(vscode.workspace.getConfiguration('containerd').inspect('address')?.globalValue, `unix://${daemonAddress()}`);
      prompter.picks.push(['Discover automatically']);
      const viaEnv = nextState(api, 'connected');
      await vscode.commands.executeCommand('containerd.selectSocket');
      const e = await viaEnv;
      assert.strictEqual(e.kind === 'connected' && e.target.source, 'env');
      assert.strictEqual(vscode.workspace.getConfiguration('containerd').inspect('address')?.globalValue, undefined);
      prompter.done();
    } finally {
      api.setPrompter(undefined);
    }
    await api.hub.whenSynced(30_000);
  });

  it('reconnects after containerd restarts, resubscribes, lists again and follows new events', async () => {
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

  it('permission denied: shown with the concrete fix', function () {
    // Root opens any socket, and this extension host runs as root. The real EACCES case is covered by the UI suite
    // (a second code-server run as nobody, views.ui.ts) and in plain Node (test/integration/views-model.test.ts).
    if (process.getuid?.() === 0) this.skip();
  });
});
