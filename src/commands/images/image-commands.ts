// Image commands: Tag, Remove (multi-select, confirmed), Copy Reference, Copy Digest. Inspect is in inspect.ts.
import type * as vscode from 'vscode';
import { AlreadyExistsError, imageNameProblem, normalizeImageName, NotFoundError } from '@containerd-explorer/client';
import type { ImageNode } from '../../views/model/nodes';
import { clientFor, listed, plural, registerCommand, selected, type CommandDeps } from '../shared/command-deps';
import { pickImages } from '../shared/pickers';
import { Cancelled } from '../shared/host';

async function targets(deps: CommandDeps, arg: unknown, all: unknown, title: string, many: boolean): Promise<ImageNode[]> {
  return selected<ImageNode>('image', arg, all) ?? pickImages(deps, title, many);
}

/**
 * Why the typed name cannot be a tag: containerd takes any string as a name, but users mean a reference that Pull
 * and the registries accept, so it goes through the same parser (and is stored normalised, as nerdctl does).
 */
function tagNameProblem(typed: string, current: string): string | undefined {
  if (!typed) return 'Enter a name, e.g. example.com/app:1.0';
  return imageNameProblem(typed) ?? (normalizeImageName(typed) === current ? 'Choose a different name' : undefined);
}

async function tagImage(deps: CommandDeps, arg: unknown): Promise<string> {
  const [node] = await targets(deps, arg, undefined, 'Tag image', false);
  const client = await clientFor(deps, node.namespace);
  const source = await client.images.get(node.name);
  const typed = (await deps.host().input({
    title: `New name for ${node.name}`, value: node.name,
    prompt: 'The new name points at the same content (no copy); a short name is completed as Pull does (app:1 is docker.io/library/app:1)',
    validateInput: (v) => tagNameProblem(v.trim(), node.name),
  }))?.trim();
  if (!typed) throw new Cancelled();
  const name = normalizeImageName(typed);
  try {
    await client.images.create({ name, target: source.target, labels: source.labels });
  } catch (e) {
    if (!(e instanceof AlreadyExistsError)) throw e;
    if (!(await deps.host().confirm(`An image named "${name}" already exists.`, { detail: 'Point it at this image\'s content instead?', action: 'Replace' }))) throw new Cancelled();
    await client.images.update(name, { target: source.target });
  }
  return name;
}

async function removeImages(deps: CommandDeps, arg: unknown, all: unknown): Promise<string[]> {
  const nodes = await targets(deps, arg, all, 'Remove images', true);
  const namespace = nodes[0].namespace;
  const { client, model } = await listed(deps, namespace);
  const users = [...model.containers.values()].filter((c) => nodes.some((n) => n.name === c.image));
  const detail = [
    nodes.map((n) => n.name).join('\n'),
    users.length ? `\nUsed by ${plural(users.length, 'container')} (${users.map((c) => c.id).join(', ')}): they keep their snapshots, but cannot be recreated from this name.` : '',
    '\nContent and snapshots no other image uses are garbage-collected.',
  ].join('\n');
  const what = nodes.length === 1 ? `image "${nodes[0].name}"` : plural(nodes.length, 'image');
  if (!(await deps.host().confirm(`Remove ${what}?`, { detail, action: 'Remove' }))) throw new Cancelled();
  const removed: string[] = [];
  const failed: string[] = [];
  await deps.host().withProgress({ title: `Removing ${what}` }, async () => {
    for (const n of nodes) {
      try {
        await client.images.delete(n.name);
        removed.push(n.name);
      } catch (e) {
        if (e instanceof NotFoundError) removed.push(n.name);
        else failed.push(`${n.name}: ${(e as Error).message}`);
      }
    }
  });
  if (failed.length) deps.host().error(`Could not remove ${plural(failed.length, 'image')}: ${failed.join('; ')}`);
  return removed;
}

async function copy(deps: CommandDeps, arg: unknown, what: 'reference' | 'digest'): Promise<string> {
  const [node] = await targets(deps, arg, undefined, `Copy image ${what}`, false);
  const entry = deps.model.model(node.namespace).images.get(node.name);
  const text = what === 'reference' ? node.name : entry?.image.target.digest;
  if (!text) throw new Error(`image "${node.name}" is no longer there`);
  await deps.host().writeClipboard(text);
  deps.host().status(`Copied ${text}`);
  return text;
}

export function registerImageCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    registerCommand(deps, 'containerd.tagImage', (arg) => tagImage(deps, arg)),
    registerCommand(deps, 'containerd.removeImage', (arg, all) => removeImages(deps, arg, all)),
    registerCommand(deps, 'containerd.copyImageReference', (arg) => copy(deps, arg, 'reference')),
    registerCommand(deps, 'containerd.copyImageDigest', (arg) => copy(deps, arg, 'digest')),
  ];
}
