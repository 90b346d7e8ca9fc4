// Shared setup of the networking tests (scripts/in-netns.sh runs them in a network namespace of their own): the
// guard that refuses the host's network namespace, CNI dirs under a temp dir, a network on a subnet of our own, and
// what the network side could leave behind (IPAM leases, netns/state dirs, veths, iptables rules) to compare.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { network } from '../../packages/containerd-client/src';
import { removeContainerNetworkState } from '../../packages/containerd-client/src/network/container-network';
import { listStateDirs } from '../../packages/containerd-client/src/network/state';
import type { CniOptions } from '../../packages/containerd-client/src/run';

/**
 * Throws unless this process runs in a network namespace other than the one scripts/in-netns.sh started from
 * (TEST_PARENT_NETNS) and other than init's (when /proc/1 is readable): never the machine's own network.
 */
export function assertPrivateNetns(): void {
  const ours = fs.readlinkSync('/proc/self/ns/net');
  const how = 'networking tests must run in a network namespace of their own: run them through scripts/in-netns.sh, never against this machine\'s network';
  const parent = process.env.TEST_PARENT_NETNS;
  if (!parent || parent === ours) throw new Error(how);
  let init: string | undefined;
  try { init = fs.readlinkSync('/proc/1/ns/net'); } catch { /* hidden from us (no CAP_SYS_PTRACE): the parent check stands */ }
  if (init === ours) throw new Error(how);
}

export interface NetEnv {
  tmp: string;
  cni: Required<Omit<CniOptions, 'ipamDataDir'>> & { ipamDataDir: string };
}

export const BIN_DIRS = ['/usr/lib/cni', '/opt/cni/bin'];

export function netEnv(prefix: string): NetEnv {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const cni = { confDir: path.join(tmp, 'net.d'), binDirs: BIN_DIRS, stateDir: path.join(tmp, 'state'), ipamDataDir: path.join(tmp, 'ipam') };
  fs.mkdirSync(cni.confDir);
  return { tmp, cni };
}

/** A bridge network in nerdctl's format on `subnet`, its leases under the test's IPAM dir. */
export function makeNetwork(env: NetEnv, name: string, subnet: string): Promise<network.CniNetwork> {
  return network.createNetwork(env.cni.confDir, env.cni.binDirs, { name, subnet, ipamDataDir: env.cni.ipamDataDir });
}

/** IPAM lease files (host-local writes one file per address) under the test's IPAM dir. */
export function leases(env: NetEnv): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (/^[\d.]+$|:/.test(e.name)) out.push(path.join(path.relative(env.cni.ipamDataDir, d), e.name));
    }
  };
  walk(env.cni.ipamDataDir);
  return out.sort();
}

/** A tool's absolute path (so a test that narrows PATH still inspects with it). */
function tool(name: string): string {
  return ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].map((d) => path.join(d, name)).find((f) => fs.existsSync(f)) ?? name;
}
const IPTABLES_SAVE = tool('iptables-save');
const IP = tool('ip');

/** iptables rules (`-A` lines of every table): per-container rules show here; empty chains the plugins keep do not. */
export function iptablesRules(): string[] {
  return execFileSync(IPTABLES_SAVE, { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('-A')).sort();
}

export function veths(): string[] {
  return execFileSync(IP, ['-o', 'link', 'show', 'type', 'veth'], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => l.split(':')[1].trim().split('@')[0]);
}

/** Container state dirs (each holds a netns file) under the test's state dir. */
export function stateDirs(env: NetEnv): string[] {
  const out: string[] = [];
  for (const ns of fs.existsSync(env.cni.stateDir) ? fs.readdirSync(env.cni.stateDir) : []) {
    for (const id of fs.readdirSync(path.join(env.cni.stateDir, ns))) out.push(`${ns}/${id}`);
  }
  return out.sort();
}

export interface NetInventory { leases: string[]; rules: string[]; veths: string[]; stateDirs: string[] }

export function netInventory(env: NetEnv): NetInventory {
  return { leases: leases(env), rules: iptablesRules(), veths: veths(), stateDirs: stateDirs(env) };
}

export function assertNothingLeft(env: NetEnv, before: NetInventory, what: string): void {
  assert.deepEqual(netInventory(env), before, `${what} left something behind`);
}

/** GET http://host:port/ with a short timeout: the body, or the error's message prefixed with `ERR `. */
export function httpGet(host: string, port: number, timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/', timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => { req.destroy(new Error('timeout')); });
    req.on('error', (e) => resolve(`ERR ${e.message}`));
  });
}

/** Polls until `host:port` serves `expected` (httpd needs a moment after the task starts). */
export async function answers(host: string, port: number, expected: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await httpGet(host, port);
    if (last.includes(expected)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${host}:${port} did not answer with ${JSON.stringify(expected)}; last: ${JSON.stringify(last)}`);
}

/**
 * After the suite: network state a failed test left (netns still mounted, leases) is taken down, then the temp dir
 * goes. The harness's teardown deletes containers straight through containerd, which knows nothing of either.
 */
export async function removeNetEnv(env: NetEnv | undefined): Promise<void> {
  if (!env) return;
  for (const { namespace, id, dir } of listStateDirs(env.cni.stateDir)) await removeContainerNetworkState(dir, namespace, id).catch(() => undefined);
  fs.rmSync(env.tmp, { recursive: true, force: true });
}
