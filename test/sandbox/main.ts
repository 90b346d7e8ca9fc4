// `npm run sandbox` (scripts/sandbox.mjs builds, then runs this): a real VS Code with the extension connected to
// the host's containerd, or to a private one with sample content when none is reachable. Ctrl-C stops all of it.
// Flags: --smoke (or SANDBOX_EXIT_AFTER_READY=1): check the workbench and the connection in Chromium, then stop;
// --private: never use the host's containerd; --code-server: code-server even where a desktop `code` exists.
// SANDBOX_PRINT_STATE=1 prints a `SANDBOX_STATE {json}` line (pids, dirs, URL) as --smoke does, for tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../e2e/runner/toolchain';
import { chooseContainerd, type ContainerdTarget } from './containerd-target';
import { Interrupted, Lifecycle } from './lifecycle';
import { smokeCheck } from './smoke';
import { desktopCodeAvailable, openCodeServer, openDesktopCode, type OpenedVsCode } from './vscode';

interface Options { smoke: boolean; forcePrivate: boolean; codeServer: boolean }

const USAGE = 'usage: npm run sandbox [-- --smoke] [--private] [--code-server]';

function parseArgs(argv: string[]): Options {
  const known = new Set(['--smoke', '--private', '--code-server']);
  const unknown = argv.filter((a) => !known.has(a));
  if (unknown.length) throw new Error(`unknown argument ${unknown.join(' ')}\n${USAGE}`);
  return {
    smoke: argv.includes('--smoke') || process.env.SANDBOX_EXIT_AFTER_READY === '1',
    forcePrivate: argv.includes('--private'),
    codeServer: argv.includes('--code-server'),
  };
}

const log = (line: string): void => console.log(`sandbox: ${line}`);

function describe(target: ContainerdTarget, vscode: OpenedVsCode): string[] {
  const lines: string[] = [];
  const { daemon, registry, samples } = target;
  if (target.mode === 'host' || !daemon) {
    lines.push(`containerd  ${target.version} at ${target.address} (the host's, found via ${target.source}; left as it is)`);
  } else {
    lines.push(`containerd  ${target.version}, private: pid ${daemon.pid}, socket ${target.address}, state in ${daemon.dir}`);
  }
  if (registry) lines.push(`registry    docker-registry pid ${registry.pid} at ${registry.url}`);
  if (samples && daemon) {
    lines.push(`samples     image ${samples.image} in namespace default; containers ${samples.running} (running), ${samples.idle} (created)`);
    lines.push(`            not pulled yet, for Pull Image…: ${samples.pullable}`);
    lines.push(`try         ctr --address ${daemon.address} run -d --null-io --runc-root ${path.join(daemon.dir, 'runc')} ${samples.image} demo sleep 600`);
    lines.push('            (the views follow containerd\'s events: the new container shows up at once)');
  }
  if (vscode.kind === 'code-server') {
    lines.push(`VS Code     code-server, process group ${vscode.pgid}; open in a browser:`);
    lines.push(`            ${vscode.url}`);
    const port = new URL(vscode.url ?? 'http://127.0.0.1').port;
    lines.push(`            (from another machine: ssh -L ${port}:127.0.0.1:${port} <this host>, then the same URL)`);
  } else {
    lines.push(`VS Code     desktop window, process group ${vscode.pgid}, with the extension under development from ${projectRoot}`);
  }
  lines.push('            then open the Containerd entry in the activity bar.');
  return lines;
}

async function run(opts: Options, life: Lifecycle): Promise<void> {
  const artifactsDir = path.join(projectRoot, 'test-artifacts', 'sandbox');
  fs.rmSync(artifactsDir, { recursive: true, force: true });
  fs.mkdirSync(artifactsDir, { recursive: true });

  const target = await chooseContainerd({ forcePrivate: opts.forcePrivate }, life, log);
  life.checkpoint();
  const env = { CONTAINERD_ADDRESS: target.address };
  // Containers created from the UI keep runc's state in the private daemon's dir too (removed with it).
  const settings = target.daemon ? { 'containerd.runcRoot': path.join(target.daemon.dir, 'runc') } : {};
  const desktop = opts.smoke || opts.codeServer ? undefined : desktopCodeAvailable();
  const vscode = desktop ? await openDesktopCode(desktop, env, settings, life) : await openCodeServer(env, settings, artifactsDir, life);
  life.checkpoint();

  console.log('');
  for (const line of describe(target, vscode)) console.log(`  ${line}`);
  console.log('');
  if (opts.smoke || process.env.SANDBOX_PRINT_STATE === '1') {
    // For the test that runs the sandbox: what it must find gone afterwards.
    console.log(`SANDBOX_STATE ${JSON.stringify({
      mode: target.mode, address: target.address, daemonPid: target.daemon?.pid, daemonDir: target.daemon?.dir,
      registryPid: target.registry?.pid, registryDir: target.registry?.dir, registryUrl: target.registry?.url,
      vscode: vscode.kind, url: vscode.url, pgid: vscode.pgid, runDir: vscode.runDir,
    })}`);
  }
  if (opts.smoke) {
    const rows = target.samples ? [target.samples.running, target.samples.idle, target.samples.image] : [];
    await smokeCheck(vscode.url ?? '', { rows }, artifactsDir, life, log);
    log(`smoke check passed (screenshot: ${path.relative(projectRoot, path.join(artifactsDir, 'sandbox.png'))})`);
    return;
  }
  log('ready. Press Ctrl-C to stop everything the sandbox started.');
  const reason = await life.stopRequested;
  log(`${reason}: stopping…`);
}

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 2;
  }
  const life = new Lifecycle(log);
  life.install(process.env.SANDBOX_PARENT_PIPE === '1');
  let code = 0;
  try {
    await run(opts, life);
  } catch (e) {
    if (e instanceof Interrupted) {
      log(`${e.message}: stopping…`);
    } else {
      console.error(`sandbox: failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      code = 1;
    }
  }
  await life.stopAll();
  log(code === 0 ? 'everything stopped.' : 'everything stopped (after a failure).');
  return code;
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(`sandbox: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  process.exit(1);
});
