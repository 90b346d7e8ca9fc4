// A private OCI registry for tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1:<free port>,
// filesystem storage in a temp dir, deletes enabled, optional htpasswd (basic) auth.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onExitCleanup } from './exit-cleanup';
import { freePort, isAlive, killQuietly, tail, waitFor } from './processes';

export interface StartRegistryOptions {
  /** user -> password; turns on basic auth for every request. */
  htpasswd?: Record<string, string>;
  readyTimeoutMs?: number;
}

export interface Registry {
  /** `127.0.0.1:PORT`, the registry part of image references. */
  readonly host: string;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly pid: number;
  log(): string;
  /** Idempotent. */
  stop(): Promise<void>;
}

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A bcrypt hash (what distribution's htpasswd accepts), made by libcrypt through perl's crypt(). */
export function bcryptHash(password: string): string {
  const bytes = randomBytes(22);
  // The 22nd salt character carries only 2 bits: it must be one of these four.
  const salt = [...bytes.subarray(0, 21)].map((b) => BCRYPT_ALPHABET[b % 64]).join('') + '.Oeu'[bytes[21] % 4];
  const hash = execFileSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, `$2b$05$${salt}`], { encoding: 'utf8' });
  if (!hash.startsWith('$2b$05$')) throw new Error(`libcrypt did not produce a bcrypt hash: ${hash}`);
  return hash;
}

function configJson(dir: string, port: number, opts: StartRegistryOptions): string {
  // JSON is YAML: no YAML writer needed.
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'info', accesslog: { disabled: false } },
    storage: {
      filesystem: { rootdirectory: path.join(dir, 'data') },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
  };
  if (opts.htpasswd) config.auth = { htpasswd: { realm: 'test-registry', path: path.join(dir, 'htpasswd') } };
  return JSON.stringify(config, null, 2);
}

class DockerRegistry implements Registry {
  private child: ChildProcess | undefined;
  private stopping: Promise<void> | undefined;
  private unregister: () => void = () => undefined;
  port = 0;

  constructor(readonly dir: string) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `http://${this.host}`;
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  get logPath(): string {
    return path.join(this.dir, 'registry.log');
  }

  log(): string {
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  async start(opts: StartRegistryOptions): Promise<void> {
    if (opts.htpasswd) {
      const lines = Object.entries(opts.htpasswd).map(([user, pw]) => `${user}:${bcryptHash(pw)}\n`);
      fs.writeFileSync(path.join(this.dir, 'htpasswd'), lines.join(''));
    }
    // The free port may be taken again before the registry binds it: retry on a fresh one.
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort();
      const configPath = path.join(this.dir, 'config.yml');
      fs.writeFileSync(configPath, configJson(this.dir, this.port, opts));
      const logFd = fs.openSync(this.logPath, 'a');
      const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', 'docker-registry', 'serve', configPath], { stdio: ['ignore', logFd, logFd] });
      fs.closeSync(logFd);
      child.on('error', () => undefined);
      this.child = child;
      let exited = false;
      child.once('exit', () => { exited = true; });
      const ready = await waitFor(async () => exited || (await fetch(`${this.url}/v2/`).then(() => true, () => false)),
        opts.readyTimeoutMs ?? 30_000, 100);
      if (ready && !exited) return;
      await this.stopProcess();
      if (!(exited && /address already in use/.test(this.log()) && attempt < 3)) {
        throw new Error(`docker-registry ${exited ? 'exited' : 'did not answer'}; log tail:\n${tail(this.log())}`);
      }
    }
  }

  private async stopProcess(): Promise<void> {
    const pid = this.pid;
    if (!pid || !isAlive(pid)) return;
    killQuietly(pid, 'SIGTERM');
    if (!(await waitFor(() => !isAlive(pid), 10_000, 50))) {
      killQuietly(pid, 'SIGKILL');
      await waitFor(() => !isAlive(pid), 5000);
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.stopProcess();
      fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
      this.unregister();
    })();
    return this.stopping;
  }

  registerExitCleanup(): void {
    this.unregister = onExitCleanup(() => {
      if (this.pid) killQuietly(this.pid, 'SIGKILL');
      fs.rmSync(this.dir, { recursive: true, force: true });
    });
  }
}

export async function startRegistry(opts: StartRegistryOptions = {}): Promise<Registry> {
  const registry = new DockerRegistry(fs.mkdtempSync(path.join(os.tmpdir(), 'registry-test-')));
  registry.registerExitCleanup();
  try {
    await registry.start(opts);
  } catch (err) {
    await registry.stop().catch(() => undefined);
    throw err;
  }
  return registry;
}
