// The views' side of container networking, without a daemon: how a container's addresses and ports are worded
// (description, port rows, the URL Open in Browser maps), the port list Create Container… parses with the client's
// parser, Create Network…'s checks as typed, and the Containers view's cache (read once per container, again only
// after an event about it), fed a nerdctl container's labels and libcni's result cache.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Emitter } from '../../src/base/emitter';
import { ContainerNetworks } from '../../src/views/networks/container-networks';
import {
  allAddresses, formatPortList, gatewayProblem, networkDescription, networkRowDescription, parsePortList, portLabel, portUrl, splitContainerRef, subnetProblem,
} from '../../src/views/networks/network-format';
import type { ContainerdClient, ContainerdEvent, ContainerNetworkInfo } from '../../packages/containerd-client/src';
import type { ContainerEntry } from '../../src/views/model/types';

const info = (over: Partial<ContainerNetworkInfo> = {}): ContainerNetworkInfo => ({
  networks: ['bridge'], addresses: { bridge: ['10.4.0.2'] }, ports: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }], origin: 'ours', ...over,
});

describe('network views: wording', () => {
  it('describes a container compactly: first address, count of the others, up to two ports', () => {
    assert.equal(networkDescription(info()), '10.4.0.2 · 8080→80');
    assert.equal(networkDescription(info({ ports: [] })), '10.4.0.2');
    assert.equal(networkDescription(info({ addresses: {} })), '8080→80', 'stopped: ports only');
    const many = info({
      networks: ['a', 'b'], addresses: { a: ['fd00::2', '10.1.0.2'], b: ['10.2.0.2'] },
      ports: [{ hostPort: 1, containerPort: 2, protocol: 'tcp' }, { hostPort: 53, containerPort: 53, protocol: 'udp' }, { hostPort: 3, containerPort: 4, protocol: 'tcp' }],
    });
    assert.equal(networkDescription(many), '10.1.0.2 +2 · 1→2, 53→53/udp, +1');
    assert.deepEqual(allAddresses(many), ['10.1.0.2', 'fd00::2', '10.2.0.2'], 'IPv4 first within a network, networks in order');
    assert.equal(networkDescription(undefined), '');
  });

  it('labels port rows and gives the URL on the extension host (bound address, else loopback)', () => {
    assert.equal(portLabel({ hostPort: 8080, containerPort: 80, protocol: 'tcp' }), '8080 -> 80/tcp');
    assert.equal(portLabel({ hostPort: 5353, containerPort: 53, protocol: 'udp', hostIP: '127.0.0.2' }), '127.0.0.2:5353 -> 53/udp');
    assert.equal(portUrl({ hostPort: 8080, containerPort: 80, protocol: 'tcp' }), 'http://127.0.0.1:8080/');
    assert.equal(portUrl({ hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '127.0.0.5' }), 'http://127.0.0.5:8080/');
  });

  it('parses a typed port list with the client parser and writes it back the same way', () => {
    const ports = parsePortList(' 8080:80,127.0.0.1:5353:53/udp  9090:90/tcp ');
    assert.deepEqual(ports, [
      { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostPort: 5353, containerPort: 53, protocol: 'udp', hostIP: '127.0.0.1' },
      { hostPort: 9090, containerPort: 90, protocol: 'tcp' },
    ]);
    assert.equal(formatPortList(ports), '8080:80 127.0.0.1:5353:53/udp 9090:90');
    assert.deepEqual(parsePortList(formatPortList(ports)), ports);
    assert.deepEqual(parsePortList('  '), []);
    assert.throws(() => parsePortList('8080:80 8080:81'), /given twice/);
    assert.throws(() => parsePortList('8080'), /hostPort:containerPort/);
  });

  it('checks Create Network… answers as typed, and words network rows', () => {
    assert.equal(subnetProblem(''), undefined);
    assert.equal(subnetProblem('10.4.7.0/24'), undefined);
    for (const bad of ['10.4.7.0', '10.4.7.0/33', '10.4.7.0/31', '300.1.1.0/24', 'x/24', '10.4.7.0/24/1']) assert.match(subnetProblem(bad) ?? '', /not an IPv4 subnet/, bad);
    assert.equal(gatewayProblem('10.4.7.1'), undefined);
    assert.match(gatewayProblem('10.4.7') ?? '', /not an IPv4 address/);
    assert.equal(networkRowDescription({ subnets: ['10.4.0.0/24'], gateways: ['10.4.0.1'] }, 2), '10.4.0.0/24 · gw 10.4.0.1 · 2 containers');
    assert.equal(networkRowDescription({ subnets: [], gateways: [] }, undefined), 'no subnet');
    assert.deepEqual(splitContainerRef('k8s.io/abc/def'), { namespace: 'k8s.io', id: 'abc/def' });
  });
});

describe('network views: the Containers view cache', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netviews-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A client as far as containerNetworkInfo goes: only the namespace it is bound to (it reads files, not the daemon). */
  const client = { namespace: 'default', withNamespace(ns: string) { return { ...this, namespace: ns }; } } as unknown as ContainerdClient;

  function nerdctlContainer(id: string): ContainerEntry {
    return {
      id, image: 'busybox', runtime: { name: 'io.containerd.runc.v2' }, snapshotter: 'overlayfs', snapshotKey: id, extensions: {},
      labels: { 'nerdctl/networks': '["bridge"]', 'nerdctl/ports': '[{"HostPort":8081,"ContainerPort":80,"Protocol":"tcp","HostIP":"0.0.0.0"}]', 'nerdctl/hostname': 'web' },
    };
  }

  function cacheResult(id: string, address: string): void {
    fs.mkdirSync(path.join(tmp, 'results'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'results', `bridge-${id}-eth0`), JSON.stringify({ containerId: id, networkName: 'bridge', result: { ips: [{ address: `${address}/24` }] } }));
  }

  it("shows a nerdctl container's address and ports, reads once, and again only after an event about it", () => {
    const events = new Emitter<ContainerdEvent>();
    const cache = new ContainerNetworks({ client: () => client, events: events.event, cniCacheDir: tmp });
    const changed: string[] = [];
    cache.onDidChange((ns) => changed.push(ns));
    const c = nerdctlContainer('web1');
    assert.equal(cache.get('default', c)?.addresses.bridge, undefined, 'not connected yet: no cached result');
    cacheResult('web1', '10.4.0.9');
    for (let i = 0; i < 5; i++) cache.get('default', c);
    assert.equal(cache.reads, 1, 'renders reuse the cached answer');
    assert.equal(cache.get('default', c)?.addresses.bridge, undefined, 'still the cached answer until an event');

    events.fire({ topic: '/tasks/exec-started', namespace: 'default', payload: { containerId: 'web1', execId: 'x', pid: 1 } } as ContainerdEvent);
    assert.equal(cache.reads, 1, 'an exec does not change networking');
    events.fire({ topic: '/tasks/start', namespace: 'default', payload: { containerId: 'web1', pid: 42 } } as ContainerdEvent);
    assert.deepEqual(changed, ['default']);
    const got = cache.get('default', c);
    assert.equal(cache.reads, 2);
    assert.equal(got?.origin, 'nerdctl');
    assert.deepEqual(got?.addresses, { bridge: ['10.4.0.9'] });
    assert.deepEqual(got?.ports, [{ hostPort: 8081, containerPort: 80, protocol: 'tcp' }]);
    assert.equal(networkDescription(got), '10.4.0.9 · 8081→80');
    assert.equal(got?.hostname, 'web');
    cache.dispose();
  });

  it('answers undefined for a container on no CNI network, and nothing while disconnected', () => {
    const events = new Emitter<ContainerdEvent>();
    let connected = true;
    const cache = new ContainerNetworks({ client: () => (connected ? client : undefined), events: events.event, cniCacheDir: tmp });
    const plain = { ...nerdctlContainer('plain'), labels: {} };
    assert.equal(cache.get('default', plain), undefined);
    connected = false;
    assert.equal(cache.get('default', { ...plain, id: 'other' }), undefined);
    assert.equal(cache.reads, 1, 'disconnected: nothing read, nothing cached');
    cache.dispose();
  });
});
