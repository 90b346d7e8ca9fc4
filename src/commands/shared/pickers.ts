// QuickPicks used when a command runs from the palette (no tree node): items come from the in-memory model.
import type * as vscode from 'vscode';
import type { TaskEntry } from '../../views/model/types';
import type { ContainerEntry } from '../../views/model/types';
import { describeContainer, describeImage, describeTask } from '../../views/model/describe';
import type { ContainerNode, ImageNode, NamespaceNode, TaskNode } from '../../views/model/nodes';
import { listed, plural, type CommandDeps } from './command-deps';
import { Cancelled } from './host';

interface Item<T> extends vscode.QuickPickItem { value: T }

async function pick<T>(deps: CommandDeps, items: Item<T>[], title: string, many: boolean, empty: string): Promise<T[]> {
  if (!items.length) {
    deps.host().info(empty);
    throw new Cancelled();
  }
  const chosen = await deps.host().pick(items, { title, canPickMany: many, placeHolder: many ? 'Select one or more' : undefined });
  if (!chosen?.length) throw new Cancelled();
  return chosen.map((i) => i.value);
}

export async function pickNamespace(deps: CommandDeps, title: string, filter: (name: string) => boolean = () => true): Promise<NamespaceNode> {
  await listed(deps);
  const items = [...deps.model.namespaces.keys()].filter(filter).sort().map((name): Item<NamespaceNode> => {
    const m = deps.model.model(name);
    const active = name === deps.active.name;
    return {
      label: active ? `$(check) ${name}` : name,
      description: `${plural(m.images.size, 'image')} · ${plural(m.containers.size, 'container')}${active ? ' · active' : ''}`,
      value: { type: 'namespace', name },
    };
  });
  return (await pick(deps, items, title, false, 'There is no namespace to choose.'))[0];
}

export async function pickImages(deps: CommandDeps, title: string, many: boolean): Promise<ImageNode[]> {
  const { model } = await listed(deps);
  const ns = deps.active.name;
  const items = [...model.images.values()].sort((a, b) => a.image.name.localeCompare(b.image.name)).map((e): Item<ImageNode> => ({
    label: e.image.name, description: describeImage(e), value: { type: 'image', namespace: ns, name: e.image.name },
  }));
  return pick(deps, items, `${title} (namespace ${ns})`, many, `No images in namespace ${ns}.`);
}

export async function pickContainers(deps: CommandDeps, title: string, many: boolean, filter: (c: ContainerEntry, t: TaskEntry | undefined) => boolean = () => true): Promise<ContainerNode[]> {
  const { model } = await listed(deps);
  const ns = deps.active.name;
  const items = [...model.containers.values()].filter((c) => filter(c, model.tasks.get(c.id))).sort((a, b) => a.id.localeCompare(b.id))
    .map((c): Item<ContainerNode> => ({ label: c.id, description: describeContainer(c, model.tasks.get(c.id)), value: { type: 'container', namespace: ns, id: c.id } }));
  return pick(deps, items, `${title} (namespace ${ns})`, many, `No matching containers in namespace ${ns}.`);
}

export async function pickTasks(deps: CommandDeps, title: string, many: boolean, filter: (t: TaskEntry) => boolean = () => true): Promise<TaskNode[]> {
  const { model } = await listed(deps);
  const ns = deps.active.name;
  const items = [...model.tasks.values()].filter(filter).sort((a, b) => a.process.containerId.localeCompare(b.process.containerId))
    .map((t): Item<TaskNode> => ({ label: t.process.containerId, description: describeTask(t), value: { type: 'task', namespace: ns, containerId: t.process.containerId } }));
  return pick(deps, items, `${title} (namespace ${ns})`, many, `No matching tasks in namespace ${ns}.`);
}
