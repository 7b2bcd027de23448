// Where the Chat view's attachments come from in the editor: the `+` menu's sources (a file dialog, the selection,
// the open editors, the Problems list, the uncommitted changes), files dropped from the Explorer, and `#file`
// completions. It turns each into an AttachmentRef of the chat's folder, or a refused chip that says why (a file of
// another folder, an editor with nothing selected); chats/attachments.ts checks the rest against the workspace.

import { relative, sep } from 'node:path';
import * as vscode from 'vscode';
import type { ProblemEntry, ProblemSeverity } from '../../core/loop/focus';
import { uncommittedChanges } from '../../core/workspace/gitChanges';
import type { AttachmentChip, AttachmentRef, AttachSource, MessageOf, HostToChat } from '../../protocol/messages';
import { refusedChip } from '../chats/attachments';
import type { ChatService } from '../chats/ChatService';
import type { FolderRef } from '../chats/ChatStore';
import type { Log } from '../log';
import { WorkspaceRoots } from '../workspace/WorkspaceRoots';

/** While a first walk lists files, `#` completions are sent again this often, for at most COMPLETION_FOLLOW_MS. */
const COMPLETION_RETRY_MS = 400;
const COMPLETION_FOLLOW_MS = 15_000;

const SEVERITIES: Record<vscode.DiagnosticSeverity, ProblemSeverity> = { 0: 'error', 1: 'warning', 2: 'info', 3: 'hint' };

export class AttachmentPicker {
  /** Completion requests so far: a follow stops once a newer one has come. */
  private completions = 0;

  constructor(
    private readonly chats: ChatService,
    private readonly post: (message: MessageOf<HostToChat>) => void,
    private readonly log: Log,
  ) {}

  /** The folder attachments belong to: the chat's, else the active editor's, else the window's first. */
  folder(): FolderRef | undefined {
    if (this.chats.currentFolder) return this.chats.currentFolder;
    const active = vscode.window.activeTextEditor?.document.uri;
    const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
    return folder && WorkspaceRoots.refOf(folder);
  }

  async pick(source: AttachSource): Promise<void> {
    await this.answer(async (folder) => {
      switch (source) {
        case 'files': {
          const uris = await vscode.window.showOpenDialog({
            title: vscode.l10n.t('RLM: Attach Files or Folders'), canSelectFiles: true, canSelectFolders: true, canSelectMany: true,
            defaultUri: vscode.Uri.parse(folder.uri), openLabel: vscode.l10n.t('Attach'),
          });
          return (uris ?? []).map((uri) => this.pathRef(uri, folder));
        }
        case 'selection': {
          const editor = vscode.window.activeTextEditor;
          if (!editor || editor.selection.isEmpty) return nothing(vscode.l10n.t('RLM: select some code in an editor first, then attach the selection.'));
          const { start, end } = editor.selection;
          // A selection that ends at the start of a line does not include that line.
          const endLine = end.line > start.line && end.character === 0 ? end.line : end.line + 1;
          const ref = this.pathRef(editor.document.uri, folder);
          return 'ref' in ref || ref.kind !== 'path' ? [ref] : [{ kind: 'selection', path: ref.path, startLine: start.line + 1, endLine }];
        }
        case 'editors': {
          const uris = vscode.window.tabGroups.all.flatMap((group) => group.tabs)
            .map((tab) => (tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined))
            .filter((uri): uri is vscode.Uri => uri?.scheme === 'file');
          const unique = [...new Map(uris.map((uri) => [uri.toString(), uri])).values()];
          if (unique.length === 0) return nothing(vscode.l10n.t('RLM: no file is open in an editor.'));
          return unique.map((uri) => this.pathRef(uri, folder));
        }
        case 'problems':
        case 'changes':
          return [{ kind: source }];
      }
    });
  }

  async drop(uris: readonly string[]): Promise<void> {
    await this.answer(async (folder) => uris.map((uri) => {
      try {
        return this.pathRef(vscode.Uri.parse(uri, true), folder);
      } catch {
        return refusedChip({ kind: 'path', path: uri.slice(0, 80) }, vscode.l10n.t('This is not a file the chat can attach')).chip;
      }
    }));
  }

  async add(refs: readonly AttachmentRef[]): Promise<void> {
    await this.answer(async () => [...refs]);
  }

  /**
   * The `#` completions for `query`. While the folder's first walk is still listing files (a question typed right after
   * the window opened), what is listed so far goes out at once and the answer is sent again as the list grows, until
   * it is whole or COMPLETION_FOLLOW_MS have passed: the page keeps the newest answer for the query it shows. Only the
   * newest query is followed: each keystroke asks anew, and the older follows stop instead of ranking the list again.
   */
  async complete(query: string): Promise<void> {
    const folder = this.folder();
    const deadline = Date.now() + COMPLETION_FOLLOW_MS;
    const asked = ++this.completions;
    for (;;) {
      const { paths, partial } = folder ? await this.chats.completePaths(query, folder).catch((err: Error) => {
        this.log.warn(`#file completion failed: ${err.message}`);
        return { paths: [], partial: false };
      }) : { paths: [], partial: false };
      this.post({ type: 'attach/completions', query, paths });
      if (!partial || Date.now() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, COMPLETION_RETRY_MS));
      if (asked !== this.completions) return;
    }
  }

  /** The editor's Problems list for a folder, paths relative to it. */
  static problems(folder: FolderRef): ProblemEntry[] {
    const root = vscode.Uri.parse(folder.uri);
    return vscode.languages.getDiagnostics().flatMap(([uri, diagnostics]) => {
      const path = relativeIn(uri, root);
      return path === undefined ? [] : diagnostics.map((d) => ({
        path, line: d.range.start.line + 1, severity: SEVERITIES[d.severity], message: d.message,
        ...(d.source ? { source: d.source } : {}),
      }));
    });
  }

  static changes(folder: FolderRef) {
    return uncommittedChanges(vscode.Uri.parse(folder.uri).fsPath);
  }

  /** Gathers refs (or chips already refused), checks the refs, and posts every chip. */
  private async answer(gather: (folder: FolderRef) => Promise<Array<AttachmentRef | AttachmentChip>>): Promise<void> {
    const folder = this.folder();
    if (!folder) {
      void vscode.window.showInformationMessage(vscode.l10n.t('RLM: open a folder first: attachments are files of a workspace folder.'));
      return;
    }
    try {
      const gathered = await gather(folder);
      const refs = gathered.filter((g): g is AttachmentRef => !('ref' in g));
      const checked = refs.length > 0 ? await this.chats.attachmentChips(refs, folder) : [];
      const chips = gathered.map((g) => ('ref' in g ? g : checked.shift()!));
      if (chips.length > 0) this.post({ type: 'attach/chips', chips });
    } catch (err) {
      this.log.error(`Attaching failed: ${(err as Error).message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('RLM: cannot attach: {0}', (err as Error).message));
    }
  }

  /** A file or folder of the chat's folder; a refused chip for anything else. */
  private pathRef(uri: vscode.Uri, folder: FolderRef): AttachmentRef | AttachmentChip {
    const path = relativeIn(uri, vscode.Uri.parse(folder.uri));
    if (path !== undefined) return { kind: 'path', path: path || '.' };
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1) || uri.toString().slice(0, 80);
    return refusedChip({ kind: 'path', path: name }, vscode.l10n.t('It is not in {0}, the folder this chat asks about: only its files can be attached', folder.name)).chip;
  }
}

/** Nothing to attach, and why (a notice, not a chip: there is nothing to name on one). */
function nothing(notice: string): [] {
  void vscode.window.showInformationMessage(notice);
  return [];
}

/** A URI's path relative to a folder ('' for the folder itself), '/'-separated; undefined when it is not inside. */
function relativeIn(uri: vscode.Uri, root: vscode.Uri): string | undefined {
  if (uri.scheme !== root.scheme || uri.authority !== root.authority) return undefined;
  const rel = relative(root.fsPath, uri.fsPath);
  if (rel.startsWith('..') || rel.includes(`..${sep}`) || /^[a-zA-Z]:/.test(rel) || rel.startsWith(sep)) return undefined;
  return rel.split(sep).join('/');
}
