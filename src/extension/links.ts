// Opens a `path:line` reference from a page: only files inside the workspace folders (a page renders model
// text, so the path is untrusted), checked by real path so a symlink cannot lead outside, at the line it names.

import * as vscode from 'vscode';
import { realFileIn } from '../core/workspace/rootPaths';
import type { Log } from './log';

export interface Link {
  path: string;
  line?: number;
  endLine?: number;
}

/** Opens `link` in an editor, trying `roots` in order; says so when it names nothing inside them. */
export async function openLink(link: Link, roots: readonly string[], log: Log): Promise<boolean> {
  const file = await realFileIn(link.path, roots);
  if (file) {
    const line = Math.max(0, (link.line ?? 1) - 1);
    const endLine = Math.max(line, (link.endLine ?? link.line ?? 1) - 1);
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
    const range = new vscode.Range(line, 0, endLine, 0);
    editor.selection = new vscode.Selection(range.start, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return true;
  }
  log.info(`A link to ${JSON.stringify(link.path.slice(0, 200))} named no file inside the workspace folders`);
  void vscode.window.showWarningMessage(vscode.l10n.t('RLM: "{0}" is not a file in this workspace.', link.path.slice(0, 200)));
  return false;
}
