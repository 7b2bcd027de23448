// A text opened whole in an untitled editor: an answer or a node's text that the views show only the start of.
// Nothing is written to disk; the user may save it where they like.

import * as vscode from 'vscode';

export async function openUntitled(content: string, language: string): Promise<void> {
  try {
    const document = await vscode.workspace.openTextDocument({ content, language });
    await vscode.window.showTextDocument(document, { preview: false });
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('RLM: cannot open the text in an editor. {0}', (err as Error).message));
  }
}
