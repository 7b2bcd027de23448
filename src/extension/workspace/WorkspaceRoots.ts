// One CodeWorkspace per workspace folder, opened when a question first needs it (indexing yields to the
// event loop; parsing runs in worker threads), kept current from the editor's own file watcher, reopened when
// rlm.excludes changes, and closed when the folder leaves the window.

import { isAbsolute, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { CodeWorkspace, defaultCacheDir } from '../../core/workspace/CodeWorkspace';
import { DEFAULT_EXCLUDES } from '../../core/workspace/IgnoreRules';
import type { Workspace } from '../../core/workspace/types';
import type { FolderRef } from '../chats/ChatStore';
import { COMMANDS } from '../commandIds';
import type { Log } from '../log';
import { SetupProblem } from '../problems';
import { FileChangeQueue } from './FileChangeQueue';

interface Root {
  /** The excludes it was opened with: another list means reopening. */
  excludes: string;
  workspace: Promise<CodeWorkspace>;
  watcher: vscode.FileSystemWatcher;
  queue: FileChangeQueue;
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
  async open(ref: FolderRef, excludes: readonly string[]): Promise<Workspace> {
    const folder = WorkspaceRoots.folderOf(ref);
    if (!folder) {
      throw new SetupProblem({
        message: `The folder "${ref.name}" is no longer open in this window. Start a new chat to ask about the folders that are.`,
        actions: [{ label: 'New Chat', command: COMMANDS.newChat }],
      });
    }
    if (folder.uri.scheme !== 'file') {
      throw new SetupProblem({ message: `RLM reads folders on this machine's disk; "${folder.name}" is at ${folder.uri.scheme}:, which it cannot index.`, actions: [] });
    }
    const key = JSON.stringify(excludes);
    const existing = this.roots.get(ref.uri);
    if (existing?.excludes === key) {
      // Events still gathering for a batch apply now: a question asked just after a save sees the file as saved.
      await existing.queue.flush();
      return existing.workspace;
    }
    if (existing) {
      this.log.info(`rlm.excludes changed: reopening ${folder.name}`);
      await this.close(ref.uri);
    }
    return this.start(folder, excludes, key).workspace;
  }

  /** Closes a folder's workspace (saving its symbol cache). */
  async close(uri: string): Promise<void> {
    const root = this.roots.get(uri);
    if (!root) return;
    this.roots.delete(uri);
    root.watcher.dispose();
    root.queue.dispose();
    try {
      const workspace = await root.workspace;
      this.onClosed(workspace);
      await workspace.close();
    } catch (err) {
      this.log.warn(`Closing the workspace ${uri}: ${(err as Error).message}`);
    }
  }

  /** Closes every folder's workspace, saving the symbol caches. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.roots.keys()].map((uri) => this.close(uri)));
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    void this.closeAll();
  }

  private start(folder: vscode.WorkspaceFolder, excludes: readonly string[], key: string): Root {
    const started = Date.now();
    const workspace = this.ripgrep.then((ripgrep) => CodeWorkspace.openAsync(folder.uri.fsPath, {
      exclude: [...DEFAULT_EXCLUDES, ...excludes],
      cacheDir: defaultCacheDir(),
      ripgrep,
    }));
    // Events that arrive while the folder is being indexed wait for the index, then apply.
    const queue = new FileChangeQueue(async (batch) => (await workspace).index.applyChangesAsync(batch), (err) => {
      this.log.warn(`Updating the index of ${folder.name}: ${(err as Error).message}`);
    });
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
    const add = (kind: 'created' | 'changed' | 'deleted') => (uri: vscode.Uri) => {
      const path = relative(folder.uri.fsPath, uri.fsPath);
      if (path === '' || path === '..' || path.startsWith('..' + sep) || isAbsolute(path)) return;
      queue.add(path.split(sep).join('/'), kind);
    };
    watcher.onDidCreate(add('created'));
    watcher.onDidChange(add('changed'));
    watcher.onDidDelete(add('deleted'));
    const root: Root = { excludes: key, workspace, watcher, queue };
    this.roots.set(folder.uri.toString(), root);
    workspace.then(
      (w) => this.log.info(`Indexed ${folder.name}: ${w.summary().files} files in ${Date.now() - started} ms (symbols are parsed in the background)`),
      (err) => {
        this.log.error(`Could not open ${folder.name}: ${(err as Error).message}`);
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
