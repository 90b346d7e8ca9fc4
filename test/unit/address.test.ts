// Address parsing and socket discovery, with a fake `exists` so no real socket is needed.
import * as assert from 'assert';
import {
  DEFAULT_ADDRESS, DEFAULT_NAMESPACE, defaultAddress, defaultNamespace, discoverSocket, grpcTarget, socketPathOf, WELL_KNOWN_SOCKETS,
} from '../../packages/containerd-client/src/address';

describe('address', () => {
  it('socketPathOf strips unix:// and unix:, leaves a plain path', () => {
    assert.strictEqual(socketPathOf('unix:///run/containerd/containerd.sock'), '/run/containerd/containerd.sock');
    assert.strictEqual(socketPathOf('unix:/run/k3s/containerd/containerd.sock'), '/run/k3s/containerd/containerd.sock');
    assert.strictEqual(socketPathOf('/tmp/x.sock'), '/tmp/x.sock');
    assert.strictEqual(socketPathOf('relative.sock'), 'relative.sock');
  });

  it('grpcTarget is unix: followed by the path, whatever form it was given in', () => {
    assert.strictEqual(grpcTarget('/run/containerd/containerd.sock'), 'unix:/run/containerd/containerd.sock');
    assert.strictEqual(grpcTarget('unix:///run/containerd/containerd.sock'), 'unix:/run/containerd/containerd.sock');
    assert.strictEqual(grpcTarget('unix:/a/b.sock'), 'unix:/a/b.sock');
  });

  it('defaults follow CONTAINERD_ADDRESS / CONTAINERD_NAMESPACE, else containerd\'s', () => {
    assert.strictEqual(DEFAULT_ADDRESS, '/run/containerd/containerd.sock');
    assert.strictEqual(DEFAULT_NAMESPACE, 'default');
    assert.strictEqual(defaultAddress({}), DEFAULT_ADDRESS);
    assert.strictEqual(defaultAddress({ CONTAINERD_ADDRESS: '/x/y.sock' }), '/x/y.sock');
    assert.strictEqual(defaultAddress({ CONTAINERD_ADDRESS: '' }), DEFAULT_ADDRESS);
    assert.strictEqual(defaultNamespace({}), 'default');
    assert.strictEqual(defaultNamespace({ CONTAINERD_NAMESPACE: 'k8s.io' }), 'k8s.io');
    assert.strictEqual(defaultNamespace({ CONTAINERD_NAMESPACE: '' }), 'default');
  });
});

describe('discoverSocket', () => {
  it('prefers CONTAINERD_ADDRESS without checking it exists, stripping unix://', () => {
    const asked: string[] = [];
    const found = discoverSocket({ CONTAINERD_ADDRESS: 'unix:///custom/c.sock' }, (p) => { asked.push(p); return true; });
    assert.deepStrictEqual(found, { path: '/custom/c.sock', label: 'CONTAINERD_ADDRESS', source: 'env' });
    assert.deepStrictEqual(asked, []);
  });

  it('tries the well-known sockets in order and returns the first that exists', () => {
    const asked: string[] = [];
    const k3s = '/run/k3s/containerd/containerd.sock';
    const docker = '/run/docker/containerd/containerd.sock';
    const found = discoverSocket({}, (p) => { asked.push(p); return p === k3s || p === docker; });
    assert.deepStrictEqual(found, { path: k3s, label: 'k3s', source: 'well-known' });
    assert.deepStrictEqual(asked, ['/run/containerd/containerd.sock', k3s]);
  });

  it('labels Docker\'s containerd with its namespace hint', () => {
    const found = discoverSocket({}, (p) => p === '/run/docker/containerd/containerd.sock');
    assert.strictEqual(found?.label, "Docker's containerd (namespace moby)");
  });

  it('returns undefined when none exists, after asking about every well-known path', () => {
    const asked: string[] = [];
    assert.strictEqual(discoverSocket({}, (p) => { asked.push(p); return false; }), undefined);
    assert.deepStrictEqual(asked, WELL_KNOWN_SOCKETS.map((s) => s.path));
    assert.ok(asked.includes('/var/snap/microk8s/common/run/containerd.sock'));
  });

});
