// One CodeWorkspace per workspace folder, opened when a question first needs it (the first walk runs in a thread
// of its own and the question starts meanwhile; parsing runs in worker threads), kept current from the editor's
// own file watcher, reopened when rlm.excludes or rlm.include changes, and closed when the folder leaves the window. Its first
// indexing can be stopped (Stop, closing the chat, the status bar): the folder then opens again at the next
// question, with what was parsed kept in the cache.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { CodeWorkspace, defaultCacheDir, describeIndexing, type IndexingProgress } from '../../core/workspace/CodeWorkspace';
import { IndexingStopped } from '../../core/workspace/FirstWalk';
import { DEFAULT_EXCLUDES } from '../../core/workspace/IgnoreRules';
import { pathInside } from '../../core/workspace/rootPaths';
import type { Workspace } from '../../core/workspace/types';
import type { FolderRef } from '../chats/ChatStore';
import type { RlmSettings } from '../settings';
import { LARGE_FOLDER_FILES, largeFolderNote } from '../views/statusText';
import { COMMANDS } from '../commandIds';
import type { Log } from '../log';
import { SetupProblem } from '../problems';
import { FileChangeQueue } from './FileChangeQueue';

/** What narrows a folder's workspace: rlm.excludes and rlm.include. */
export type FolderScope = Pick<RlmSettings, 'excludes' | 'include'>;

interface Root {
  name: string;
  /** The excludes and included folders it was opened with: other lists mean reopening. */
  scope: string;
  workspace: Promise<CodeWorkspace>;
  /** Once the open resolved (it answers from then on, while the walk and the parsing go on). */
  opened?: CodeWorkspace;
  /** Stops the first indexing: the walk, the cache load, the parsing. */
  indexing: AbortController;
  watcher: vscode.FileSystemWatcher;
  queue: FileChangeQueue;
  /** rlm.include names folders: the user already narrowed it, so a large-folder note has nothing to add. */
  narrowed: boolean;
  /** The large-folder note was shown (once per opening). */
  notedLarge?: boolean;
}

/** A folder whose first indexing runs, and how far it has got (see describeIndexing). */
export interface FolderIndexing {
  uri: string;
  name: string;
  progress?: IndexingProgress;
}

export class WorkspaceRoots implements vscode.Disposable {
  private readonly roots = new Map<string, Root>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly log: Log,
    /** A folder's workspace was replaced or closed: sessions over it must go. */
    private readonly onClosed: (workspace: Workspace) => void,
    /** VS Code's own ripgrep, when it ships one. */
    private readonly ripgrep: Promise<string | undefined>,
    /** A folder's first indexing started (for the status bar to follow it). */
    private readonly onIndexing: () => void = () => undefined,
  ) {
    this.subscriptions.push(vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const folder of e.removed) void this.close(folder.uri.toString());
    }));
  }

  static refOf(folder: vscode.WorkspaceFolder): FolderRef {
    return { uri: folder.uri.toString(), name: folder.name };
  }

  static folderOf(ref: FolderRef): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === ref.uri);
  }

  /** The folder's workspace, opened on first use. Throws SetupProblem for a folder that is gone or not on disk. */
  async open(ref: FolderRef, scope: FolderScope): Promise<Workspace> {
    const folder = WorkspaceRoots.folderOf(ref);
    if (!folder) {
      throw new SetupProblem({
        message: vscode.l10n.t('The folder "{0}" is no longer open in this window. Start a new chat to ask about the folders that are.', ref.name),
        actions: [{ label: vscode.l10n.t('New Chat'), command: COMMANDS.newChat }],
      });
    }
    if (folder.uri.scheme !== 'file') {
      throw new SetupProblem({ message: vscode.l10n.t('RLM reads folders on this machine\'s disk; "{0}" is at {1}:, which it cannot index.', folder.name, folder.uri.scheme), actions: [] });
    }
    const key = JSON.stringify([scope.excludes, scope.include]);
    const existing = this.roots.get(ref.uri);
    if (existing?.scope === key) {
      // Events still gathering for a batch apply now: a question asked just after a save sees the file as saved
      // (during the first walk they wait for its end, and the question must not).
      if (existing.opened?.index.complete) await existing.queue.flush();
      return existing.workspace;
    }
    if (existing) {
      this.log.info(`rlm.excludes or rlm.include changed: reopening ${folder.name}`);
      await this.close(ref.uri);
    }
    return this.start(folder, scope, key).workspace;
  }

  /** Closes a folder's workspace (stopping its indexing at once, then saving its symbol cache). */
  async close(uri: string): Promise<void> {
    const root = this.roots.get(uri);
    if (!root) return;
    this.roots.delete(uri);
    root.watcher.dispose();
    root.queue.dispose();
    root.indexing.abort();
    try {
      const workspace = await root.workspace;
      this.onClosed(workspace);
      await workspace.close();
    } catch (err) {
      if (!(err instanceof IndexingStopped)) this.log.warn(`Closing the workspace ${uri}: ${(err as Error).message}`);
    }
  }

  /** The folders whose first indexing runs now (a large one not narrowed yet gets its note once, when first seen so). */
  indexing(): FolderIndexing[] {
    const out: FolderIndexing[] = [];
    for (const [uri, root] of this.roots) {
      const progress = root.opened?.indexing();
      if (!progress?.done) out.push({ uri, name: root.name, ...(progress ? { progress } : {}) });
      if (progress && !progress.done && progress.listed >= LARGE_FOLDER_FILES) this.noteLarge(root, progress.listed);
    }
    return out;
  }

  /** Once per opening of a large folder not narrowed yet: which settings index less of it. */
  private noteLarge(root: Root, files: number): void {
    if (root.notedLarge || root.narrowed) return;
    root.notedLarge = true;
    const note = largeFolderNote(root.name, files);
    this.log.info(note);
    const openSettings = vscode.l10n.t('Open Settings');
    void vscode.window.showInformationMessage(vscode.l10n.t('RLM: {0}', note), openSettings).then((choice) => {
      if (choice === openSettings) void vscode.commands.executeCommand('workbench.action.openSettings', 'rlm.include');
    });
  }

  /**
   * Stops a folder's first indexing if it still runs, closing its workspace (the next question opens it again,
   * with what was parsed kept in the cache). Says how far it had got; undefined when it was not indexing.
   */
  stopIndexing(uri: string): string | undefined {
    const running = this.indexing().find((f) => f.uri === uri);
    if (!running) return undefined;
    void this.close(uri);
    return describeIndexing(running.progress);
  }

  /** Closes every folder's workspace, saving the symbol caches. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.roots.keys()].map((uri) => this.close(uri)));
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    void this.closeAll();
  }

  private start(folder: vscode.WorkspaceFolder, scope: FolderScope, key: string): Root {
    const started = Date.now();
    // How long the extension host (every extension's thread) was held at once while the folder was listed: the log
    // says it, for a user who finds the editor slow while a large folder opens (and for the end-to-end test).
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    const longestStall = () => {
      stalls.disable();
      return Math.round(stalls.max / 1e6);
    };
    const indexing = new AbortController();
    const workspace = this.ripgrep.then((ripgrep) => CodeWorkspace.start(folder.uri.fsPath, {
      exclude: [...DEFAULT_EXCLUDES, ...scope.excludes],
      include: scope.include,
      cacheDir: defaultCacheDir(),
      ripgrep,
      signal: indexing.signal,
    }));
    // Events that arrive while the folder is being indexed wait for the index, then apply.
    const queue = new FileChangeQueue(async (batch) => (await workspace).index.applyChangesAsync(batch), (err) => {
      this.log.warn(`Updating the index of ${folder.name}: ${(err as Error).message}`);
    });
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
    const add = (kind: 'created' | 'changed' | 'deleted') => (uri: vscode.Uri) => {
      const path = pathInside(folder.uri.fsPath, uri.fsPath);
      if (path) queue.add(path, kind);
    };
    watcher.onDidCreate(add('created'));
    watcher.onDidChange(add('changed'));
    watcher.onDidDelete(add('deleted'));
    const root: Root = { name: folder.name, scope: key, workspace, indexing, watcher, queue, narrowed: scope.include.length > 0 };
    this.roots.set(folder.uri.toString(), root);
    this.onIndexing();
    workspace.then(
      (w) => {
        root.opened = w;
        w.listed.then(
          () => this.log.info(`Indexed ${folder.name}: ${w.summary().files} files in ${Date.now() - started} ms, the extension host held at most ${longestStall()} ms at once (symbols are parsed in the background)`),
          (err: Error) => this.log.info(`${err.message} after ${Date.now() - started} ms (the extension host held at most ${longestStall()} ms at once)`),
        );
      },
      (err) => {
        longestStall();
        if (err instanceof IndexingStopped) this.log.info(err.message);
        else this.log.error(`Could not open ${folder.name}: ${(err as Error).message}`);
        if (this.roots.get(folder.uri.toString()) === root) {
          this.roots.delete(folder.uri.toString());
          watcher.dispose();
          queue.dispose();
        }
      },
    );
    return root;
  }
}
