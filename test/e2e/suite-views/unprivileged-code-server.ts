// A second code-server run as nobody (setpriv), for the one check root cannot make: permission denied on
// containerd's socket. Root opens any socket, so only an unprivileged extension host sees EACCES.
// Same flags and settings as runner/code-server.ts; its own process group, killed on stop. Node 24 and code-server
// are staged (hard links) outside the checkout, which nobody may not be able to enter (a clone in root's home).
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { NOBODY, setprivArgs, stageForUser, type Staged } from '../../harness/unprivileged';
import { installExtension } from '../runner/run-ui';
import { loadToolchain, type Toolchain } from '../runner/toolchain';

export interface UnprivilegedServer { url: string; stop(): Promise<void> }

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

function chownTree(dir: string, uid: number): void {
  fs.chownSync(dir, uid, uid);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) chownTree(p, uid);
    else fs.lchownSync(p, uid, uid);
  }
}

/** Node 24 and code-server's whole node_modules (its dependencies are hoisted there), staged for nobody. */
function stageToolchain(tc: Toolchain): { staged: Staged; nodeBin: string; entry: string } {
  const modules = path.resolve(tc.codeServerEntry, '..', '..', '..', '..');
  if (path.basename(modules) !== 'node_modules') throw new Error(`${tc.codeServerEntry} is not inside a node_modules folder: run \`node scripts/e2e-setup.mjs\` again`);
  const staged = stageForUser([{ from: tc.nodeBin, as: 'node' }, { from: modules, as: 'node_modules' }], 'e2e-nobody-toolchain');
  return { staged, nodeBin: staged.path('node'), entry: staged.path('node_modules', path.relative(modules, tc.codeServerEntry)) };
}

export async function startUnprivilegedCodeServer(env: Record<string, string>, logFile: string): Promise<UnprivilegedServer> {
  const toolchain = stageToolchain(loadToolchain());
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ce-e2e-nobody-'));
  const dirs = { user: path.join(runDir, 'user-data'), ext: path.join(runDir, 'extensions'), ws: path.join(runDir, 'workspace'), xc: path.join(runDir, 'xdg-config'), xd: path.join(runDir, 'xdg-data') };
  for (const d of [path.join(dirs.user, 'User'), dirs.ext, dirs.ws, dirs.xc, dirs.xd]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(dirs.user, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true, 'extensions.autoUpdate': false, 'extensions.autoCheckUpdates': false,
    'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden',
  }));
  installExtension(dirs.ext);
  chownTree(runDir, NOBODY);
  const args = setprivArgs(toolchain.nodeBin, [toolchain.entry,
    '--bind-addr', '127.0.0.1:0', '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened', '--user-data-dir', dirs.user, '--extensions-dir', dirs.ext, dirs.ws]);
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VSCODE_') && k !== 'ELECTRON_RUN_AS_NODE'));
  const child = spawn('setpriv', args, {
    cwd: runDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...cleanEnv, ...env, HOME: runDir, EXTENSIONS_GALLERY: '{}', XDG_CONFIG_HOME: dirs.xc, XDG_DATA_HOME: dirs.xd },
  });
  const pgid = child.pid ?? 0;
  const log = fs.createWriteStream(logFile);
  let output = '';
  const onData = (b: Buffer): void => { if (!log.writableEnded) log.write(b); if (output.length < 64_000) output += b.toString(); };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const killGroup = (sig: NodeJS.Signals | 0): boolean => { try { process.kill(-pgid, sig); return true; } catch { return false; } };
  const onExit = (): void => { killGroup('SIGKILL'); };
  process.on('exit', onExit);
  const stop = async (): Promise<void> => {
    process.off('exit', onExit);
    killGroup('SIGTERM');
    for (let i = 0; i < 50 && killGroup(0); i++) await new Promise((r) => setTimeout(r, 100));
    killGroup('SIGKILL');
    await new Promise<void>((r) => log.end(r));
    fs.rmSync(runDir, { recursive: true, force: true });
    toolchain.staged.remove();
  };
  const deadline = Date.now() + 30_000;
  let port: number | undefined;
  while (Date.now() < deadline) {
    port ??= Number(/HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]) || undefined;
    if (port !== undefined && await healthy(port)) return { url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.ws)}`, stop };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`code-server as nobody did not start; output:\n${output.slice(-2000)}`);
}
