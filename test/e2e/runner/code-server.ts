// Starts and stops one private code-server (real VS Code 1.139) for an e2e run.
// It runs in its own process group so that stop() also ends the extension host and its children.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { loadToolchain } from './toolchain';

export interface CodeServerOptions {
  /** Absolute scratch folder owned by this run: user data, extensions, XDG dirs live here. */
  runDir: string;
  /** Folder the workbench opens. */
  workspaceFolder: string;
  /** Where code-server's own output and, at stop, VS Code's logs are written. */
  artifactsDir: string;
  /** Extra environment; the extension host inherits it (e.g. CONTAINERD_ADDRESS of a private daemon). */
  env?: Record<string, string>;
  /** Needed by the in-host runner: without it the workbench ignores the test payload. */
  smokeTestDriver?: boolean;
  /** Merged over the defaults written to User/settings.json. */
  settings?: Record<string, unknown>;
  /** Called with the (empty) extensions dir before the server starts, e.g. to install an extension. */
  beforeStart?: (extensionsDir: string) => void;
}

export interface CodeServer {
  port: number;
  /** host:port, the remote authority of vscode-remote:// URIs. */
  authority: string;
  /** Workbench URL with the folder opened. */
  url: string;
  userDataDir: string;
  extensionsDir: string;
  stop(): Promise<void>;
}

const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  // Otherwise an agent host starts a bundled binary.
  'chat.disableAIFeatures': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  // Keeps screenshots to the parts under test (it would open the chat side bar).
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

// Process groups still running; killed on exit so an aborted run leaves no server behind.
const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
});

/** Signal 0 only probes whether the group still exists. */
function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

/** The parent's env minus what would make code-server talk to an enclosing VS Code. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('VSCODE_') && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
  }
  return env;
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const tc = loadToolchain();
  for (const p of [opts.runDir, opts.workspaceFolder, opts.artifactsDir]) {
    if (!path.isAbsolute(p)) throw new Error(`code-server needs absolute paths, got ${p}`);
  }
  const userDataDir = path.join(opts.runDir, 'user-data');
  const extensionsDir = path.join(opts.runDir, 'extensions');
  const xdgConfig = path.join(opts.runDir, 'xdg-config');
  const xdgData = path.join(opts.runDir, 'xdg-data');
  for (const d of [path.join(userDataDir, 'User'), extensionsDir, xdgConfig, xdgData, opts.artifactsDir]) {
    fs.mkdirSync(d, { recursive: true });
  }
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.settings }, null, 2));
  // The window is remote-shaped (extension host on the server): machine-scoped settings are read from the
  // server's Machine settings only, so the fixture's settings go there too.
  if (opts.settings) {
    fs.mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(opts.settings, null, 2));
  }
  opts.beforeStart?.(extensionsDir);

  const args = [tc.codeServerEntry,
    '--bind-addr', '127.0.0.1:0', // port 0: the kernel picks a free one, code-server prints it
    '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  if (opts.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(opts.workspaceFolder);

  const logFile = path.join(opts.artifactsDir, 'code-server.log');
  const log = fs.createWriteStream(logFile);
  const child = spawn(tc.nodeBin, args, {
    cwd: opts.runDir,
    detached: true, // setsid: a process group of its own
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...baseEnv(), ...opts.env,
      EXTENSIONS_GALLERY: '{}', XDG_CONFIG_HOME: xdgConfig, XDG_DATA_HOME: xdgData,
    },
  });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${tc.nodeBin}`);
  liveGroups.add(pgid);

  let output = '';
  let exited: string | undefined;
  const onData = (chunk: Buffer): void => {
    if (!log.writableEnded) log.write(chunk); // pipes may still drain after stop() closed the log
    if (output.length < 64_000) output += chunk.toString();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.on('exit', (code, signal) => { exited = `exit ${code ?? signal}`; });

  const stop = async (): Promise<void> => {
    if (liveGroups.delete(pgid)) {
      killGroup(pgid, 'SIGTERM');
      const deadline = Date.now() + STOP_GRACE_MS;
      while (killGroup(pgid, 0) && Date.now() < deadline) await sleep(100);
      killGroup(pgid, 'SIGKILL');
    }
    await new Promise<void>((r) => log.end(r));
    // VS Code's own logs (extension host, remote agent) help most when a run fails.
    const vscodeLogs = path.join(userDataDir, 'logs');
    if (fs.existsSync(vscodeLogs)) fs.cpSync(vscodeLogs, path.join(opts.artifactsDir, 'vscode-logs'), { recursive: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  let port: number | undefined;
  let ready = false;
  while (!ready && !exited && Date.now() < deadline) {
    port ??= Number(/HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]) || undefined;
    ready = port !== undefined && await healthy(port);
    if (!ready) await sleep(100);
  }
  if (!ready || port === undefined) {
    await stop();
    throw new Error(`code-server did not become healthy (${exited ?? 'timeout'}); log ${logFile}:\n${output.slice(-3000)}`);
  }
  const authority = `127.0.0.1:${port}`;
  return {
    port, authority, userDataDir, extensionsDir, stop,
    url: `http://${authority}/?folder=${encodeURIComponent(opts.workspaceFolder)}`,
  };
}
