// Images view: the active namespace's images with tag, short digest, size for this host's platform and when added
// (absolute: a description stays on screen); the tooltip, built on hover, adds the relative age, full digest,
// media type, platforms and whether the image is unpacked.
import * as vscode from 'vscode';
import { describeImage } from '../model/describe';
import { formatBytes, formatWhen } from '../model/format';
import type { ImageEntry } from '../model/types';
import { ExplorerTreeProvider, factTable, labelsTable, md } from './base-provider';
import type { ExplorerNode, ImageNode } from '../model/nodes';

export class ImagesProvider extends ExplorerTreeProvider {
  rootNodes(): ExplorerNode[] {
    return this.namespaceRows('images', (m) => m.images.keys(), (name, namespace): ImageNode => ({ type: 'image', namespace, name }));
  }


  protected treeItem(node: ExplorerNode): vscode.TreeItem {
    if (node.type !== 'image') return new vscode.TreeItem('?');
    const entry = this.deps.model.model(node.namespace).images.get(node.name);
    const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
    if (!entry) return item;
    item.description = describeImage(entry);
    const d = entry.details;
    item.iconPath = d?.error
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
      : new vscode.ThemeIcon('package', entry.unpacked === false ? new vscode.ThemeColor('disabledForeground') : undefined);
    item.contextValue = `image${entry.unpacked ? '.unpacked' : '.packed'}`;
    return item;
  }

  protected override tooltip(node: ExplorerNode): vscode.MarkdownString | undefined {
    if (node.type !== 'image') return undefined;
    const entry = this.deps.model.model(node.namespace).images.get(node.name);
    return entry ? imageTooltip(node.namespace, entry) : undefined;
  }
}


function imageTooltip(namespace: string, entry: ImageEntry): vscode.MarkdownString {
  const { image, details: d } = entry;
  const tip = new vscode.MarkdownString(undefined, true);
  tip.appendMarkdown(`$(package) **${md(image.name)}**\n\n`);
  tip.appendMarkdown(factTable([
    ['Digest', `\`${image.target.digest}\``],
    ['Media type', `\`${image.target.mediaType}\``],
    ['Platforms', d ? md(d.platforms.join(', ') || 'unknown') : '…'],
    ['Size (this platform)', d && !d.error ? `${formatBytes(d.size)} compressed, ${d.layers} layer${d.layers === 1 ? '' : 's'}` : undefined],
    ['Unpacked', entry.unpacked === undefined ? '…' : entry.unpacked ? 'yes (ready to run)' : 'no'],
    ['Added', formatWhen(image.createdAt)],
    ['Built', d?.builtAt ? formatWhen(d.builtAt) : undefined],
    ['Namespace', md(namespace)],
  ]));
  if (d?.error) tip.appendMarkdown(`\n\n$(warning) ${md(d.error)}`);
  tip.appendMarkdown(`\n\n${labelsTable(image.labels)}`);
  return tip;
}
