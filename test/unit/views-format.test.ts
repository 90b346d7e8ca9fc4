// The views' text helpers and address resolution, in plain Node.
import * as assert from 'node:assert/strict';
import { describeAddress, resolveAddress } from '../../src/session/address-source';
import type { TaskProcess } from '../../packages/containerd-client/src';
import { describeTaskState, formatAge, formatBytes, formatLocalTime, formatMemory, formatWhen, parseImageName, parseLabels, shortRuntime, taskStateText } from '../../src/views/model/format';

const proc = (status: TaskProcess['status'], pid = 4242, exitStatus = 0): TaskProcess => ({
  containerId: 'c', id: '', pid, status, stdin: '', stdout: '', stderr: '', terminal: false, exitStatus,
});

describe('views: text for the trees', () => {
  it('formats sizes like docker images and memory in binary units', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1_130_000), '1.1 MB');
    assert.equal(formatBytes(45_600_000), '46 MB');
    assert.equal(formatMemory(303_104), '296.0 KiB');
  });

  it('says how long ago', () => {
    const now = new Date('2026-01-10T12:00:00Z');
    assert.equal(formatAge(new Date('2026-01-10T11:59:50Z'), now), 'just now');
    assert.equal(formatAge(new Date('2026-01-10T11:55:00Z'), now), '5 minutes ago');
    assert.equal(formatAge(new Date('2026-01-10T11:00:00Z'), now), '1 hour ago');
    assert.equal(formatAge(new Date('2026-01-07T12:00:00Z'), now), '3 days ago');
    assert.equal(formatAge(undefined, now), 'unknown time');
  });

  it('gives descriptions an absolute local time that cannot go stale; tooltips add the age at hover time', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Europe/Paris';
    try {
      const created = new Date('2026-01-10T11:59:50Z');
      assert.equal(formatLocalTime(created), '2026-01-10 12:59');
      assert.equal(formatLocalTime(created, true), '2026-01-10 12:59:50');
      assert.equal(formatLocalTime(undefined), 'unknown time');
      // The same description text an hour later: nothing in it says "just now".
      assert.doesNotMatch(formatLocalTime(created), /now|ago/);
      assert.equal(formatWhen(created, new Date('2026-01-10T12:00:00Z')), '2026-01-10 12:59:50 UTC+01:00, just now');
      assert.equal(formatWhen(created, new Date('2026-01-10T13:00:00Z')), '2026-01-10 12:59:50 UTC+01:00, 1 hour ago');
      process.env.TZ = 'America/St_Johns';
      assert.equal(formatWhen(new Date('2026-07-01T00:00:00Z'), new Date('2026-07-04T00:00:00Z')), '2026-06-30 21:30:00 UTC-02:30, 3 days ago');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('words task states one way for the Tasks and Containers views and their tooltips', () => {
    assert.equal(taskStateText(undefined), 'no task');
    assert.equal(taskStateText(proc('running')), 'running');
    assert.equal(taskStateText(proc('running'), { pid: true }), 'running (pid 4242)');
    assert.equal(taskStateText(proc('paused'), { pid: true }), 'paused (pid 4242)');
    assert.equal(taskStateText(proc('created', 0)), 'created');
    assert.equal(taskStateText(proc('stopped', 0, 137)), 'stopped (exit 137)');
    assert.equal(taskStateText(proc('stopped', 4242, 137), { pid: true, oom: true }), 'stopped (exit 137, OOM killed)');
    assert.equal(taskStateText(proc('unknown')), 'state unknown');
    assert.equal(describeTaskState(proc('stopped', 0, 0)), 'stopped (exit 0)');
    assert.equal(describeTaskState(proc('running')), 'running (pid 4242)');
  });

  it('splits image names; a registry port is not a tag', () => {
    assert.deepEqual(parseImageName('docker.io/library/redis:alpine'), { repository: 'docker.io/library/redis', tag: 'alpine' });
    assert.deepEqual(parseImageName('localhost:5000/app'), { repository: 'localhost:5000/app' });
    assert.deepEqual(parseImageName('localhost:5000/app:1'), { repository: 'localhost:5000/app', tag: '1' });
    assert.deepEqual(parseImageName('ghcr.io/o/a@sha256:abc'), { repository: 'ghcr.io/o/a', digest: 'sha256:abc' });
  });

  it('shortens runtimes and parses labels', () => {
    assert.equal(shortRuntime('io.containerd.runc.v2'), 'runc.v2');
    assert.deepEqual(parseLabels('a=1, b = two,\nc'), { a: '1', b: 'two', c: '' });
    assert.throws(() => parseLabels('=x'), /no label name/);
  });

  it('takes the socket from the setting, then CONTAINERD_ADDRESS, then the well-known paths', () => {
    const none = (): boolean => false;
    assert.deepEqual(resolveAddress('unix:///x/c.sock', {}, none), { socketPath: '/x/c.sock', source: 'setting' });
    assert.deepEqual(resolveAddress('  ', { CONTAINERD_ADDRESS: '/env.sock' }, none), { socketPath: '/env.sock', source: 'env' });
    const k3s = resolveAddress(undefined, {}, (p) => p === '/run/k3s/containerd/containerd.sock');
    assert.deepEqual(k3s, { socketPath: '/run/k3s/containerd/containerd.sock', source: 'discovered', label: 'k3s' });
    assert.equal(describeAddress(k3s), '/run/k3s/containerd/containerd.sock (k3s, discovered)');
    assert.equal(resolveAddress(undefined, {}, none).source, 'default');
  });
});
