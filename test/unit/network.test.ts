// Pure parts of CNI networking: port specs, IPv4 subnets and the free-subnet search, config files (list and single
// conf), nerdctl's labels both ways, resolv.conf for a container, published ports read from iptables-save.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError, network } from '../../packages/containerd-client/src';
import { freeSubnet, formatSubnet, overlaps, parseSubnet, type Ipv4Net } from '../../packages/containerd-client/src/network/cidr';

const net = (s: string): Ipv4Net => { const n = parseSubnet(s); assert.ok(typeof n !== 'string', String(n)); return n; };

describe('network: port specs', () => {
  it('parses [hostIP:]hostPort:containerPort[/tcp|udp]', () => {
    assert.deepEqual(network.parsePortSpec('8080:80'), { hostPort: 8080, containerPort: 80, protocol: 'tcp' });
    assert.deepEqual(network.parsePortSpec('127.0.0.1:53:5353/UDP'), { hostPort: 53, containerPort: 5353, protocol: 'udp', hostIP: '127.0.0.1' });
    assert.deepEqual(network.parsePortSpec('0.0.0.0:1:2'), { hostPort: 1, containerPort: 2, protocol: 'tcp' });
  });
  it('refuses malformed specs with what is wrong', () => {
    const bad: [string, RegExp][] = [['80', /hostPort:containerPort/], ['0:80', /host port "0"/], ['8080:70000', /container port "70000"/],
      ['8080:80/sctp', /protocol "sctp"/], ['a.b:1:2', /host address "a.b"/], ['1:2/tcp/x', /more than one/]];
    for (const [spec, re] of bad) assert.throws(() => network.parsePortSpec(spec), (e: Error) => e instanceof InvalidArgumentError && re.test(e.message), spec);
    assert.throws(() => network.parsePortSpecs(['8080:80', '127.0.0.1:8080:81']), /given twice/);
    assert.equal(network.parsePortSpecs(['8080:80', '8080:80/udp']).length, 2);
  });
  it('reads published ports from portmap\'s DNAT chains', () => {
    const save = ['-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "x" -m multiport --dports 8080 -j CNI-DN-abc',
      '-A CNI-DN-abc -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.4.0.2:80',
      '-A CNI-DN-def -d 127.0.0.1/32 -p udp -m udp --dport 53 -j DNAT --to-destination 10.4.0.3:53'].join('\n');
    assert.deepEqual(network.publishedPorts(save), [{ port: 8080, protocol: 'tcp' }, { port: 53, protocol: 'udp', hostIP: '127.0.0.1' }]);
  });
});

describe('network: subnets', () => {
  it('parses network addresses and suggests the right one', () => {
    assert.equal(formatSubnet(net('10.4.1.0/24')), '10.4.1.0/24');
    assert.match(String(parseSubnet('10.4.1.5/24')), /did you mean 10\.4\.1\.0\/24/);
    assert.match(String(parseSubnet('10.4.1.0')), /not an IPv4 subnet/);
    assert.match(String(parseSubnet('10.4.1.0/31')), /too small/);
  });
  it('overlap and the first free /24 from 10.4.1.0', () => {
    assert.ok(overlaps(net('10.4.0.0/16'), net('10.4.7.0/24')));
    assert.ok(!overlaps(net('10.4.0.0/24'), net('10.4.1.0/24')));
    const free = freeSubnet([net('10.4.1.0/24'), net('10.4.2.0/23')]);
    assert.equal(free && formatSubnet(free), '10.4.4.0/24');
  });
});

describe('network: config files', () => {
  it('reads a conflist (subnet, gateway, bridge, nerdctl id/labels) and a single .conf', () => {
    const list = network.parseNetworkConfig(JSON.stringify({ cniVersion: '1.0.0', name: 'n1', nerdctlID: 'abc', nerdctlLabels: { a: 'b' },
      plugins: [{ type: 'bridge', bridge: 'br0', ipam: { type: 'host-local', ranges: [[{ subnet: '10.9.0.0/24' }]] } }, { type: 'portmap' }] }), '/x/n1.conflist');
    assert.deepEqual({ ...list, plugins: list.plugins.map((p) => p.type) }, { name: 'n1', cniVersion: '1.0.0', plugins: ['bridge', 'portmap'], file: '/x/n1.conflist',
      subnets: ['10.9.0.0/24'], gateways: ['10.9.0.1'], bridge: 'br0', nerdctlId: 'abc', labels: { a: 'b' } });
    const single = network.parseNetworkConfig(JSON.stringify({ cniVersion: '0.4.0', name: 'n2', type: 'ptp', ipam: { type: 'host-local', subnet: '10.8.0.0/16', gateway: '10.8.0.9' } }), '/x/n2.conf');
    assert.deepEqual([single.plugins.map((p) => p.type), single.subnets, single.gateways], [['ptp'], ['10.8.0.0/16'], ['10.8.0.9']]);
    assert.throws(() => network.parseNetworkConfig('{"name":"x"}', 'f'), /neither "plugins"/);
    assert.throws(() => network.parseNetworkConfig('{"name":"x","type":"../evil"}', 'f'), /valid "type"/);
  });
  it('network names: nerdctl\'s rules, reserved names refused', () => {
    assert.equal(network.networkNameProblem('web_1.a-b'), undefined);
    assert.match(String(network.networkNameProblem('host')), /reserved/);
    assert.match(String(network.networkNameProblem('-x')), /not valid/);
    assert.equal(network.networkFile('/etc/cni/net.d', 'n', 'k8s.io'), '/etc/cni/net.d/k8s.io/nerdctl-n.conflist');
    assert.equal(network.networkFile('/etc/cni/net.d', 'bridge', 'k8s.io'), '/etc/cni/net.d/nerdctl-bridge.conflist');
  });
});

describe('network: nerdctl labels and container files', () => {
  it('writes and reads nerdctl/networks, nerdctl/ports (go-cni field names) and nerdctl/hostname', () => {
    const labels = network.nerdctlNetworkLabels({ networks: ['bridge'], ports: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }], hostname: 'web' });
    assert.deepEqual(labels, { 'nerdctl/networks': '["bridge"]', 'nerdctl/ports': '[{"HostPort":8080,"ContainerPort":80,"Protocol":"tcp","HostIP":"0.0.0.0"}]', 'nerdctl/hostname': 'web' });
    assert.deepEqual(network.readNetworkLabels(labels), { networks: ['bridge'], ports: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }], hostname: 'web' });
    assert.deepEqual(network.readNetworkLabels({ 'nerdctl/ports': 'not json' }), { networks: [], ports: [] });
  });
  it('resolv.conf drops loopback nameservers and falls back to public ones; hosts names the addresses', () => {
    assert.equal(network.resolvConfText('search lan\nnameserver 127.0.0.53\n'), 'search lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n');
    assert.equal(network.resolvConfText('nameserver 192.168.1.1\noptions edns0\n'), 'nameserver 192.168.1.1\noptions edns0\n');
    assert.match(network.hostsFileText('web', ['10.4.0.2']), /^10\.4\.0\.2\tweb$/m);
  });
  it("reads nerdctl's (and ctr's) addresses from libcni's result cache", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-cache-'));
    try {
      fs.mkdirSync(path.join(dir, 'results'));
      const entry = { kind: 'cniCacheV1', containerId: 'abc123', ifName: 'eth0', networkName: 'bridge', result: { cniVersion: '1.0.0', ips: [{ address: '10.4.0.7/24', gateway: '10.4.0.1' }] } };
      fs.writeFileSync(path.join(dir, 'results', 'bridge-abc123-eth0'), JSON.stringify(entry));
      fs.writeFileSync(path.join(dir, 'results', 'bridge-abc1234-eth0'), JSON.stringify({ ...entry, containerId: 'abc1234' }));
      assert.deepEqual(network.cachedCniAddresses('abc123', dir), { bridge: ['10.4.0.7'] });
      assert.deepEqual(network.cachedCniAddresses('nope', dir), {});
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
