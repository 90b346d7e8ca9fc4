// Create Container…: from an image node (or an image picked from the palette), asks id, snapshot name, command,
// TTY or detached, then the optional settings; everything is validated as it is typed and checked again by
// createContainer, which leaves nothing behind when it fails.
import * as vscode from 'vscode';
import {
  createContainer, DEFAULT_RUNTIME, identifierProblem, isRuncRuntime, isUnpacked, runcRootOptions, joinCommandLine, NotFoundError, readUserFiles,
  network, resolveImage, snapshotNameProblem, splitCommandLine, userProblem, type ContainerdClient, type ResolvedImage,
} from '@containerd-explorer/client';
import { cniSettings } from '../../settings/cni-settings';
import type { NamespaceModel } from '../../views/model/namespace-model';
import { isNode } from '../../views/model/nodes';
import { listed } from '../shared/command-deps';
import { confirmMounts, editOptions, imageDefaults, type OptionalSettings } from './create-container-options';
import { pickImages } from '../shared/pickers';
import { Cancelled } from '../shared/host';
import { defaultLogPath, type RunContext } from './run-context';

/** `registry.local/team/redis:7` → `redis`, then `redis-2`… if taken. */
export function suggestId(image: string, taken: (id: string) => boolean): string {
  const last = image.split('@')[0].split('/').pop() ?? 'container';
  const base = last.split(':')[0].toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'container';
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}

async function snapshotTaken(client: ContainerdClient, key: string): Promise<boolean> {
  try { await client.snapshots.stat(key); return true; } catch (e) { if (e instanceof NotFoundError) return false; throw e; }
}

interface Answers { id: string; snapshotName: string; args?: string[]; tty: boolean; settings: OptionalSettings; start: boolean }

async function ask(run: RunContext, client: ContainerdClient, model: NamespaceModel, imageName: string, image: ResolvedImage): Promise<Answers> {
  const p = run.deps.host();
  const title = (step: string): string => `Create container from ${imageName}: ${step}`;
  const id = (await p.input({
    title: title('container id'), value: suggestId(imageName, (x) => model.containers.has(x)),
    prompt: 'Letters and digits, separated by single ".", "_" or "-"',
    validateInput: (v) => identifierProblem(v.trim(), 'container id') ?? (model.containers.has(v.trim()) ? `a container named "${v.trim()}" already exists` : undefined),
  }))?.trim();
  if (!id) throw new Cancelled();
  const snapshotName = (await p.input({
    title: title('snapshot name'), value: `${id}-snapshot`, prompt: "Key of the container's writable snapshot (on the image's top layer)",
    validateInput: async (v) => snapshotNameProblem(v) ?? (await snapshotTaken(client, v) ? `snapshot name "${v}" is taken: choose another` : undefined),
  }));
  if (snapshotName === undefined) throw new Cancelled();
  const cfg = image.config.config ?? {};
  const imageArgs = [...(cfg.Entrypoint ?? []), ...(cfg.Cmd ?? [])];
  const line = await p.input({
    title: title('command'), value: joinCommandLine(imageArgs),
    prompt: `Split like a shell would, without running one. Empty: the image's (${imageArgs.length ? joinCommandLine(imageArgs) : 'none'})`,
    validateInput: (v) => {
      try {
        return splitCommandLine(v).length || imageArgs.length ? undefined : 'the image has no default command: enter one';
      } catch (e) {
        return (e as Error).message;
      }
    },
  });
  if (line === undefined) throw new Cancelled();
  const typed = splitCommandLine(line);
  const args = typed.length && joinCommandLine(typed) !== joinCommandLine(imageArgs) ? typed : undefined;
  const shellLike = /(^|\/)(ba|z|a|da)?sh$/.test((args ?? imageArgs)[0] ?? '');
  const modes = [
    { label: 'Detached', description: "output to a log file (Show Logs); survives VS Code closing", tty: false },
    { label: 'Interactive terminal (TTY)', description: 'start it in an integrated terminal; reattach later', tty: true },
  ];
  if (shellLike) modes.reverse();
  const mode = (await p.pick(modes, { title: title('how it runs') }))?.[0];
  if (!mode) throw new Cancelled();
  let files: Promise<{ passwd?: string; group?: string }> | undefined;
  const checkUser = async (u: string): Promise<string | undefined> => {
    files ??= readUserFiles(client, image.manifest);
    const f = await files;
    return userProblem(u, f.passwd, f.group);
  };
  const settings: OptionalSettings = { env: [], network: 'none', ports: [], mounts: [], labels: {}, runtime: DEFAULT_RUNTIME };
  const networks = (): string[] => {
    try { return network.readNetworks(cniSettings().confDir, client.namespace).networks.map((n) => n.name); } catch { return []; }
  };
  const start = await editOptions(p, settings, imageDefaults(image.config), title(`${id} (${mode.tty ? 'TTY' : 'detached'})`), checkUser, networks());
  return { id, snapshotName, args, tty: mode.tty, settings, start };
}

/** Runs the wizard; returns the new container's id, and what starting it gave when asked to. */
export async function createContainerCommand(run: RunContext, arg: unknown, startIt: (ns: string, id: string) => Promise<unknown>): Promise<{ id: string; started?: unknown }> {
  const node = isNode(arg, 'image') ? arg : (await pickImages(run.deps, 'Create container from image', false))[0];
  const { client, model } = await listed(run.deps, node.namespace);
  const record = await client.images.get(node.name);
  const image = await resolveImage(client, record.target);
  if (!(await isUnpacked(client, image.config))) {
    throw new Error(`Image ${node.name} is not unpacked for snapshotter ${client.snapshotter}: pull it again before creating a container from it.`);
  }
  const a = await ask(run, client, model, node.name, image);
  const s = a.settings;
  const binds = await confirmMounts(run.deps.host(), s.mounts, a.id, client.address);
  const runcRoot = vscode.workspace.getConfiguration('containerd').get<string>('runcRoot', '').trim();
  await createContainer(client, {
    runtimeOptions: runcRoot && isRuncRuntime(s.runtime) ? runcRootOptions(runcRoot) : undefined,
    id: a.id, image: node.name, snapshotName: a.snapshotName, args: a.args, tty: a.tty, env: s.env, cwd: s.cwd, user: s.user,
    network: s.network, ports: s.ports, hostname: s.hostname, cni: cniSettings(), mounts: binds.mounts, allowHostRoot: binds.allowHostRoot, labels: s.labels, runtime: s.runtime,
    logPath: a.tty ? undefined : defaultLogPath(run, { namespace: node.namespace, id: a.id }),
  });
  run.deps.log.info(`Created container ${a.id} from ${node.name} on snapshot ${a.snapshotName} (namespace ${node.namespace})`);
  if (a.start) return { id: a.id, started: await startIt(node.namespace, a.id) };
  run.deps.host().info(`Created container ${a.id} (snapshot ${a.snapshotName}). Start it from the Containers view.`);
  return { id: a.id };
}
