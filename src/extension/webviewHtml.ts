// The HTML every RLM webview starts from: a strict Content-Security-Policy (scripts only from the extension,
// with a nonce; no inline script, no remote anything), the page's bundled script and style, an empty #app the
// script fills, and the page's strings in the window's language (PageStrings). Model text is never run here: the
// pages sanitise what they render.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { pageStringsHtml } from '../protocol/messages';
import type { Log } from './log';
import type { Checked } from './webviewMessages';

/** The webview pages the build produces (dist/webview/<page>.js and .css). */
export type WebviewPage = 'chat' | 'trajectory';

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset(`${page}.css`)}">
</head>
<body data-page="${page}">
<div id="app"></div>
${pageStringsHtml(vscode.l10n.bundle, nonce)}
<script nonce="${nonce}" src="${asset(`${page}.js`)}"></script>
</body>
</html>`;
}

/** Options every RLM webview needs: scripts on, resources only from the extension's dist folder. */
function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
}

/**
 * Shows an RLM page in a webview (its options, then its HTML) and passes on what the page sends once `check`
 * accepts it; a refused message is logged as sent by `who`, never acted on.
 */
export function showPage<M>(
  webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage,
  check: (raw: unknown) => Checked<M>, log: Log, who: string, onMessage: (message: M) => void,
): vscode.Disposable {
  webview.options = webviewOptions(extensionUri);
  webview.html = webviewHtml(webview, extensionUri, page);
  return webview.onDidReceiveMessage((raw: unknown) => {
    const checked = check(raw);
    if (!checked.ok) {
      log.warn(`${who} sent a message that was refused: ${checked.reason}`);
      return;
    }
    onMessage(checked.message);
  });
}
