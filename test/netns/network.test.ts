// CNI networking on a real containerd with the real plugins, inside the test's own network namespace: two containers
// reach each other; a command sees its address from its first instruction (ADD done before the start); busybox httpd
// answers on its address and through a published port on 127.0.0.1; stop/start keeps the address; a task killed with
// SIGKILL is disconnected from its exit event; 20 concurrent containers get distinct addresses and all answer; after
// deleting everything no lease, netns, veth or iptables rule is left.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError, network } from '../../packages/containerd-client/src';
import { removeContainerNetworkState } from '../../packages/containerd-client/src/network/container-network';
import {
  containerNetworkInfo, containerNetworkState, deleteContainer, handleTaskExit, startContainer, stopContainer, sweepContainerNetworks, type CreateContainerOptions,
} from '../../packages/containerd-client/src/run';
import { clientEnv, eventually, importTestImage, teardown, type ClientEnv, type ImportedImage } from '../harness/client-setup';
import { create, runToEnd } from '../harness/run-setup';
import { answers, assertNothingLeft, assertPrivateNetns, leases, makeNetwork, netEnv, netInventory, removeNetEnv, type NetEnv, type NetInventory } from './netns-setup';

const SUBNET = '10.88.5.0/24';
const NET = 'cetest';
const PAGE = 'hello from the container\n';

describe('network: CNI bridge containers (in a private network namespace)', function () {
  let env: ClientEnv;
  let net: NetEnv;
  let image: ImportedImage;
  let baseline: NetInventory;

  const web = (id: string, extra: Partial<CreateContainerOptions> = {}): ReturnType<typeof create> => create(env, {
    id, image: image.name, network: NET, cni: net.cni, args: ['busybox', 'httpd', '-f', '-p', '80', '-h', '/www'], ...extra,
  });
  const addressOf = async (id: string): Promise<string> => {
    const state = containerNetworkState(env.client, await env.client.containers.get(id));
    const ip = state?.addresses[NET]?.[0];
    assert.ok(ip, `no address for ${id}: ${JSON.stringify(state)}`);
    return ip;
  };
  /** Delete Container's path: task killed, record and snapshot deleted, then the network state (DEL, netns, dir). */
  const remove = async (id: string): Promise<void> => { assert.ok(await deleteContainer(env.client, id, { timeoutMs: 5_000 })); };

  before(async function () {
    this.timeout(120_000);
    assertPrivateNetns();
    env = await clientEnv('netns');
    net = netEnv('cni');
    image = await importTestImage(env.client, 'test.local/net/web:1', { layers: [{ files: { '/www/index.html': PAGE } }] });
    await makeNetwork(net, NET, SUBNET);
    // The first ADD on a network makes its bridge and the plugins' shared chains, which stay: the baseline follows it.
    await web('warm-up', { ports: ['8099:80'] });
    await startContainer(env.client, 'warm-up');
    await remove('warm-up');
    baseline = netInventory(net);
  });
  after(async function () {
    this.timeout(60_000);
    await teardown(env);
    await removeNetEnv(net);
  });

  it('writes the network in nerdctl\'s format and lists it with its subnet and gateway', () => {
    const file = path.join(net.cni.confDir, `nerdctl-${NET}.conflist`);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { cniVersion: string; nerdctlID: string; plugins: { type: string; bridge?: string }[] };
    assert.equal(doc.cniVersion, '1.0.0');
    assert.equal(doc.nerdctlID, network.networkId(NET));
    assert.deepEqual(doc.plugins.map((p) => p.type), ['bridge', 'portmap', 'firewall', 'tuning']);
    assert.equal(doc.plugins[0].bridge, `br-${network.networkId(NET).slice(0, 12)}`);
    const listed = network.readNetworks(net.cni.confDir).networks.find((n) => n.name === NET);
    assert.deepEqual({ subnets: listed?.subnets, gateways: listed?.gateways, file: listed?.file }, { subnets: [SUBNET], gateways: ['10.88.5.1'], file });
  });

  it('httpd answers on its address and on 127.0.0.1:<hostPort>; nerdctl\'s labels name the network, port and hostname', async () => {
    const created = await web('web1', { ports: ['8081:80'], hostname: 'web-one' });
    assert.equal(created.container.labels['nerdctl/networks'], JSON.stringify([NET]));
    assert.equal(created.container.labels['nerdctl/ports'], JSON.stringify([{ HostPort: 8081, ContainerPort: 80, Protocol: 'tcp', HostIP: '0.0.0.0' }]));
    assert.equal(created.container.labels['nerdctl/hostname'], 'web-one');
    const ns = created.spec.linux?.namespaces?.find((n) => n.type === 'network');
    assert.ok(ns?.path && fs.existsSync(ns.path), 'the spec names the persistent netns');
    await startContainer(env.client, 'web1');
    const ip = await addressOf('web1');
    assert.ok(ip.startsWith('10.88.5.'), ip);
    await answers(ip, 80, PAGE);
    await answers('127.0.0.1', 8081, PAGE);
    assert.deepEqual(containerNetworkInfo(env.client, await env.client.containers.get('web1')),
      { networks: [NET], addresses: { [NET]: [ip] }, ports: [{ hostPort: 8081, containerPort: 80, protocol: 'tcp' }], hostname: 'web-one', origin: 'ours' });
    const hosts = fs.readFileSync(path.join(path.dirname(ns.path), 'hosts'), 'utf8');
    assert.match(hosts, new RegExp(`^${ip.replace(/\./g, '\\.')}\\tweb-one$`, 'm'));
  });

  it('a network-state label naming another container\'s state is not trusted: no connect, and its delete leaves that state alone', async () => {
    const web1 = await env.client.containers.get('web1');
    const dir = web1.labels[network.NETWORK_STATE_LABEL];
    await create(env, { id: 'forged', image: image.name, args: ['busybox', 'sleep', '1000'], labels: { [network.NETWORK_STATE_LABEL]: dir } });
    assert.equal(containerNetworkState(env.client, await env.client.containers.get('forged')), undefined);
    await assert.rejects(startContainer(env.client, 'forged', { cni: net.cni }), (e: Error) => e instanceof FailedPreconditionError && /not one this client made for it/.test(e.message));
    await remove('forged');
    assert.ok(fs.existsSync(path.join(dir, 'netns')), "web1's netns is still there");
    await answers(await addressOf('web1'), 80, PAGE);
  });

  it("a container nerdctl made shows its networks and ports (labels) and addresses (libcni's result cache)", async () => {
    const cache = path.join(net.tmp, 'libcni');
    fs.mkdirSync(path.join(cache, 'results'), { recursive: true });
    fs.writeFileSync(path.join(cache, 'results', 'bridge-nerd1-eth0'), JSON.stringify({ kind: 'cniCacheV1', containerId: 'nerd1', ifName: 'eth0', networkName: 'bridge', result: { ips: [{ address: '10.4.0.9/24' }] } }));
    const labels = { 'nerdctl/networks': '["bridge"]', 'nerdctl/ports': '[{"HostPort":8088,"ContainerPort":80,"Protocol":"tcp","HostIP":"0.0.0.0"}]', 'nerdctl/hostname': 'nerd1' };
    await create(env, { id: 'nerd1', image: image.name, args: ['busybox', 'true'], labels });
    assert.deepEqual(containerNetworkInfo(env.client, await env.client.containers.get('nerd1'), cache),
      { networks: ['bridge'], addresses: { bridge: ['10.4.0.9'] }, ports: [{ hostPort: 8088, containerPort: 80, protocol: 'tcp' }], hostname: 'nerd1', origin: 'nerdctl' });
    await remove('nerd1');
  });

  it('two containers on one network reach each other by address', async () => {
    const ip = await addressOf('web1');
    await create(env, { id: 'client1', image: image.name, network: NET, cni: net.cni, args: ['busybox', 'wget', '-q', '-O', '-', `http://${ip}/`] });
    await startContainer(env.client, 'client1');
    const { exitStatus, log } = await runToEnd(env, 'client1');
    assert.equal(exitStatus, 0, log);
    assert.equal(log, PAGE);
    await remove('client1');
  });

  it("the command's first instructions see the whole connection: ADD, run while runc creates the task, ends before the start", async () => {
    // /etc/hosts gets the address once every plugin's ADD is done, the connection's last step.
    await create(env, { id: 'first-look', image: image.name, network: NET, cni: net.cni, args: ['busybox', 'sh', '-c', 'cat /etc/hosts; ip -4 -o addr show dev eth0'] });
    await startContainer(env.client, 'first-look');
    const { exitStatus, log } = await runToEnd(env, 'first-look');
    assert.equal(exitStatus, 0, log);
    const ip = await addressOf('first-look');
    assert.match(log, new RegExp(`^${ip.replace(/\./g, '\\.')}\\tfirst-look$`, 'm'));
    assert.match(log, new RegExp(`\\binet ${ip.replace(/\./g, '\\.')}/24\\b`));
    await remove('first-look');
  });

  it('stop then start keeps the address (and the published port)', async () => {
    const before = await addressOf('web1');
    await stopContainer(env.client, 'web1', { timeoutMs: 2_000 });
    assert.equal(containerNetworkState(env.client, await env.client.containers.get('web1'))?.connected, false, 'DEL on stop');
    await startContainer(env.client, 'web1');
    assert.equal(await addressOf('web1'), before);
    await answers(before, 80, PAGE);
    await answers('127.0.0.1', 8081, PAGE);
  });

  it('network state lost in a reboot (/run emptied, netns gone) is made again at start from the labels', async () => {
    const dir = (await env.client.containers.get('web1')).labels[network.NETWORK_STATE_LABEL];
    await stopContainer(env.client, 'web1', { timeoutMs: 2_000 });
    await removeContainerNetworkState(dir, env.namespace, 'web1'); // what a reboot leaves: no state dir, no netns mount
    assert.ok(!fs.existsSync(dir));
    await startContainer(env.client, 'web1', { cni: net.cni });
    assert.ok(network.isNetnsMounted(path.join(dir, 'netns')), 'the netns the spec names is back');
    await answers(await addressOf('web1'), 80, PAGE);
    await answers('127.0.0.1', 8081, PAGE);
  });

  it('kill -9 of the task: the exit event takes the network down (lease and port rules gone)', async () => {
    const ip = await addressOf('web1');
    const ac = new AbortController();
    const handled: boolean[] = [];
    const events = (async () => {
      for await (const e of env.client.events.subscribe({ filters: [`namespace==${env.namespace}`, 'topic=="/tasks/exit"'], signal: ac.signal })) {
        if (e.topic === '/tasks/exit') handled.push(await handleTaskExit(env.client, e.payload));
      }
    })().catch(() => undefined);
    try {
      await new Promise((r) => setTimeout(r, 200)); // the subscription is in place
      const task = await env.client.tasks.get('web1');
      process.kill(task.pid, 'SIGKILL');
      await eventually('the exit handler ran', () => handled.includes(true));
    } finally {
      ac.abort();
      await events;
    }
    assert.equal(containerNetworkState(env.client, await env.client.containers.get('web1'))?.connected, false);
    assert.ok(!leases(net).some((l) => l.endsWith(ip)), `lease of ${ip} released`);
    assert.ok(!netInventory(net).rules.some((r) => r.includes('--dport 8081')), 'port rule removed');
    await remove('web1');
  });

  it('20 containers created and started concurrently get distinct addresses and all answer', async function () {
    this.timeout(240_000);
    const ids = Array.from({ length: 20 }, (_, i) => `many${i}`);
    await Promise.all(ids.map(async (id) => { await web(id); await startContainer(env.client, id); }));
    const ips = await Promise.all(ids.map(addressOf));
    assert.equal(new Set(ips).size, 20, `distinct: ${ips.join(' ')}`);
    await Promise.all(ips.map((ip) => answers(ip, 80, PAGE, 60_000)));
    await Promise.all(ids.map(remove));
  });

  it('start-up sweep: the network state of a container deleted behind our back is taken down and removed', async () => {
    await web('orphan');
    await startContainer(env.client, 'orphan');
    const ip = await addressOf('orphan');
    await env.client.tasks.kill('orphan', 'SIGKILL');
    await env.client.tasks.wait('orphan');
    await env.client.tasks.delete('orphan'); // straight through containerd: no DEL of ours ran
    await env.client.containers.delete('orphan');
    await env.client.snapshots.remove('orphan-snapshot');
    assert.ok(leases(net).some((l) => l.endsWith(ip)), 'the lease is still held before the sweep');
    const swept = await sweepContainerNetworks(env.client, net.cni);
    assert.deepEqual(swept, [`${env.namespace}/orphan`]);
    assert.ok(!leases(net).some((l) => l.endsWith(ip)), 'lease released by the sweep');
  });

  it('the default network `bridge` is written on first use in nerdctl\'s format (nerdctl0, 10.4.0.0/24; not started here)', async () => {
    const confDir = path.join(net.tmp, 'default-net.d');
    fs.mkdirSync(confDir);
    const created = await network.ensureDefaultNetwork(confDir, net.cni.binDirs);
    assert.equal(created.file, path.join(confDir, 'nerdctl-bridge.conflist'));
    assert.deepEqual([created.bridge, created.subnets, created.gateways, created.labels], ['nerdctl0', ['10.4.0.0/24'], ['10.4.0.1'], { 'nerdctl/default-network': 'true' }]);
    assert.deepEqual(created.plugins.map((p) => p.type), ['bridge', 'portmap', 'firewall', 'tuning']);
    assert.equal((await network.ensureDefaultNetwork(confDir, net.cni.binDirs)).file, created.file, 'found, not written again');
  });

  it('after deleting everything: no lease, netns/state dir, veth or iptables rule is left', () => {
    assertNothingLeft(net, baseline, 'the suite');
  });
});
