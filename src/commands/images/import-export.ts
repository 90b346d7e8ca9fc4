// "Import Image…" (an OCI layout or `docker save` tar from disk, for air-gapped hosts) and "Export Image…" (an OCI
// layout tar that ctr, nerdctl, docker and we can load), in cancellable notifications.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, exportImages, importArchive, type Image, type TransferProgress } from '@containerd-explorer/client';
import { formatBytes } from '../../views/model/format';
import { isNode } from '../../views/model/nodes';
import { clientFor, plural, registerCommand, type CommandDeps } from '../shared/command-deps';
import { baseNameFor, exportFileName } from './import-export-names';
import { pickImages } from '../shared/pickers';
import { Cancelled, type ProgressSink } from '../shared/host';

/** Programmatic arguments (tests): skip the file dialogs. */
export interface ImportArgs { file: string; namespace?: string; baseName?: string }
export interface ExportArgs { file: string; image?: string; namespace?: string }

const ARCHIVE_FILTERS = { 'Image archives': ['tar', 'gz', 'tgz'], 'All files': ['*'] };

function progressReporter(progress: ProgressSink): (p: TransferProgress) => void {
  let reported = 0;
  return (p) => {
    const fraction = p.phase === 'done' ? 1 : p.totalBytes ? (p.doneBytes / p.totalBytes) * (p.phase === 'unpacking' ? 1 : 0.9) : 0;
    const increment = Math.max(0, fraction * 100 - reported);
    reported += increment;
    const bytes = p.totalBytes ? ` · ${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)}` : '';
    progress.report({ message: `${p.phase}${p.phase === 'writing' ? bytes : ''}`, increment });
  };
}

function withCancellableProgress<T>(deps: CommandDeps, title: string, work: (signal: AbortSignal, report: (p: TransferProgress) => void) => Promise<T>): Promise<T> {
  return deps.host().withProgress({ title, cancellable: true }, (progress, signal) => work(signal, progressReporter(progress)));
}

async function importImage(deps: CommandDeps, arg: unknown): Promise<Image[]> {
  const args = arg && typeof arg === 'object' && typeof (arg as ImportArgs).file === 'string' ? arg as ImportArgs : undefined;
  const namespace = isNode(arg, 'namespace') ? arg.name : args?.namespace ?? deps.active.name;
  let file = args?.file;
  if (!file) {
    const picked = await deps.host().openFile({ title: `Import Image into namespace ${namespace}`, filters: ARCHIVE_FILTERS, openLabel: 'Import' });
    if (!picked) throw new Cancelled();
    file = picked.fsPath;
  }
  const client = await clientFor(deps, namespace);
  try {
    const images = await withCancellableProgress(deps, `Importing ${path.basename(file)}`, (signal, onProgress) =>
      importArchive(client, file, { signal, onProgress, baseName: args?.baseName ?? baseNameFor(file) }));
    const names = images.map((i) => i.name);
    deps.log.info(`Imported ${file} into namespace ${namespace}: ${names.join(', ')}`);
    deps.host().info(`Imported ${plural(names.length, 'image')} into ${namespace}: ${names.join(', ')}`);
    return images;
  } catch (e) {
    if (e instanceof CancelledError) throw new Cancelled();
    throw new Error(`Import of ${path.basename(file)} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

async function exportImage(deps: CommandDeps, arg: unknown, second: unknown): Promise<string> {
  const args = [arg, second].find((a): a is ExportArgs => !!a && typeof a === 'object' && typeof (a as ExportArgs).file === 'string');
  let namespace = args?.namespace ?? deps.active.name;
  let name = args?.image;
  if (isNode(arg, 'image')) { namespace = arg.namespace; name = arg.name; }
  if (!name) [{ name, namespace }] = await pickImages(deps, 'Export image', false);
  const image = name;
  let file = args?.file;
  if (!file) {
    const suggested = exportFileName(image);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const picked = await deps.host().saveFile({ title: `Export ${image}`, defaultUri: vscode.Uri.joinPath(folder, suggested), filters: ARCHIVE_FILTERS, saveLabel: 'Export' });
    if (!picked) throw new Cancelled();
    file = picked.fsPath;
  }
  const client = await clientFor(deps, namespace);
  try {
    let size = 0;
    await withCancellableProgress(deps, `Exporting ${image}`, (signal, report) =>
      exportImages(client, [image], file, { signal, onProgress: (p) => { size = p.totalBytes; report(p); } }));
    deps.log.info(`Exported ${image} (namespace ${namespace}) to ${file}`);
    deps.host().info(`Exported ${image} to ${file} (${formatBytes(size)}).`);
    return file;
  } catch (e) {
    if (e instanceof CancelledError) throw new Cancelled();
    throw new Error(`Export of ${image} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

export function registerImageTransferCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    registerCommand(deps, 'containerd.importImage', (arg) => importImage(deps, arg)),
    registerCommand(deps, 'containerd.exportImage', (arg, second) => exportImage(deps, arg, second)),
  ];
}
