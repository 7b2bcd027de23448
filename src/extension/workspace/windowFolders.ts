// The window's folders as a question and a link see them: only folders on this machine can be read (a virtual
// workspace's cannot: the set-up status says so first).

import * as vscode from 'vscode';
import type { FolderRef } from '../chats/ChatStore';
import { ACTIONS, SetupProblem } from '../problems';
import { WorkspaceRoots } from './WorkspaceRoots';

const localFolders = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');

/** The folder a new chat asks about: the only one, the active editor's, or the one the user picks. */
export async function pickFolder(): Promise<FolderRef | undefined> {
  const folders = localFolders();
  if (folders.length === 0) throw new SetupProblem({ message: vscode.l10n.t('Open a folder to ask about its code.'), actions: [ACTIONS.openFolder()] });
  if (folders.length === 1) return WorkspaceRoots.refOf(folders[0]!);
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = active && vscode.workspace.getWorkspaceFolder(active);
  if (folder && folder.uri.scheme === 'file') return WorkspaceRoots.refOf(folder);
  const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Which folder is the question about?'), ignoreFocusOut: true });
  if (picked && picked.uri.scheme !== 'file') throw new SetupProblem({ message: vscode.l10n.t('{0} is not on this machine: questions need a folder whose files can be read here.', picked.name), actions: [] });
  return picked && WorkspaceRoots.refOf(picked);
}

/** Where a link's path is looked for: the chat's folder first, then every folder of the window. */
export function linkRoots(first: FolderRef | undefined): string[] {
  const folders = localFolders();
  const preferred = folders.find((f) => f.uri.toString() === first?.uri);
  return [...(preferred ? [preferred] : []), ...folders.filter((f) => f !== preferred)].map((f) => f.uri.fsPath);
}
