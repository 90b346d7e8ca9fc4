// The views' text helpers and address resolution, in plain Node.
import * as assert from 'node:assert/strict';
import { describeAddress, resolveAddress } from '../../src/views/connection/address-source';
import { formatAge, formatBytes, formatMemory, parseImageName, parseLabels, shortRuntime } from '../../src/views/model/format';

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
