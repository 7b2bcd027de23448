// Opens a `path:line` reference from a page: only files inside the workspace folders (a page renders model
// text, so the path is untrusted), checked by real path so a symlink cannot lead outside, at the line it names.

import { realpath, stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { Log } from './log';
import { confineToRoots, isInside } from './webviewMessages';

export interface Link {
  path: string;
  line?: number;
  endLine?: number;
}

/** Opens `link` in an editor, trying `roots` in order; says so when it names nothing inside them. */
export async function openLink(link: Link, roots: readonly string[], log: Log): Promise<boolean> {
  const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => r)));
  for (const candidate of confineToRoots(link.path, roots)) {
    try {
      const real = await realpath(candidate);
      if (!realRoots.some((root) => isInside(root, real)) || !(await stat(real)).isFile()) continue;
      const line = Math.max(0, (link.line ?? 1) - 1);
      const endLine = Math.max(line, (link.endLine ?? link.line ?? 1) - 1);
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(candidate), { preview: true });
      const range = new vscode.Range(line, 0, endLine, 0);
      editor.selection = new vscode.Selection(range.start, range.start);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      return true;
    } catch {
      // Not there in this root: try the next.
    }
  }
  log.info(`A link to ${JSON.stringify(link.path.slice(0, 200))} named no file inside the workspace folders`);
  void vscode.window.showWarningMessage(`RLM: "${link.path.slice(0, 200)}" is not a file in this workspace.`);
  return false;
}
