// Create Network… and Remove Network… (CNI networks in nerdctl's format, in containerd.cni.confDir). Create asks
// a name (checked as typed: nerdctl's rules, not taken), a subnet (empty: the first free /24) and a gateway (empty:
// the subnet's first host); Remove confirms and is refused, saying by whom, while containers use the network.
import * as vscode from 'vscode';
import { network, type ContainerdClient } from '@containerd-explorer/client';
import { cniSettings } from '../../settings/cni-settings';
import type { NetworkRow } from '../../views/networks/networks-view';
import { gatewayProblem, subnetProblem } from '../../views/networks/network-format';
import { clientFor, type CommandDeps } from '../shared/command-deps';
import { Cancelled } from '../shared/host';

export interface CreateNetworkAnswers { name: string; subnet?: string; gateway?: string }

async function askNetwork(deps: CommandDeps, taken: string[]): Promise<CreateNetworkAnswers> {
  const p = deps.host();
  const name = (await p.input({
    title: 'Create network: name', prompt: 'Letters, digits, ".", "_" and "-" (nerdctl sees it under this name)',
    validateInput: (v) => network.networkNameProblem(v.trim()) ?? (taken.includes(v.trim()) ? `network "${v.trim()}" already exists` : undefined),
  }))?.trim();
  if (!name) throw new Cancelled();
  const subnet = await p.input({ title: `Create network ${name}: subnet`, prompt: 'IPv4 CIDR, e.g. 10.4.7.0/24. Empty: the first free /24 from 10.4.1.0', validateInput: (v) => subnetProblem(v.trim()) });
  if (subnet === undefined) throw new Cancelled();
  const gateway = await p.input({ title: `Create network ${name}: gateway`, prompt: "Empty: the subnet's first address", validateInput: (v) => gatewayProblem(v.trim()) });
  if (gateway === undefined) throw new Cancelled();
  return { name, subnet: subnet.trim() || undefined, gateway: gateway.trim() || undefined };
}

/** Writes the network; `scripted` answers the questions (tests). Returns the network made. */
export async function createNetworkCommand(deps: CommandDeps, scripted?: CreateNetworkAnswers): Promise<network.CniNetwork> {
  const cni = cniSettings();
  const namespace = deps.active.name;
  const taken = network.readNetworks(cni.confDir, namespace).networks.map((n) => n.name);
  const a = scripted ?? await askNetwork(deps, taken);
  const made = await network.createNetwork(cni.confDir, cni.binDirs, { ...a, namespace });
  deps.log.info(`Created network ${made.name} (${made.subnets.join(', ')}) in ${made.file}`);
  await vscode.commands.executeCommand('containerd.refreshNetworks');
  deps.host().info(`Created network ${made.name}: ${made.subnets.join(', ')}, gateway ${made.gateways.join(', ')} (${made.file})`);
  return made;
}

async function pickNetwork(deps: CommandDeps, names: string[]): Promise<string> {
  const chosen = (await deps.host().pick(names.map((label) => ({ label })), { title: 'Remove network' }))?.[0];
  if (!chosen) throw new Cancelled();
  return chosen.label;
}

/** Removes a network no container uses (NetworkInUseError names them otherwise). Returns its name. */
export async function removeNetworkCommand(deps: CommandDeps, arg: unknown): Promise<string> {
  const cni = cniSettings();
  const namespace = deps.active.name;
  const row = arg as NetworkRow | undefined;
  const networks = network.readNetworks(cni.confDir, namespace).networks;
  const name = row?.kind === 'network' ? row.network.name : await pickNetwork(deps, networks.map((n) => n.name));
  const found = networks.find((n) => n.name === name);
  const client: ContainerdClient = await clientFor(deps);
  const usedBy = await network.containersOnNetwork(client, name);
  if (usedBy.length) throw new network.NetworkInUseError(name, usedBy);
  const detail = `Deletes ${found?.file ?? 'its config file'}${found?.bridge ? ` and the bridge interface ${found.bridge}` : ''}. nerdctl will no longer see it either.`;
  if (!(await deps.host().confirm(`Remove network ${name}?`, { detail, action: 'Remove' }))) throw new Cancelled();
  await network.removeNetwork(cni.confDir, name, usedBy, namespace);
  deps.log.info(`Removed network ${name}`);
  await vscode.commands.executeCommand('containerd.refreshNetworks');
  deps.host().status(`Removed network ${name}`);
  return name;
}
