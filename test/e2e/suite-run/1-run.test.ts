// The run commands inside a real extension host, against a private containerd: Create Container… through its
// prompts (scripted), Start detached, Show Logs, Open Shell terminals, Exec…, Stop escalating to SIGKILL, and a TTY
// container in a terminal that is detached and attached again. Terminal output is read from the Pseudoterminals.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ContainerdClient } from '../../../packages/containerd-client/src';
import type { ExplorerApi } from '../../../src/extension';
import type { ProcessPty } from '../../../src/terminals/process-pty';
import { explorer, until, scriptedHostPerTest } from '../suite-views/env';
import type { ScriptedHost } from '../suite-views/scripted-host';
import { IMAGE } from './fixture';

interface Started { tty: boolean; pid: number; logPath?: string; terminal?: string; pty?: ProcessPty }
interface Created { id: string; started?: Started }
interface Terminal { terminal?: string; execId: string; exitStatus?: number; output?: string; pty?: { transcript?: string; text?: string } }

const container = (id: string) => ({ type: 'container', namespace: 'default', id });
const task = (containerId: string) => ({ type: 'task', namespace: 'default', containerId });
const terminalNamed = (name: string): vscode.Terminal => {
  const t = vscode.window.terminals.find((x) => x.name === name);
  assert.ok(t, `no terminal named ${name}: ${vscode.window.terminals.map((x) => x.name).join(', ')}`);
  return t;
};

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function closed(t: vscode.Terminal): Promise<vscode.TerminalExitStatus | undefined> {
  return new Promise((resolve) => {
    const sub = vscode.window.onDidCloseTerminal((x) => { if (x === t) { sub.dispose(); resolve(x.exitStatus); } });
  });
}

describe('run: commands in VS Code', () => {
  let api: ExplorerApi;
  let host: ScriptedHost;
  let client: ContainerdClient;

  before(async () => {
    api = await explorer();
    const dir = process.env.E2E_CTRD_DIR;
    assert.ok(dir, 'E2E_CTRD_DIR is not set');
    // runc's state in the private daemon's dir; a short stop timeout so the SIGKILL escalation is quick.
    await vscode.workspace.getConfiguration('containerd').update('runcRoot', path.join(dir, 'runc'), vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('containerd').update('stopTimeoutSeconds', 1, vscode.ConfigurationTarget.Global);
    const c = api.connection.client;
    assert.ok(c);
    client = c.withNamespace('default');
  });

  scriptedHostPerTest(() => api, (h) => { host = h; });

  it('Create Container… validates as you type, creates on the named snapshot and starts detached', async () => {
    host.inputs.push('bad id!', 'web-1', 'web-1-snap', '', 'GREETING=hi');
    host.picks.push(['Detached'], ['Environment'], ['Create and Start']);
    const r = await vscode.commands.executeCommand<Created>('containerd.createContainer', { type: 'image', namespace: 'default', name: IMAGE });
    assert.ok(r, `the command failed: ${JSON.stringify(host.said)}`);
    host.done();
    assert.strictEqual(r.id, 'web-1');
    assert.match(host.rejected[0] ?? '', /container id "bad id!" is not valid/);
    const record = await client.containers.get('web-1');
    assert.strictEqual(record.snapshotKey, 'web-1-snap');
    const spec = record.spec as { process: { env: string[]; user: { uid: number }; args: string[] } };
    assert.ok(spec.process.env.includes('GREETING=hi'));
    assert.strictEqual(spec.process.user.uid, 1000, "the image's USER app");
    assert.deepStrictEqual(spec.process.args.slice(0, 2), ['sh', '-c'], "the image's command");
    assert.strictEqual(r.started?.tty, false);
    assert.ok(r.started?.logPath?.endsWith(path.join('logs', 'default', 'web-1.log')));
    await until(api.views.providers.containers, 'web-1 running', (rows) => rows.some((x) => x.label === 'web-1' && x.description.startsWith('running')));
  });

  it('Show Logs follows the log in a terminal named <container>: logs', async () => {
    const r = await vscode.commands.executeCommand<Terminal>('containerd.showLogs', container('web-1'));
    assert.strictEqual(r.terminal, 'web-1: logs');
    await eventually('the log line', () => (r.pty?.text ?? '').includes('hello-from-web'));
    const again = await vscode.commands.executeCommand<Terminal>('containerd.showLogs', task('web-1'));
    assert.strictEqual(again.terminal, 'web-1: logs', 'the same terminal is shown again');
    assert.strictEqual(again.pty, undefined);
    terminalNamed('web-1: logs').dispose();
  });

  it('Open Shell: one terminal per shell, keystrokes in and output out; closing one kills its exec', async () => {
    const a = await vscode.commands.executeCommand<Terminal>('containerd.openShell', container('web-1'));
    const b = await vscode.commands.executeCommand<Terminal>('containerd.openShell', task('web-1'));
    assert.deepStrictEqual([a.terminal, b.terminal], ['web-1: sh', 'web-1: sh (2)']);
    terminalNamed('web-1: sh').sendText('echo $((6*7))-$(id -u)');
    await eventually('the shell answers', () => (a.pty?.transcript ?? '').includes('42-1000'));
    assert.ok((await client.tasks.listPids('web-1')).some((p) => p.execId === a.execId));
    terminalNamed('web-1: sh').dispose();
    await eventually('the exec is gone', async () => !(await client.tasks.listPids('web-1')).some((p) => p.execId === a.execId));
    // The exec leaves the pid list when it is killed and is deleted once its exit is waited for: a moment later.
    await eventually('the process is deleted', () => client.tasks.get('web-1', a.execId).then(() => false, (e: unknown) => /not found/.test(String(e))));
    const second = terminalNamed('web-1: sh (2)');
    const done = closed(second);
    second.sendText('exit 3');
    assert.strictEqual((await done)?.code, 3, 'the exit code closes the terminal');
  });

  it('Exec…: a one-shot command prints to the output channel; a command the image lacks is reported', async () => {
    const r = await vscode.commands.executeCommand<Terminal>('containerd.execInContainer', container('web-1'), undefined, { args: ['sh', '-c', 'id -un; exit 4'], tty: false });
    assert.strictEqual(r.exitStatus, 4);
    assert.strictEqual(r.output, 'app\n');
    // The exec id is asked for only under More options….
    host.inputs.push('no-such-cmd --flag', 'exec-7');
    host.picks.push(['More options'], ['Terminal (TTY)']);
    const failed = await vscode.commands.executeCommand<Terminal | undefined>('containerd.execInContainer', container('web-1'));
    assert.strictEqual(failed, undefined);
    assert.ok(host.said.some((s) => s.level === 'error' && /command "no-such-cmd" not found in container "web-1"/.test(s.message)), JSON.stringify(host.said));
    terminalNamed('web-1: no-such-cmd').dispose();
    host.done();
  });

  it('Stop: SIGTERM, wait containerd.stopTimeoutSeconds, then SIGKILL; the task is deleted', async () => {
    const [r] = await vscode.commands.executeCommand<{ killed: boolean; exitStatus?: number }[]>('containerd.stopContainer', container('web-1'));
    assert.deepStrictEqual([r.killed, r.exitStatus], [true, 137]);
    assert.ok(host.said.some((s) => s.level === 'warn' && /did not stop within 1 s/.test(s.message)));
    await assert.rejects(client.tasks.get('web-1'), /not found/);
    await until(api.views.providers.containers, 'web-1 without task', (rows) => rows.some((x) => x.label === 'web-1' && x.description.startsWith('no task')));
  });

  it('a TTY container runs in a terminal: closing detaches, Attach Terminal reconnects, exit closes it with the code', async () => {
    host.inputs.push('tty-1', 'tty-1-snapshot', 'sh');
    host.picks.push(['Interactive terminal'], ['Create and Start']);
    const r = await vscode.commands.executeCommand<Created>('containerd.createContainer', { type: 'image', namespace: 'default', name: IMAGE });
    assert.ok(r?.started, JSON.stringify(host.said));
    assert.strictEqual(r.started.terminal, 'tty-1');
    terminalNamed('tty-1').sendText('echo $((2+3))x');
    await eventually('the task answers', () => (r.started?.pty?.transcript ?? '').includes('5x'));
    terminalNamed('tty-1').dispose();
    await r.started.pty?.closed;
    assert.strictEqual((await client.tasks.get('tty-1')).status, 'running', 'closing the terminal only detaches');
    const a = await vscode.commands.executeCommand<Terminal>('containerd.attachContainer', container('tty-1'));
    assert.strictEqual(a.terminal, 'tty-1');
    const t = terminalNamed('tty-1');
    t.sendText('echo attached-$((1+1))');
    await eventually('the attached terminal answers', () => (a.pty?.transcript ?? '').includes('attached-2'));
    const done = closed(t);
    t.sendText('exit 5');
    assert.strictEqual((await done)?.code, 5);
    const stopped = await client.tasks.get('tty-1');
    assert.deepStrictEqual([stopped.status, stopped.exitStatus], ['stopped', 5]);
    host.done();
  });

  it('Restart starts a stopped TTY container again; its FIFO dir goes when the task is deleted from the Tasks view', async () => {
    const [r] = await vscode.commands.executeCommand<Started[]>('containerd.restartContainer', container('tty-1'));
    assert.strictEqual(r.terminal, 'tty-1');
    const running = await client.tasks.get('tty-1');
    assert.strictEqual(running.status, 'running');
    const dir = path.dirname(running.stdout);
    assert.ok(fs.existsSync(dir), `FIFO dir ${dir}`);
    terminalNamed('tty-1').dispose();
    await r.pty?.closed;
    assert.ok(fs.existsSync(dir), 'detaching keeps the FIFOs');
    // Deleted by another command while detached: the event sweeps our FIFO dir.
    host.confirms.push(true);
    await vscode.commands.executeCommand('containerd.deleteTask', task('tty-1'));
    await eventually('the FIFO dir removed', () => !fs.existsSync(dir));
    host.done();
  });
});
