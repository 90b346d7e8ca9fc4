// A private, real containerd for tests: its own temp dir, config, socket, root and state.
// Never touches /run/containerd (containerd 1.6's shims keep their sockets under /run/containerd/s/ by themselves).
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContainerdFlavour, containerdFlavour, daemonEnv } from './containerd-versions';
import { onExitCleanup } from './exit-cleanup';
import { isAlive, killQuietly, killShims, readArgv, tail, unmountAll, unmountAllSync, waitFor } from './processes';
import { DAEMON_DIR_PREFIX, sweepStaleDaemons } from './stale-daemons';

export interface StartContainerdOptions {
  /** Goes into the temp dir name (`ctrd-test-<name>-XXXXXX`) to tell daemons apart. */
  name?: string;
  /** `[grpc] uid/gid`: owner of the socket, for permission tests. */
  grpcUid?: number;
  grpcGid?: number;
  /** How long to wait for the daemon to answer (default 30 s). */
  readyTimeoutMs?: number;
  /** Appended verbatim to config.toml. */
  extraConfig?: string;
  /** Which containerd (default: CONTAINERD_TEST_VERSION, else the system's 1.6). */
  flavour?: ContainerdFlavour;
}

export interface CtrOptions {
  /** `-n <namespace>`; ctr's default (`default`) otherwise. */
  namespace?: string;
  /** Written to ctr's stdin. */
  input?: string | Buffer;
  /** Kill ctr after this long (default 120 s). */
  timeoutMs?: number;
}

export interface CtrResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface Daemon {
  /** Socket path (for grpc-js: `unix://${address}`). */
  readonly address: string;
  readonly dir: string;
  readonly root: string;
  readonly state: string;
  readonly configPath: string;
  readonly logPath: string;
  /** PID of the current containerd process (changes on restart). */
  readonly pid: number;
  /** Which containerd this is (1.6 = the system's), and its `ctr version` server version (e.g. `2.1.9+unknown`). */
  readonly flavour: ContainerdFlavour;
  readonly serverVersion: string;
  log(): string;
  /** Stops tasks, containerd and leftover shims, unmounts and removes the dir. Idempotent. */
  stop(): Promise<void>;
  /** Stops containerd only (tasks, root and state stay) and starts it again on the same paths. */
  restart(): Promise<void>;
  /** Runs `ctr --address <sock> …args`; never throws for a non-zero exit: check `code`. */
  ctr(args: string[], opts?: CtrOptions): Promise<CtrResult>;
}

export { DAEMON_DIR_PREFIX };

const loggedVersions = new Set<string>();
/** Says once per process which containerd the tests run against (stderr: mocha's summary parsing stays clean). */
function logDaemonVersion(flavour: ContainerdFlavour, version: string): void {
  const line = `[harness] containerd ${version || '(unknown version)'} (${flavour.binDir ? flavour.containerd : 'system containerd'})`;
  if (loggedVersions.has(line)) return;
  loggedVersions.add(line);
  process.stderr.write(`${line}\n`);
}
const STOP_TIMEOUT_MS = 10_000;

function configToml(dir: string, opts: StartContainerdOptions, flavour: ContainerdFlavour): string {
  const q = (s: string): string => JSON.stringify(s);
  return [
    `version = ${flavour.configVersion}`,
    `root = ${q(path.join(dir, 'root'))}`,
    `state = ${q(path.join(dir, 'state'))}`,
    // CRI needs CNI and slows startup (see containerd-versions.ts). (The v1 runtime stays: 1.6's Tasks service requires it.)
    `disabled_plugins = ${JSON.stringify(flavour.disabledPlugins)}`,
    '',
    '[grpc]',
    `  address = ${q(path.join(dir, 'containerd.sock'))}`,
    `  uid = ${opts.grpcUid ?? 0}`,
    `  gid = ${opts.grpcGid ?? 0}`,
    '',
    '[ttrpc]',
    `  address = ${q(path.join(dir, 'containerd.sock.ttrpc'))}`,
    '',
    '[debug]',
    '  address = ""',
    '  level = "info"',
    '',
    '[metrics]',
    '  address = ""',
    '',
    // 2.x has no v1 runtime.
    ...(flavour.configVersion === 2 ? ['[plugins."io.containerd.runtime.v1.linux"]', `  runtime_root = ${q(path.join(dir, 'runtime-v1'))}`, ''] : []),
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${q(path.join(dir, 'opt'))}`,
    '',
    opts.extraConfig ?? '',
  ].join('\n');
}

/** `ctr` of the selected version (CONTAINERD_TEST_VERSION), so fixtures speak the daemon's own dialect. */
export function runCtr(address: string, args: string[], opts: CtrOptions = {}, ctr = containerdFlavour().ctr): Promise<CtrResult> {
  const argv = ['--address', address, ...(opts.namespace ? ['--namespace', opts.namespace] : []), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(ctr, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code: code ?? (signal ? 128 : 1) });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input);
  });
}

class ContainerdDaemon implements Daemon {
  readonly address: string;
  readonly root: string;
  readonly state: string;
  readonly configPath: string;
  readonly logPath: string;
  private child: ChildProcess | undefined;
  private currentPid = 0;
  private version = '';
  private stopping: Promise<void> | undefined;
  private unregister: () => void = () => undefined;

  constructor(readonly dir: string, private readonly opts: StartContainerdOptions, readonly flavour: ContainerdFlavour) {
    this.address = path.join(dir, 'containerd.sock');
    this.root = path.join(dir, 'root');
    this.state = path.join(dir, 'state');
    this.configPath = path.join(dir, 'config.toml');
    this.logPath = path.join(dir, 'containerd.log');
  }

  get pid(): number {
    return this.currentPid;
  }

  get serverVersion(): string {
    return this.version;
  }

  log(): string {
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  ctr(args: string[], opts?: CtrOptions): Promise<CtrResult> {
    return runCtr(this.address, args, opts, this.flavour.ctr);
  }

  async start(): Promise<void> {
    const logFd = fs.openSync(this.logPath, 'a');
    // setpriv --pdeathsig: containerd dies with the test process even if that one is SIGKILLed.
    const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', this.flavour.containerd, '--config', this.configPath,
      '--address', this.address, '--root', this.root, '--state', this.state],
    { stdio: ['ignore', logFd, logFd], env: daemonEnv(this.flavour) });
    fs.closeSync(logFd);
    this.child = child;
    this.currentPid = child.pid ?? 0;
    let exited: string | undefined;
    child.once('error', (err) => { exited = err.message; });
    child.once('exit', (code, signal) => { exited = `exited with ${code ?? signal}`; });
    this.writeOwner();
    let versionOut = '';
    const ready = await waitFor(async () => {
      if (exited !== undefined) return true;
      if (!fs.existsSync(this.address)) return false;
      const r = await this.ctr(['version'], { timeoutMs: 5000 });
      versionOut = r.stdout;
      return r.code === 0;
    }, this.opts.readyTimeoutMs ?? 30_000, 100);
    if (!ready || exited !== undefined) {
      throw new Error(`containerd ${exited ?? 'did not answer in time'}; log tail:\n${tail(this.log())}`);
    }
    // `ctr version` prints Client then Server blocks; the second `Version:` line is the daemon's.
    this.version = [...versionOut.matchAll(/^\s*Version:\s*(\S+)/gm)][1]?.[1] ?? '';
    logDaemonVersion(this.flavour, this.version);
  }

  /** Lets a later test run clean up after this one if it dies without running any cleanup. */
  private writeOwner(): void {
    fs.writeFileSync(path.join(this.dir, 'owner.json'), JSON.stringify({ ownerPid: process.pid, daemonPid: this.currentPid, address: this.address }));
  }

  private async stopProcess(): Promise<void> {
    const pid = this.currentPid;
    if (!pid || !isAlive(pid)) return;
    const child = this.child;
    const exited = child && child.exitCode === null && child.signalCode === null
      ? new Promise<void>((resolve) => child.once('exit', () => resolve()))
      : Promise.resolve();
    killQuietly(pid, 'SIGTERM');
    const gone = await Promise.race([exited.then(() => true), waitFor(() => !isAlive(pid), STOP_TIMEOUT_MS, 100)]);
    if (!gone || isAlive(pid)) {
      killQuietly(pid, 'SIGKILL');
      await waitFor(() => !isAlive(pid), 5000);
    }
  }

  /** Kills and deletes every task through containerd, so shims exit and clean up after themselves. */
  private async deleteTasks(): Promise<void> {
    if (!this.currentPid || !isAlive(this.currentPid)) return;
    const ns = await this.ctr(['namespaces', 'ls', '-q'], { timeoutMs: 5000 });
    if (ns.code !== 0) return;
    await Promise.all(ns.stdout.split('\n').filter(Boolean).map(async (namespace) => {
      const tasks = await this.ctr(['tasks', 'ls', '-q'], { namespace, timeoutMs: 5000 });
      if (tasks.code !== 0) return;
      await Promise.all(tasks.stdout.split('\n').filter(Boolean).map((id) =>
        this.ctr(['tasks', 'rm', '-f', id], { namespace, timeoutMs: 10_000 })));
    }));
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.deleteTasks().catch(() => undefined);
      await this.stopProcess();
      const killed = killShims(this.address);
      await waitFor(() => killed.every((pid) => !isAlive(pid)), 5000);
      await unmountAll(this.dir);
      fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
      this.unregister();
    })();
    return this.stopping;
  }

  async restart(): Promise<void> {
    if (this.stopping) throw new Error('restart() after stop()');
    await this.stopProcess();
    await this.start();
  }

  registerExitCleanup(): void {
    this.unregister = onExitCleanup(() => {
      if (this.currentPid && readArgv(this.currentPid).includes(this.address)) killQuietly(this.currentPid, 'SIGKILL');
      killShims(this.address);
      unmountAllSync(this.dir);
      fs.rmSync(this.dir, { recursive: true, force: true });
    });
  }
}

export async function startContainerd(opts: StartContainerdOptions = {}): Promise<Daemon> {
  await sweepStaleDaemons().catch(() => undefined);
  const safeName = (opts.name ?? '').replace(/[^A-Za-z0-9_.-]/g, '_');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${DAEMON_DIR_PREFIX}${safeName ? `${safeName}-` : ''}`));
  // Traversable by others so a non-root user in the socket's group can reach it (permission tests).
  fs.chmodSync(dir, 0o711);
  const flavour = opts.flavour ?? containerdFlavour();
  const daemon = new ContainerdDaemon(dir, opts, flavour);
  fs.writeFileSync(daemon.configPath, configToml(dir, opts, flavour));
  daemon.registerExitCleanup();
  try {
    await daemon.start();
  } catch (err) {
    const log = daemon.log();
    await daemon.stop().catch(() => undefined);
    if (err instanceof Error && !err.message.includes('log tail')) err.message += `\nlog tail:\n${tail(log)}`;
    throw err;
  }
  return daemon;
}
