// A real VS Code with the extension, connected to the chosen containerd: code-server on 127.0.0.1 (the extension
// installed as a .vsix would lay it out, as the UI tests do), or a desktop `code --extensionDevelopmentPath` where
// one is installed and a display exists. Either runs in its own process group and is stopped with it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCodeServer } from '../e2e/runner/code-server';
import { installExtension } from '../e2e/runner/run-ui';
import { makeScratchDir, projectRoot, removeScratchDir } from '../e2e/runner/toolchain';
import { listProcesses } from '../harness';
import type { Lifecycle } from './lifecycle';

export interface OpenedVsCode {
  kind: 'code-server' | 'desktop';
  /** code-server: the workbench URL to open. */
  url?: string;
  /** Process group of code-server or of the desktop `code`. */
  pgid: number;
  /** Scratch dir holding user data, extensions and the workspace folder (removed at stop). */
  runDir: string;
  workspaceFolder: string;
}

const WELCOME = `# Containerd Explorer sandbox

Open the **Containerd** entry in the activity bar (the containerd logo on the left).

- **Namespaces**: click one to switch the other views to it.
- **Images**, **Containers**, **Tasks**: right-click an entry for its actions; hover for details.
- Try \`ctr\` in a terminal (the sandbox prints the exact command): the views follow containerd's events.
`;

function prepareWorkspace(runDir: string): string {
  const ws = path.join(runDir, 'workspace');
  fs.mkdirSync(ws, { recursive: true });
  fs.writeFileSync(path.join(ws, 'SANDBOX.md'), WELCOME);
  return ws;
}

function pgidOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return 0;
  }
}

/** True where a desktop VS Code can open a window: `code` on PATH and a display. */
export function desktopCodeAvailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const bin = path.join(dir, 'code');
    try {
      fs.accessSync(bin, fs.constants.X_OK);
      return bin;
    } catch {
      // Not in this PATH entry.
    }
  }
  return undefined;
}

export async function openCodeServer(env: Record<string, string>, settings: Record<string, unknown>, artifactsDir: string, life: Lifecycle): Promise<OpenedVsCode> {
  const runDir = makeScratchDir('sandbox');
  life.add(`scratch dir ${runDir}`, async () => removeScratchDir(runDir));
  const workspaceFolder = prepareWorkspace(runDir);
  // VS Code puts its IPC sockets (extension host, terminals, git) in XDG_RUNTIME_DIR or the temp dir: keep them in
  // the scratch dir, so that they go with it even when a process dies before removing its own.
  const tmp = path.join(runDir, 'tmp');
  fs.mkdirSync(tmp, { mode: 0o700 });
  const serverEnv = { ...env, TMPDIR: tmp, XDG_RUNTIME_DIR: tmp };
  const server = await startCodeServer({ runDir, workspaceFolder, artifactsDir, env: serverEnv, settings, beforeStart: installExtension });
  // code-server leads its own process group (setsid); find its pid by the user-data dir on its command line.
  const userData = path.join(runDir, 'user-data');
  const leader = listProcesses().find((p) => p.argv.includes(userData) && p.pid === pgidOf(p.pid));
  life.add(`code-server (${server.url})`, () => server.stop());
  return { kind: 'code-server', url: server.url, pgid: leader?.pid ?? 0, runDir, workspaceFolder };
}

/** Desktop VS Code in a private user-data dir, so it is a new instance that ends when its window closes. */
export async function openDesktopCode(codeBin: string, env: Record<string, string>, settings: Record<string, unknown>, life: Lifecycle): Promise<OpenedVsCode> {
  const runDir = makeScratchDir('sandbox-desktop');
  life.add(`scratch dir ${runDir}`, async () => removeScratchDir(runDir));
  const workspaceFolder = prepareWorkspace(runDir);
  fs.mkdirSync(path.join(runDir, 'user-data', 'User'), { recursive: true });
  fs.writeFileSync(path.join(runDir, 'user-data', 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const args = ['--new-window', '--wait', `--user-data-dir=${path.join(runDir, 'user-data')}`,
    `--extensions-dir=${path.join(runDir, 'extensions')}`, `--extensionDevelopmentPath=${projectRoot}`, workspaceFolder];
  // Electron refuses to run as root without its sandbox turned off.
  if (process.getuid?.() === 0) args.unshift('--no-sandbox');
  const child = spawn(codeBin, args, { detached: true, stdio: 'ignore', env: { ...process.env, ...env } });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${codeBin}`);
  child.on('exit', () => life.requestStop('the VS Code window was closed'));
  life.add(`VS Code (${codeBin}, process group ${pgid})`, async () => {
    try { process.kill(-pgid, 'SIGTERM'); } catch { /* already gone */ }
    for (let i = 0; i < 50; i++) {
      try { process.kill(-pgid, 0); } catch { return; }
      await new Promise((r) => setTimeout(r, 100));
    }
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
  });
  return { kind: 'desktop', pgid, runDir, workspaceFolder };
}
