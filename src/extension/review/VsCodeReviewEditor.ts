// The editor's side of a review (ReviewEditor for VS Code):
// - reads a file as the user sees it: the open document's text (unsaved edits included), else the disk's;
// - applies an accepted change as ONE WorkspaceEdit (one undo reverts it), to the open document when there is
//   one, never through a symlink, and only when the file still holds the text the change was computed from;
// - shows proposals in read-only virtual documents (`rlm-review:`, a TextDocumentContentProvider): the diff
//   editor (`vscode.diff`) for one file, the multi-file diff (`vscode.changes`) for all;
// - opens a conflict in the merge editor (`_open.mergeEditor`, as the Git extension does), whose result lands in
//   an in-memory file (`rlm-merge:`, a FileSystemProvider) and comes back as the file's new proposal when the merge
//   editor closes after saving it ("Complete Merge" saves, then closes; an auto-save meanwhile is not the end of
//   the merge); where the merge editor cannot open, both sides show in the diff editor;
// - tells the review when files change (typing, saving, a branch switch), asks before the validation command
//   (naming which settings it came from) and before applying a change to a sensitive file.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { unwritableBecause } from '../../core/edits/confinedWrite';
import { merge3 } from '../../core/edits/merge3';
import type { FolderRef } from '../chats/ChatStore';
import type { Log } from '../log';
import type { SettingSource, SettingsInForce } from '../settings';
import type { DiffSpec, FileEdit, MergeInput } from './ChangeReview';
import type { ReviewEditor } from './ReviewService';
import { consentDetail } from './validationConsent';

export const REVIEW_SCHEME = 'rlm-review';
export const MERGE_SCHEME = 'rlm-merge';

export interface ReviewEditorHooks {
  /** The merge editor's result for a file of a review. */
  merged(exchangeId: string, path: string, text: string): void;
  /** Files of a folder changed (relative paths). */
  filesChanged(folderUri: string, paths: string[]): void;
  /** The rlm.* settings for a folder, and where each came from. */
  settings(folder: vscode.Uri): SettingsInForce;
}

export class VsCodeReviewEditor implements ReviewEditor, vscode.Disposable {
  /** Texts of the virtual documents, by URI. */
  private readonly documents = new Map<string, string>();
  /** The proposal document of each file of a review ("<exchange>\n<path>"), once shown. */
  private readonly proposals = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly mergeFiles: MergeFiles;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly log: Log, private readonly hooks: ReviewEditorHooks) {
    this.mergeFiles = new MergeFiles((owner, text) => hooks.merged(owner.exchangeId, owner.path, text));
    const documents = this.documents;
    this.subscriptions.push(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, {
        onDidChange: this.changed.event,
        provideTextDocumentContent: (uri) => documents.get(uri.toString()) ?? '',
      }),
      vscode.workspace.registerFileSystemProvider(MERGE_SCHEME, this.mergeFiles, { isCaseSensitive: true }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === REVIEW_SCHEME) documents.delete(doc.uri.toString());
        else if (doc.uri.scheme === MERGE_SCHEME) this.mergeFiles.closed(doc.uri);
        // A dirty document closed without saving goes back to the disk's text.
        else if (doc.uri.scheme === 'file') this.fileChanged(doc.uri);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme === 'file' && e.contentChanges.length > 0) this.fileChanged(e.document.uri);
      }),
      // A document that appears may hold text the disk does not (an unsaved buffer brought back after a reload).
      vscode.workspace.onDidOpenTextDocument((doc) => {
        if (doc.uri.scheme === 'file' && doc.isDirty) this.fileChanged(doc.uri);
      }),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    for (const on of [watcher.onDidChange, watcher.onDidCreate, watcher.onDidDelete]) this.subscriptions.push(on((uri) => this.fileChanged(uri)));
    this.subscriptions.push(watcher);
  }

  async read(folder: FolderRef, path: string): Promise<string | undefined> {
    const uri = fileUri(folder, path);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    // After a window reload, a tab with unsaved changes comes back before its document does: load it (from the
    // editor's backup), or the review would take the disk's text for the file's.
    if (hasDirtyTab(uri)) return (await vscode.workspace.openTextDocument(uri)).getText();
    try {
      return await readFile(uri.fsPath, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
      throw err;
    }
  }

  async apply(folder: FolderRef, edits: readonly FileEdit[]): Promise<boolean> {
    const root = folderUri(folder).fsPath;
    for (const edit of edits) {
      for (const path of edit.kind === 'rename' ? [edit.from, edit.path] : [edit.path]) {
        const why = await unwritableBecause(root, path);
        if (why) {
          this.log.warn(`Not applied: ${why}`);
          void vscode.window.showErrorMessage(vscode.l10n.t('RLM: nothing was applied: {0}.', why));
          return false;
        }
      }
      // The change was computed from the file's text a moment ago: if someone typed since, it no longer fits.
      if (edit.kind !== 'create' && (await this.read(folder, edit.kind === 'rename' ? edit.from : edit.path)) !== edit.current) {
        this.log.info(`Not applied: ${edit.path} changed while the change was being applied`);
        return false;
      }
    }
    const workspaceEdit = new vscode.WorkspaceEdit();
    for (const edit of edits) {
      const uri = fileUri(folder, edit.path);
      const metadata = { label: vscode.l10n.t('RLM: {0} {1}', edit.kind, edit.path), needsConfirmation: false };
      switch (edit.kind) {
        case 'modify':
          for (const r of edit.replacements) workspaceEdit.replace(uri, new vscode.Range(r.startLine, 0, r.endLine, 0), r.text, metadata);
          break;
        case 'create':
          workspaceEdit.createFile(uri, { overwrite: false, contents: new TextEncoder().encode(edit.text) }, metadata);
          break;
        case 'delete':
          workspaceEdit.deleteFile(uri, { ignoreIfNotExists: true }, metadata);
          break;
        case 'rename': {
          // The text changes go to the document where it is now, then it moves: one edit, one undo.
          const from = fileUri(folder, edit.from);
          for (const r of edit.replacements) workspaceEdit.replace(from, new vscode.Range(r.startLine, 0, r.endLine, 0), r.text, metadata);
          workspaceEdit.renameFile(from, uri, { overwrite: false }, metadata);
          break;
        }
      }
    }
    // Not marked as a refactoring: VS Code would then save every edited file (files.refactoring.autoSave), the
    // user's unsaved changes in them included. The edit stays in the documents, unsaved, as the user's own would.
    return vscode.workspace.applyEdit(workspaceEdit);
  }

  async showDiffs(folder: FolderRef, exchangeId: string, diffs: readonly DiffSpec[]): Promise<void> {
    const pairs = diffs.map((d) => ({
      label: fileUri(folder, d.path),
      left: d.exists ? fileUri(folder, d.from ?? d.path) : this.virtual(folder, exchangeId, 'none', d.from ?? d.path, ''),
      right: d.proposal === undefined ? this.virtual(folder, exchangeId, 'deleted', d.path, '') : this.virtual(folder, exchangeId, 'proposal', d.path, d.proposal),
      title: d.status === 'conflicted' ? vscode.l10n.t('{0} (yours ↔ RLM proposal, conflicted)', basename(d.path)) : vscode.l10n.t('{0} (RLM proposal)', basename(d.path)),
    }));
    if (pairs.length === 1) {
      const [only] = pairs;
      await vscode.commands.executeCommand('vscode.diff', only!.left, only!.right, only!.title, { preview: false });
      return;
    }
    try {
      // VS Code adds the number of files to the title.
      await vscode.commands.executeCommand('vscode.changes', vscode.l10n.t('RLM: proposed changes'), pairs.map((p) => [p.label, p.left, p.right]));
    } catch (err) {
      this.log.warn(`The multi-file diff did not open (${(err as Error).message}): one diff per file instead`);
      for (const p of pairs) await vscode.commands.executeCommand('vscode.diff', p.left, p.right, p.title, { preview: false });
    }
  }

  /** An open proposal changed (the user typed, and the proposal was merged onto their text again): the diff follows. */
  proposalsChanged(exchangeId: string, diffs: readonly DiffSpec[]): void {
    for (const d of diffs) {
      const uri = this.proposals.get(`${exchangeId}\n${d.path}`);
      const before = uri === undefined ? undefined : this.documents.get(uri);
      if (uri === undefined || before === undefined || d.proposal === undefined || before === d.proposal) continue;
      this.documents.set(uri, d.proposal);
      this.changed.fire(vscode.Uri.parse(uri));
    }
  }

  async showMerge(folder: FolderRef, exchangeId: string, input: MergeInput): Promise<void> {
    const base = this.virtual(folder, exchangeId, 'merge-base', input.path, input.base);
    const ours = this.virtual(folder, exchangeId, 'merge-ours', input.path, input.ours.text);
    const theirs = this.virtual(folder, exchangeId, 'merge-theirs', input.path, input.theirs.text);
    // With conflict markers in it, the merge editor starts the result from the base with what merges cleanly.
    const merged = merge3(input.base, input.ours.text, input.theirs.text);
    const output = vscode.Uri.from({ scheme: MERGE_SCHEME, path: fileUri(folder, input.path).path, query: `review=${exchangeId}` });
    this.mergeFiles.put(output, merged.clean ? merged.text : merged.marked, { exchangeId, path: input.path });
    try {
      await vscode.commands.executeCommand('_open.mergeEditor', {
        base,
        input1: { uri: ours, title: input.ours.title, description: input.path },
        input2: { uri: theirs, title: input.theirs.title, description: input.path },
        output,
      });
    } catch (err) {
      this.log.warn(`The merge editor did not open (${(err as Error).message}): both sides in the diff editor instead`);
      await vscode.commands.executeCommand('vscode.diff', ours, theirs, vscode.l10n.t('{0}: {1} ↔ {2}', basename(input.path), input.ours.title, input.theirs.title), { preview: false });
    }
  }

  validateCommand(folder: FolderRef): { command: string; source: SettingSource } | undefined {
    const uri = folderUri(folder);
    // The settings layer decides (user settings or a trusted workspace's; none in Restricted Mode) and says from where.
    const { settings, sources } = this.hooks.settings(uri);
    const command = settings.validateCommand;
    if (!command) return undefined;
    return { command, source: sources.validateCommand };
  }

  async confirmValidation(command: string, source: SettingSource, folder: FolderRef, files: number): Promise<boolean> {
    const run = vscode.l10n.t('Save and Run');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Run the validation command in {0}?', folder.name), {
      modal: true,
      detail: consentDetail(command, source, folderUri(folder).fsPath, files),
    }, run);
    return choice === run;
  }

  sensitivePatterns(folder: FolderRef): readonly string[] {
    return this.hooks.settings(folderUri(folder)).settings.sensitivePaths;
  }

  async confirmSensitive(_folder: FolderRef, files: ReadonlyArray<{ path: string; reason: string }>): Promise<boolean> {
    const apply = vscode.l10n.t('Apply');
    const question = files.length === 1
      ? vscode.l10n.t("Apply RLM's change to {0}? It is a sensitive file.", files[0]!.path)
      : vscode.l10n.t("Apply RLM's change to {0} sensitive files?", files.length);
    const choice = await vscode.window.showWarningMessage(question, {
      modal: true,
      detail: vscode.l10n.t('{0}.\n\nA model that read instructions planted in the code can propose such a change. Read its diff first; the validation command does not run after a sensitive file was applied.', files.map((f) => f.reason).join('\n')),
    }, apply);
    return choice === apply;
  }

  async save(folder: FolderRef, paths: readonly string[]): Promise<void> {
    for (const path of paths) {
      const uri = fileUri(folder, path).toString();
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
      if (doc?.isDirty && !(await doc.save())) throw new Error(vscode.l10n.t('{0} could not be saved', path));
    }
  }

  folderPath(folder: FolderRef): string {
    return folderUri(folder).fsPath;
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }

  private virtual(folder: FolderRef, exchangeId: string, side: string, path: string, text: string): vscode.Uri {
    const uri = reviewUri(folder, exchangeId, side, path);
    const key = uri.toString();
    if (side === 'proposal') this.proposals.set(`${exchangeId}\n${path}`, key);
    const before = this.documents.get(key);
    this.documents.set(key, text);
    if (before !== undefined && before !== text) this.changed.fire(uri);
    return uri;
  }

  private fileChanged(uri: vscode.Uri): void {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return;
    const path = uri.path.slice(folder.uri.path.replace(/\/$/, '').length + 1);
    if (path) this.hooks.filesChanged(folder.uri.toString(), [path]);
  }
}

/** Which review's file a merge result belongs to. */
interface MergeOwner {
  exchangeId: string;
  path: string;
}

/**
 * The merge editor's result files: in memory, one per conflicted file being merged. What was saved last is handed
 * back when the merge editor lets go of the file; a merge closed without saving hands back nothing.
 */
class MergeFiles implements vscode.FileSystemProvider {
  private readonly files = new Map<string, { text: string; mtime: number; owner: MergeOwner; saved?: boolean }>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  constructor(private readonly saved: (owner: MergeOwner, text: string) => void) {}

  put(uri: vscode.Uri, text: string, owner: MergeOwner): void {
    this.files.set(uri.toString(), { text, mtime: Date.now(), owner });
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const file = this.files.get(uri.toString());
    if (!file) throw vscode.FileSystemError.FileNotFound(uri);
    return { type: vscode.FileType.File, ctime: file.mtime, mtime: file.mtime, size: Buffer.byteLength(file.text) };
  }

  readFile(uri: vscode.Uri): Uint8Array {
    const file = this.files.get(uri.toString());
    if (!file) throw vscode.FileSystemError.FileNotFound(uri);
    return new TextEncoder().encode(file.text);
  }

  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    const file = this.files.get(uri.toString());
    if (!file) throw vscode.FileSystemError.NoPermissions('RLM merge results exist only while their merge is open');
    const text = new TextDecoder().decode(content);
    if (text === file.text) return;
    this.files.set(uri.toString(), { ...file, text, mtime: Date.now(), saved: true });
  }

  /** The merge editor let go of the result: its last save is the merge. */
  closed(uri: vscode.Uri): void {
    const file = this.files.get(uri.toString());
    if (!file) return;
    this.files.delete(uri.toString());
    if (file.saved) this.saved(file.owner, file.text);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}

function hasDirtyTab(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => tab.isDirty && tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === key));
}

function folderUri(folder: FolderRef): vscode.Uri {
  return vscode.Uri.parse(folder.uri);
}

function fileUri(folder: FolderRef, path: string): vscode.Uri {
  return vscode.Uri.joinPath(folderUri(folder), ...path.split('/'));
}

/**
 * A virtual document at the file's own path (so the editors name it as the file, and the multi-file diff does not
 * take it for a rename), told apart by its query: which question's review, which side.
 */
function reviewUri(folder: FolderRef, exchangeId: string, side: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: REVIEW_SCHEME, path: fileUri(folder, path).path, query: `review=${exchangeId}&side=${side}` });
}
