// The client as an npm package: `npm pack` in packages/containerd-client/ yields a tarball that an empty Node project
// installs offline (no dependencies left to download) and uses: its examples run against the private daemon, and a
// TypeScript consumer type-checks under --strict against the shipped declarations. Nothing but what runs is packed.
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { connect } from '@containerd-explorer/client';
import { sharedDaemon, type Daemon } from '../harness';
import { uniqueId } from '../harness/client-setup';

const execFileP = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');
const PKG = path.join(ROOT, 'packages', 'containerd-client');
const TSC = require.resolve('typescript/bin/tsc');

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await execFileP('npm', args, { cwd, timeout: 300_000, maxBuffer: 16 << 20, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return stdout;
}

describe('client: the npm package, packed and installed in a plain Node project', function () {
  let daemon: Daemon;
  let work: string;
  let consumer: string;
  let packed: string[];

  before(async function () {
    this.timeout(600_000);
    daemon = await sharedDaemon();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ce-client-pkg-'));
    // prepack builds protos, the bundle and the declarations first.
    const out = await npm(['pack', '--json', '--pack-destination', work], PKG);
    // The build's own lines come first on stdout; npm's JSON report starts at a line holding only "[".
    const [info] = JSON.parse(out.slice(out.search(/^\[$/m))) as [{ filename: string; files: { path: string }[] }];
    packed = info.files.map((f) => f.path).sort();
    consumer = path.join(work, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
    await npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(work, info.filename)], consumer);
    for (const f of ['list.mjs', 'events.mjs', 'typed.ts']) fs.copyFileSync(path.join(PKG, 'examples', f), path.join(consumer, f));
  });

  after(() => { if (work) fs.rmSync(work, { recursive: true, force: true }); });

  it('packs the entry point, the bundle and its code cache, the declarations, README, LICENSE and package.json, and nothing else', () => {
    for (const f of ['dist/index.js', 'dist/client.js', 'dist/client.cache', 'dist/types/index.d.ts']) assert.ok(packed.includes(f), `${f} in ${packed.join('\n')}`);
    assert.ok(packed.includes('README.md') && packed.includes('LICENSE') && packed.includes('package.json'));
    const stray = packed.filter((f) => !/^(dist\/(index|client)\.js|dist\/client\.cache|dist\/types\/.+\.d\.ts|README\.md|LICENSE|package\.json)$/.test(f));
    assert.deepEqual(stray, []);
    // Installed with no dependencies: everything it needs is in the bundle.
    assert.deepEqual(fs.readdirSync(path.join(consumer, 'node_modules')).sort(), ['.package-lock.json', '@containerd-explorer']);
  });

  it('examples/list.mjs lists the daemon, its namespaces and a namespace\'s images', async function () {
    this.timeout(60_000);
    const ns = uniqueId('pkg');
    const client = await connect({ address: daemon.address, namespace: ns });
    try {
      await client.namespaces.create(ns, { from: 'package-test' });
      const { stdout } = await execFileP(process.execPath, ['list.mjs', daemon.address, ns], { cwd: consumer });
      const lines = stdout.trimEnd().split('\n');
      assert.equal(lines[0], `containerd ${client.daemonVersion?.version} (revision ${client.daemonVersion?.revision})`);
      assert.ok(lines.includes(`namespace ${ns} {"from":"package-test"}`), stdout);
    } finally {
      await client.namespaces.delete(ns).catch(() => undefined);
      client.close();
    }
  });

  it('examples/events.mjs prints the events a namespace\'s creation and deletion send', async function () {
    this.timeout(60_000);
    const ns = uniqueId('pkgev');
    const child = spawn(process.execPath, ['events.mjs', daemon.address, '2'], { cwd: consumer });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (!out.includes('subscribed')) await new Promise((r) => setTimeout(r, 20));
    const client = await connect({ address: daemon.address, namespace: ns });
    try {
      // Subscribing is asynchronous past the first line: repeat until the child has seen two events (or exits).
      for (let i = 0; i < 50 && child.exitCode === null; i++) {
        await client.namespaces.create(`${ns}-${i}`, {});
        await client.namespaces.delete(`${ns}-${i}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(await exited, 0);
      // Each line: the event's namespace (1.6: the one the call was made in; 2.x: the namespace created), the topic,
      // the payload.
      assert.match(out, new RegExp(`^${ns}(-\\d+)? /namespaces/create \\{"labels":\\{\\},"name":"${ns}-\\d+"\\}$`, 'm'));
    } finally {
      child.kill();
      client.close();
    }
  });

  it('examples/typed.ts type-checks under --strict against the shipped declarations and runs', async function () {
    this.timeout(120_000);
    await execFileP(process.execPath, [TSC, '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022',
      '--types', 'node', '--typeRoots', path.join(ROOT, 'node_modules', '@types'), '--skipLibCheck', 'false', 'typed.ts'], { cwd: consumer });
    const { stdout } = await execFileP(process.execPath, ['typed.js', daemon.address], { cwd: consumer });
    // First line: the namespaces (the shared daemon may have none yet); then the typed NotFoundError.
    assert.match(stdout, /^.*\nnot found: images\.get "no-such-image:latest": /);
  });

  it('a type error in a consumer is caught by those declarations', async function () {
    this.timeout(120_000);
    fs.writeFileSync(path.join(consumer, 'wrong.ts'), "import { connect } from '@containerd-explorer/client';\nvoid connect({ adress: '/x' });\n");
    const r = await execFileP(process.execPath, [TSC, '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--noEmit',
      '--types', 'node', '--typeRoots', path.join(ROOT, 'node_modules', '@types'), 'wrong.ts'], { cwd: consumer }).then(() => '', (e: { stdout?: string }) => e.stdout ?? '');
    assert.match(r, /'adress' does not exist in type 'ConnectOptions'/);
  });
});
