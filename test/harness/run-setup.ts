// Shared helpers of the run tests (test/integration/run-*.test.ts): our createContainer with runc's state kept in
// the daemon dir, what a namespace holds (to prove a failure left nothing behind), and output of a detached task.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerdClient } from '../../packages/containerd-client/src';
import { createContainer, type CreateContainerOptions, type CreatedContainer } from '../../packages/containerd-client/src/run';
import { runcOptions, type ClientEnv } from './client-setup';

/** Log files of the test's containers go here (inside the daemon's dir). */
export function logDir(env: ClientEnv): string {
  return path.join(env.daemon.dir, `logs-${env.namespace}`);
}

/** createContainer with runc's state root inside the daemon dir (never /run/containerd/runc). */
export function create(env: ClientEnv, opts: CreateContainerOptions): Promise<CreatedContainer> {
  return createContainer(env.client, { runtimeOptions: runcOptions(env.runcRoot), logPath: path.join(logDir(env), `${opts.id}.log`), ...opts });
}

export interface Inventory { containers: string[]; snapshots: string[]; leases: string[]; tasks: string[]; fifoDirs: string[] }

/** Everything a create/start/exec could leave behind in the namespace (and our FIFO parent dir). */
export async function inventory(env: ClientEnv, client: ContainerdClient = env.client): Promise<Inventory> {
  const fifoDirs = fs.existsSync(env.fifoBaseDir) ? fs.readdirSync(env.fifoBaseDir).sort() : [];
  return {
    containers: (await client.containers.list()).map((c) => c.id).sort(),
    snapshots: (await client.snapshots.listAll()).map((s) => `${s.name} (${s.kind})`).sort(),
    leases: (await client.leases.list()).map((l) => l.id).sort(),
    tasks: (await client.tasks.list()).map((t) => `${t.containerId}:${t.status}`).sort(),
    fifoDirs,
  };
}

/** Runs `work`, expects it to throw `errorClass` with a message matching `message`, and nothing to change meanwhile. */
export async function rejectsCleanly(env: ClientEnv, work: () => Promise<unknown>, errorClass: new (...a: never[]) => Error, message: RegExp): Promise<Error> {
  const before = await inventory(env);
  let caught: unknown;
  try {
    await work();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof errorClass, `expected ${errorClass.name}, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  assert.match((caught as Error).message, message);
  assert.deepEqual(await inventory(env), before, 'the failed operation left something behind');
  return caught as Error;
}

/** Waits for the detached task of `id` to exit; returns its exit status and the log's text. */
export async function runToEnd(env: ClientEnv, id: string): Promise<{ exitStatus: number; log: string }> {
  const { exitStatus } = await env.client.tasks.wait(id, '', { timeoutMs: 30_000 });
  const log = fs.readFileSync(path.join(logDir(env), `${id}.log`), 'utf8');
  return { exitStatus, log };
}
