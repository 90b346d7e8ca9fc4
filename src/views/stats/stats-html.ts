// The Stats webview's page: a strict Content-Security-Policy (nothing by default; the one script by nonce; styles,
// images and fonts only from the extension's own dist/webview folder) and the bundled script and stylesheet.
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function statsHtml(webview: vscode.Webview, assets: vscode.Uri, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const src = (file: string): string => webview.asWebviewUri(assets.with({ path: `${assets.path}/${file}` })).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${src('stats.css')}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="stats" data-title="${escapeHtml(title)}"><p class="loading">Loading…</p></main>
<script nonce="${nonce}" src="${src('stats.js')}"></script>
</body>
</html>`;
}
