// Read-only virtual documents under the `containerd:` scheme (Inspect JSON, metrics, the permission fix):
// containerd:/<namespace>/<kind>/<name>.<ext>. Each kind has a renderer, so a document reopened after a
// reload is rendered again rather than lost.
import * as vscode from 'vscode';
import { Emitter } from '../../base/emitter';
import { Disposable, toDisposable } from '../../base/lifecycle';

export const SCHEME = 'containerd';

export interface DocumentRef { namespace: string; kind: string; name: string; ext: string }

export type Renderer = (ref: DocumentRef) => Promise<string>;

export function documentUri(ref: DocumentRef): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: `/${ref.namespace}/${ref.kind}/${ref.name}.${ref.ext}` });
}

export function parseDocumentUri(uri: vscode.Uri): DocumentRef | undefined {
  const m = /^\/([^/]+)\/([^/]+)\/(.+)\.([a-z]+)$/.exec(uri.path);
  return m ? { namespace: m[1], kind: m[2], name: m[3], ext: m[4] } : undefined;
}

export class ReadOnlyDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly emitter = this._register(new Emitter<vscode.Uri>());
  readonly onDidChange = this.emitter.event;
  private readonly renderers = new Map<string, Renderer>();
  private readonly cache = new Map<string, string>();

  constructor() {
    super();
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())));
    this._register(toDisposable(() => this.cache.clear()));
  }

  addRenderer(kind: string, render: Renderer): void { this.renderers.set(kind, render); }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const cached = this.cache.get(uri.toString());
    if (cached !== undefined) return cached;
    const ref = parseDocumentUri(uri);
    const render = ref && this.renderers.get(ref.kind);
    if (!ref || !render) return `Unknown document ${uri.toString()}`;
    try {
      return await render(ref);
    } catch (e) {
      return `Could not read ${ref.kind} ${ref.name}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** Renders now (so failures reach the command), then opens or refreshes the read-only editor. */
  async show(ref: DocumentRef, options: { preview?: boolean } = {}): Promise<vscode.TextDocument> {
    const render = this.renderers.get(ref.kind);
    if (!render) throw new Error(`no renderer for ${ref.kind}`);
    const uri = documentUri(ref);
    this.cache.set(uri.toString(), await render(ref));
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) this.emitter.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    // Markdown (metrics, the permission fix) reads best rendered; JSON opens in a read-only editor.
    if (ref.ext === 'md' && await showPreview(uri)) return doc;
    await vscode.window.showTextDocument(doc, { preview: options.preview ?? true });
    return doc;
  }

  /** Content of a document shown before (for tests). */
  cached(uri: vscode.Uri): string | undefined { return this.cache.get(uri.toString()); }
}

/** The built-in Markdown preview (activated on demand); false where it is missing (e.g. disabled). */
async function showPreview(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return true;
  } catch {
    return false;
  }
}
