// CNI networking's errors on a real containerd with the real plugins, in the test's own network namespace: each is
// typed, says what to do, and leaves nothing behind (no container, snapshot or lease in containerd; no netns or
// state dir, veth, IPAM lease or iptables rule): plugins missing, iptables missing, host port published or in use,
// overlapping subnet, unknown network, not permitted (no CAP_NET_ADMIN/CAP_SYS_ADMIN), a plugin failing mid-list, a host
// port published between a create and its start.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { network } from '../../packages/containerd-client/src';
import { deleteContainer, startContainer, type CreateContainerOptions } from '../../packages/containerd-client/src/run';
import { clientEnv, importTestImage, teardown, type ClientEnv, type ImportedImage } from '../harness/client-setup';
import { create, inventory, rejectsCleanly } from '../harness/run-setup';
import { assertNothingLeft, assertPrivateNetns, makeNetwork, netEnv, netInventory, removeNetEnv, type NetEnv, type NetInventory } from './netns-setup';

const NET = 'errnet';
const SUBNET = '10.88.6.0/24';

describe('network errors (in a private network namespace)', function () {
  let env: ClientEnv;
  let nenv: NetEnv;
  let image: ImportedImage;
  let baseline: NetInventory;

  const opts = (id: string, extra: Partial<CreateContainerOptions> = {}): CreateContainerOptions => ({
    id, image: image.name, network: NET, cni: nenv.cni, args: ['busybox', 'httpd', '-f', '-p', '80'], ...extra,
  });
  /** The create fails with `errorClass` and neither containerd nor the network side changed. */
  const refused = async (o: CreateContainerOptions, errorClass: new (...a: never[]) => Error, message: RegExp): Promise<void> => {
    const before = netInventory(nenv);
    await rejectsCleanly(env, () => create(env, o), errorClass, message);
    assertNothingLeft(nenv, before, 'the failed create');
  };
  /** Delete Container's path: task killed, record and snapshot deleted, then the network state (DEL, netns, dir). */
  const remove = async (id: string): Promise<void> => { assert.ok(await deleteContainer(env.client, id, { timeoutMs: 5_000 })); };

  before(async function () {
    this.timeout(120_000);
    assertPrivateNetns();
    env = await clientEnv('netns-err');
    nenv = netEnv('cni-err');
    image = await importTestImage(env.client, 'test.local/net/err:1');
    await makeNetwork(nenv, NET, SUBNET);
    await create(env, opts('warm-up', { ports: ['8199:80'] }));
    await startContainer(env.client, 'warm-up');
    await remove('warm-up');
    baseline = netInventory(nenv);
  });
  after(async function () {
    this.timeout(60_000);
    await teardown(env);
    await removeNetEnv(nenv);
  });

  it('plugins missing: names them and says to install containernetworking-plugins', async () => {
    const empty = path.join(nenv.tmp, 'no-plugins');
    fs.mkdirSync(empty, { recursive: true });
    await refused(opts('e-plugins', { cni: { ...nenv.cni, binDirs: [empty] } }), network.CniPluginsMissingError, /"bridge".*containernetworking-plugins/);
  });

  it('iptables missing: says to install iptables', async () => {
    const bin = fs.mkdtempSync(path.join(nenv.tmp, 'path-without-iptables-'));
    // What the create runs besides the plugins, found where this machine has it.
    for (const tool of ['unshare', 'umount', 'ip']) {
      const found = ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].map((d) => path.join(d, tool)).find((f) => fs.existsSync(f));
      if (found) fs.symlinkSync(found, path.join(bin, tool));
    }
    const saved = process.env.PATH;
    process.env.PATH = bin;
    try {
      await refused(opts('e-iptables'), network.IptablesMissingError, /needs iptables.*apt-get install iptables/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('host port already published by another container, or in use by a process', async () => {
    await create(env, opts('p-owner', { ports: ['8190:80'] }));
    await startContainer(env.client, 'p-owner');
    await refused(opts('e-port', { ports: ['8190:80'] }), network.HostPortInUseError, /8190\/tcp is already published by another container: choose another/);
    await remove('p-owner');
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(8191, '127.0.0.1', () => r()));
    try {
      await refused(opts('e-port2', { ports: ['8191:80'] }), network.HostPortInUseError, /8191\/tcp is in use by a process/);
    } finally {
      server.close();
    }
  });

  it('host port published between create and start: the start is refused, its bridge ADD (run alongside the check) undone, no task', async () => {
    await create(env, opts('s-first', { ports: ['8193:80'] }));
    await create(env, opts('s-second', { ports: ['8193:80'] }));
    await startContainer(env.client, 's-first');
    const before = netInventory(nenv);
    await rejectsCleanly(env, () => startContainer(env.client, 's-second'), network.HostPortInUseError, /8193\/tcp is already published by another container/);
    assertNothingLeft(nenv, before, 'the refused start');
    await remove('s-first');
    await remove('s-second');
  });

  it('overlapping subnet: no network file is written', async () => {
    const files = fs.readdirSync(nenv.cni.confDir);
    await assert.rejects(network.createNetwork(nenv.cni.confDir, nenv.cni.binDirs, { name: 'overlap', subnet: '10.88.6.128/25' }),
      (e: Error) => e instanceof network.SubnetOverlapError && /overlaps network "errnet"/.test(e.message));
    assert.deepEqual(fs.readdirSync(nenv.cni.confDir), files);
    const auto = await network.createNetwork(nenv.cni.confDir, nenv.cni.binDirs, { name: 'auto' });
    assert.ok(!auto.subnets.includes(SUBNET) && auto.subnets.length === 1, `a free subnet: ${auto.subnets.join()}`);
    await network.removeNetwork(nenv.cni.confDir, 'auto', []);
  });

  it('unknown network', async () => {
    await refused(opts('e-unknown', { network: 'nope' }), network.UnknownNetworkError, /network "nope" not found.*known: errnet/);
  });

  it('a network in use cannot be removed', async () => {
    await create(env, opts('user1'));
    const users = await network.containersOnNetwork(env.client, NET);
    assert.deepEqual(users, [`${env.namespace}/user1`]);
    await assert.rejects(network.removeNetwork(nenv.cni.confDir, NET, users), network.NetworkInUseError);
    await remove('user1');
  });

  it('not permitted (no CAP_SYS_ADMIN/CAP_NET_ADMIN): says networking needs root', async () => {
    const before = { ...netInventory(nenv), containerd: await inventory(env) };
    const probe = path.join(__dirname, 'no-caps-probe.js');
    const args = JSON.stringify({ ...opts('e-perm'), runtimeOptions: undefined, runcRoot: env.runcRoot, address: env.daemon.address, namespace: env.namespace });
    const out = await new Promise<string>((resolve) => {
      execFile('setpriv', ['--bounding-set=-sys_admin,-net_admin', '--inh-caps=-sys_admin,-net_admin', process.execPath, probe, args],
        { timeout: 60_000 }, (_err, stdout, stderr) => resolve(`${stdout}${stderr}`));
    });
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { name?: string; message?: string };
    assert.equal(result.name, 'NetworkPermissionError', out);
    assert.match(result.message ?? '', /needs root \(CAP_NET_ADMIN\)/);
    assert.deepEqual({ ...netInventory(nenv), containerd: await inventory(env) }, before);
  });

  it('a plugin failing mid-list: typed error at start, its ADDs undone (no lease, veth or rule), no task', async () => {
    const bridge = network.readNetworks(nenv.cni.confDir).networks.find((n) => n.name === NET)?.plugins[0];
    const bad = { cniVersion: '1.0.0', name: 'badlist', plugins: [
      { ...bridge, ipam: { type: 'host-local', dataDir: nenv.cni.ipamDataDir, ranges: [[{ subnet: SUBNET }]] } },
      { type: 'portmap', capabilities: { portMappings: true } },
      { type: 'tuning', sysctl: { 'net.ipv4.conf.eth0.no_such_knob': '1' } },
    ] };
    fs.writeFileSync(path.join(nenv.cni.confDir, 'badlist.conflist'), JSON.stringify(bad));
    await create(env, opts('e-mid', { network: 'badlist', ports: ['8192:80'] }));
    const before = netInventory(nenv);
    await assert.rejects(startContainer(env.client, 'e-mid'), (e: Error) => e instanceof network.CniPluginError && /"tuning" failed on ADD/.test(e.message));
    assertNothingLeft(nenv, before, 'the failed start');
    assert.deepEqual((await inventory(env)).tasks, []);
    await remove('e-mid');
    fs.rmSync(path.join(nenv.cni.confDir, 'badlist.conflist'));
  });

  it('everything deleted: no lease, netns/state dir, veth or iptables rule is left', () => {
    assertNothingLeft(nenv, baseline, 'the suite');
  });
});
