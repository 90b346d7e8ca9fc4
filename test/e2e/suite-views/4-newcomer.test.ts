// What a newcomer tripped on, in the real extension host: Kill with a signal the process ignores said nothing (now it
// says what went to which pid and offers SIGKILL), Exec… asked for an exec id every time, and the Tasks and
// Containers views worded a stopped task two ways.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExplorerApi } from '../../../src/extension';
import { ctr, ctrRun, row, until, withScriptedHost } from './env';
import { IMAGE, RUNNING } from './fixture';
import type { ScriptedHost } from './scripted-host';

// Ids of their own per run: runc's cgroup is /<namespace>/<id> on the host, so a parallel run's `kill --all` on the
// same id would signal these processes too.
const TRAPPER = `trapper-${process.pid}`;
const POLITE = `polite-${process.pid}`;

describe('views: what a newcomer tripped on', () => {
  let api: ExplorerApi;
  let host: ScriptedHost;
  const task = (containerId: string) => ({ type: 'task', namespace: 'default', containerId });
  const errors = (): string[] => host.said.filter((s) => s.level === 'error').map((s) => s.message);
  withScriptedHost((a, p) => { api = a; host = p; });

  it('Kill SIGTERM on a task that traps TERM: says what went to which pid, then offers SIGKILL, which kills it', async () => {
    await ctrRun(TRAPPER, IMAGE, 'sh', '-c', 'trap "" TERM; while true; do sleep 1; done');
    const [running] = (await until(api.views.providers.tasks, 'trapper running', (r) => r.some((x) => x.label === TRAPPER && x.description.startsWith('running')))).filter((x) => x.label === TRAPPER);
    const pid = /pid (\d+)/.exec(running.description)?.[1];
    assert.ok(pid, running.description);
    host.picks.push(['SIGTERM']);
    host.offers.push('Send SIGKILL');
    await vscode.commands.executeCommand('containerd.killTask', task(TRAPPER));
    assert.deepStrictEqual(errors(), []);
    const infos = host.said.filter((s) => s.level === 'info').map((s) => s.message);
    assert.strictEqual(infos[0], `Sent SIGTERM (15) to ${TRAPPER} (pid ${pid}).`);
    const offer = host.asked.find((a) => a.startsWith('offer: '));
    assert.match(offer ?? '', new RegExp(`^offer: ${TRAPPER} \\(pid ${pid}\\) is still running \\d+ s after SIGTERM \\(15\\): it ignores or handles it\\. SIGKILL cannot be ignored\\. \\[Send SIGKILL\\]$`));
    assert.strictEqual(infos[1], `Sent SIGKILL (9) to ${TRAPPER} (pid ${pid}).`);
    await until(api.views.providers.tasks, 'trapper killed', (r) => r.some((x) => x.label === TRAPPER && x.description === 'stopped (exit 137)'));
    host.done();
  });

  it('Kill SIGTERM on a task that exits on it: no SIGKILL offered', async () => {
    await ctrRun(POLITE, IMAGE, 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done');
    await until(api.views.providers.tasks, 'polite running', (r) => r.some((x) => x.label === POLITE && x.description.startsWith('running')));
    host.picks.push(['SIGTERM']);
    await vscode.commands.executeCommand('containerd.killTask', task(POLITE));
    assert.deepStrictEqual(errors(), []);
    assert.match(host.said[0]?.message ?? '', new RegExp(`^Sent SIGTERM \\(15\\) to ${POLITE} \\(pid \\d+\\)\\.$`));
    assert.ok(!host.asked.some((a) => a.startsWith('offer: ')), host.asked.join('\n'));
    await until(api.views.providers.tasks, 'polite exited 0', (r) => r.some((x) => x.label === POLITE && x.description === 'stopped (exit 0)'));
    host.done();
  });

  it('a stopped task reads the same in Tasks, Containers and both tooltips', async () => {
    const t = row(api.views.providers.tasks, TRAPPER);
    const c = row(api.views.providers.containers, TRAPPER);
    assert.strictEqual(t?.description, 'stopped (exit 137)');
    assert.match(c?.description ?? '', /^stopped \(exit 137\) · /);
    assert.match(t?.tooltip ?? '', /\| State \| stopped \(exit 137\) \|/);
    assert.match(c?.tooltip ?? '', /\| Task \| stopped \(exit 137\) \|/);
    assert.match(t?.tooltip ?? '', /\| Exited \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC[+-]\d\d:\d\d, (just now|\d+ \w+ ago) \|/);
    for (const id of [TRAPPER, POLITE]) {
      await ctr(['tasks', 'rm', id]);
      await ctr(['containers', 'rm', id]);
    }
    await until(api.views.providers.containers, 'trapper and polite gone', (r) => !r.some((x) => x.label === TRAPPER || x.label === POLITE));
  });

  it('Exec… asks for the command and the mode, not for an exec id (generated)', async () => {
    host.inputs.push('echo hello from exec');
    host.picks.push(['Output channel']);
    const r = await vscode.commands.executeCommand<{ execId: string; exitStatus?: number; output?: string }>('containerd.execInContainer', { type: 'container', namespace: 'default', id: RUNNING });
    assert.deepStrictEqual(errors(), []);
    assert.strictEqual(r?.exitStatus, 0);
    assert.strictEqual(r?.output, 'hello from exec\n');
    assert.match(r?.execId ?? '', /^[a-z0-9][\w.-]+$/);
    assert.deepStrictEqual(host.asked, [`input: Exec in ${RUNNING}: command`, `pick: Exec echo hello from exec in ${RUNNING}`]);
    host.done();
  });
});
