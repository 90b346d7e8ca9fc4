// Open in Browser on a published port and Copy Address on a container or port row. The URL is on the machine the
// extension host runs on; asExternalUri maps it to one the user's browser reaches (in a Remote-SSH window or
// code-server, VS Code forwards the port), then openExternal opens it.
import * as vscode from 'vscode';
import { containerNetworkInfo } from '@containerd-explorer/client';
import { isNode } from '../../views/model/nodes';
import { allAddresses, portUrl } from '../../views/networks/network-format';
import { clientFor, type CommandDeps } from '../shared/command-deps';

/** Opens the port's URL (mapped by VS Code); returns the URI opened. */
export async function openPortCommand(deps: CommandDeps, arg: unknown): Promise<string> {
  if (!isNode(arg, 'container-port')) throw new Error('Open in Browser works on a published port of the Containers view');
  const local = vscode.Uri.parse(portUrl(arg));
  const external = await deps.host().asExternalUri(local);
  deps.log.info(`Open in Browser: ${local.toString()} -> ${external.toString()}`);
  await deps.host().openExternal(external);
  return external.toString();
}

/** Copies a port's `host:port`, or a container's addresses; returns what was copied. */
export async function copyAddressCommand(deps: CommandDeps, arg: unknown): Promise<string> {
  let text: string;
  if (isNode(arg, 'container-port')) {
    text = new URL(portUrl(arg)).host;
  } else if (isNode(arg, 'container')) {
    const client = await clientFor(deps, arg.namespace);
    const info = containerNetworkInfo(client, await client.containers.get(arg.id));
    const addresses = info ? allAddresses(info) : [];
    if (!addresses.length) throw new Error(`${arg.id} has no address: ${info ? 'its task is not running' : 'it is on no CNI network'}`);
    text = addresses.join(' ');
  } else {
    throw new Error('Copy Address works on a container or a published port of the Containers view');
  }
  await deps.host().writeClipboard(text);
  deps.host().status(`Copied ${text}`);
  return text;
}
