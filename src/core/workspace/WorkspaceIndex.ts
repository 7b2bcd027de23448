// The list of files the RLM may see: one small record per file (FileRecords.ts), never the file's text. Built by
// one walk of the root that honours the ignore rules (in threads of its own, see WalkThread), then kept current
// by single-path updates from the editor or from a WorkspaceWatcher. How the disk becomes records is
// FolderWalker's; this is what the index holds, when it is whole, and who hears of changes.
//
// Consumers (the workspace host functions, the symbol index in ./syntax) read `list()` / `get()` and
// subscribe to `onDidChange` for incremental updates.

import { lstatSync, realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { inspectFile } from './FileInspection';
import { type ChangeKind, type Disposable, type Exclusion, FileRecords, type IndexChange, type IndexedFile } from './FileRecords';
import { FirstWalk, type WalkProgress, type WalkSource } from './FirstWalk';
import { affectedScope, FolderWalker, parentOf, type WalkFrontier, type WalkRules } from './FolderWalker';
import { defaultGitUserPaths, type GitUserPaths } from './GitRepository';
import { DEFAULT_EXCLUDES } from './IgnoreRules';
import { inspectionCacheFile } from './InspectionCache';
import type { PathGuard } from './PathGuard';
import { WalkThread } from './WalkThread';

export { byPath, type ChangeKind, type Disposable, type Exclusion, type IndexChange, type IndexedFile } from './FileRecords';

export interface WorkspaceIndexOptions {
  /** Gitignore-style patterns left out on top of the .gitignore files (default DEFAULT_EXCLUDES; replaces it). */
  exclude?: readonly string[];
  /**
   * Index only these folders (globs such as 'packages/api' or 'services/*', see IncludeRules); the other rules
   * still apply inside them. Absent or empty: the whole folder.
   */
  include?: readonly string[];
  /**
   * Gitignore-style patterns of credential files, left out even when no ignore rule mentions them
   * (default DEFAULT_CREDENTIAL_FILES from credentialFiles.ts; a list replaces it, `[]` turns it off,
   * `!pattern` lets a path through: see allowCredentialFiles).
   */
  credentialFiles?: readonly string[];
  /**
   * Where git's user-level settings are read when the workspace is in a git repository (~/.gitconfig,
   * $XDG_CONFIG_HOME/git/config, the default ~/.config/git/ignore). Default: $HOME and $XDG_CONFIG_HOME.
   */
  gitUserPaths?: GitUserPaths;
  /** Files larger than this are skipped (default 1 MB). */
  maxFileBytes?: number;
  /**
   * Directory symlinks are never followed (cycles, duplicates); file symlinks are indexed when their real
   * path stays inside the root. Only `false` is supported; the option exists to make that explicit.
   */
  followSymlinks?: false;
  /** Stops the first walk (see `start`); openAsync then rejects with IndexingStopped. */
  signal?: AbortSignal;
  /**
   * Where the first walk (`start`) keeps what it learnt of each file (InspectionCache.ts), so that the next one
   * stats unchanged files instead of reading them. None: every file is read.
   */
  cacheDir?: string;
  /** Threads the first walk (`start`) splits its files among (default: one per core, at most WALK_THREADS). */
  walkThreads?: number;
}

/**
 * At most this many walk threads. Each reads every folder and checks the folders' rules, and opens and reads its
 * share of the files, which is most of a walk's time: on 2 cores, from `CodeWorkspace.start` to the first whole
 * `files()` of 96,000 files, two threads took 2.9-3.0 s against 3.6-4.2 s for one (the system calls of two threads
 * in one process contend, so not half). More threads would read the folders more often for less each.
 */
export const WALK_THREADS = 3;

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

// Yield to the event loop this often during an async re-walk so the editor stays responsive.
const ASYNC_SLICE_MS = 8;

export class WorkspaceIndex {
  /** Real absolute path of the root. Never show it to a model: use `name`. */
  readonly root: string;
  readonly name: string;
  readonly guard: PathGuard;
  readonly maxFileBytes: number;
  private readonly records = new FileRecords();
  private readonly walker: FolderWalker;
  /** The options the walks follow, resolved (the walk thread gets them too). */
  private readonly walkRules: WalkRules;
  private readonly listeners = new Set<(changes: readonly IndexChange[]) => void>();
  /** The first walk when it runs in the background (`start`); undefined after a synchronous `open`. */
  private firstWalk: FirstWalk | undefined;
  /** Single-path updates that arrived during the first walk: applied once it is done. */
  private readonly deferred: Array<{ path: string; kind: ChangeKind }> = [];
  private readonly cacheDir: string | undefined;
  private readonly walkThreads: number;

  private constructor(root: string, options: WorkspaceIndexOptions) {
    let real: string;
    try {
      real = realpathSync.native(root); // the form confinedRead compares with: canonical case on macOS
    } catch {
      throw new Error(`Workspace root '${root}' does not exist: pass an existing folder`);
    }
    if (!statSync(real).isDirectory()) throw new Error(`Workspace root '${root}' is not a folder: pass the folder to index`);
    const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    if (!Number.isFinite(maxFileBytes) || maxFileBytes <= 0) {
      throw new Error(`maxFileBytes must be a positive number of bytes, got ${options.maxFileBytes}`);
    }
    this.root = real;
    this.name = path.basename(real);
    this.maxFileBytes = maxFileBytes;
    this.walkRules = {
      exclude: options.exclude ?? DEFAULT_EXCLUDES, include: options.include, credentialFiles: options.credentialFiles,
      gitUserPaths: options.gitUserPaths ?? defaultGitUserPaths(), maxFileBytes,
    };
    this.walker = new FolderWalker(real, this.records, this.walkRules);
    this.cacheDir = options.cacheDir;
    this.walkThreads = Math.max(1, Math.floor(options.walkThreads ?? Math.min(WALK_THREADS, availableParallelism())));
    this.guard = this.walker.guard;
  }

  /** Indexes `root` synchronously (about a second for 5,000 files / 40 MB cold). */
  static open(root: string, options: WorkspaceIndexOptions = {}): WorkspaceIndex {
    const index = new WorkspaceIndex(root, options);
    for (const _ of index.walker.reconcile('', [])) { /* drain the walk */ }
    index.walker.finishWalk([]);
    return index;
  }

  /**
   * Starts the first walk in the background, in a thread of its own (WalkThread), and returns the index at once:
   * records appear as the walk finds them (announced to `onDidChange` as 'created' as each batch arrives),
   * `listed` says when the list is whole, `untilListed` waits for it within a call's budget.
   */
  static start(root: string, options: WorkspaceIndexOptions = {}): WorkspaceIndex {
    const index = new WorkspaceIndex(root, options);
    const changes: IndexChange[] = [];
    const frontier: WalkFrontier = { foldersLeft: 1 };
    index.firstWalk = new FirstWalk(index.name, index.walkThread(changes, frontier), {
      slice: () => index.notify(changes.splice(0)),
      finish: () => {
        index.walker.finishWalk(changes);
        index.notify(changes.splice(0));
      },
      progress: () => ({ files: index.records.size, folders: index.walker.dirs.size, foldersLeft: frontier.foldersLeft }),
    }, options.signal);
    return index;
  }

  /**
   * The first walk in threads of its own: each step takes in the next batch any of them sent (the first thread's
   * batches say how many folders are left); the walk is over when every thread has sent its last.
   */
  private walkThread(changes: IndexChange[], frontier: WalkFrontier): WalkSource {
    const of = this.walkThreads;
    const threads = Array.from({ length: of }, (_, index) => new WalkThread({
      root: this.root, ...this.walkRules, share: { index, of },
      ...(this.cacheDir === undefined ? {} : { inspectionCache: inspectionCacheFile(this.cacheDir, this.root, { index, of }) }),
    }));
    const next = (index: number) => {
      const batch = threads[index]!.next().then((b) => ({ index, batch: b }));
      batch.catch(() => undefined); // a failure reaches the next step's race; until then it is not unhandled
      return batch;
    };
    const pending = new Map(threads.map((_, index) => [index, next(index)]));
    return {
      step: async () => {
        const { index, batch } = await Promise.race(pending.values());
        this.walker.takeWalked(batch, changes);
        if (index === 0) frontier.foldersLeft = batch.foldersLeft;
        if (batch.done) pending.delete(index);
        else pending.set(index, next(index));
        return pending.size > 0;
      },
      end: () => threads.forEach((thread) => thread.terminate()),
    };
  }

  /** Like `open`, but yields to the event loop every few milliseconds (for the extension host). */
  static async openAsync(root: string, options: WorkspaceIndexOptions = {}): Promise<WorkspaceIndex> {
    const index = WorkspaceIndex.start(root, options);
    await index.listed;
    return index;
  }

  /** Resolves when the first walk is done (at once after `open`); rejects with IndexingStopped when it was stopped. */
  get listed(): Promise<void> {
    return this.firstWalk?.finished ?? Promise.resolve();
  }

  /** True while the first walk runs: the list holds only what it found so far. */
  get walking(): boolean {
    return this.firstWalk?.walking ?? false;
  }

  /** True once the first walk is done: the list holds every file (false while it runs, and after it was stopped). */
  get complete(): boolean {
    return this.firstWalk?.done ?? true;
  }

  /** How far the first walk has got (all of it once done). */
  walkProgress(): WalkProgress & { done: boolean } {
    return { ...(this.firstWalk?.progress() ?? { files: this.records.size, folders: this.walker.dirs.size, foldersLeft: 0 }), done: this.complete };
  }

  /**
   * Waits for the first walk until `until` (epoch ms) or the signal. Undefined when the file list is whole;
   * otherwise a note for the model saying how much of it is known.
   */
  untilListed(until: number, signal?: AbortSignal): Promise<string | undefined> {
    return this.firstWalk?.wait(until, signal) ?? Promise.resolve(undefined);
  }

  /** Stops a first walk still running (the index then keeps what it found). */
  stop(): void {
    this.firstWalk?.stop();
  }

  get size(): number {
    return this.records.size;
  }

  /** The record of a workspace-relative path ('src/a.ts'), if indexed. */
  get(relativePath: string): IndexedFile | undefined {
    return this.records.get(relativePath);
  }

  /** Every record, sorted by path (code-unit order). The array is shared: do not mutate it. */
  list(): readonly IndexedFile[] {
    return this.records.list();
  }

  /** Indexed directories ('' is the root). */
  directories(): ReadonlySet<string> {
    return this.walker.dirs;
  }

  /** Why a workspace-relative path is not indexed, or undefined when it is (or could be, the index being stale). */
  explain(relativePath: string): Exclusion | undefined {
    if (this.records.has(relativePath)) return undefined;
    if (relativePath === '') return { reason: 'directory', message: 'it is the workspace folder itself' };
    const absolute = this.guard.absolute(relativePath);
    let link;
    try {
      link = lstatSync(absolute);
    } catch {
      return { reason: 'missing', message: 'there is no such file' };
    }
    if (link.isDirectory()) return { reason: 'directory', message: 'it is a folder (list its files with files())' };
    const verdict = this.walker.rules.checkDeep(relativePath, false);
    if (verdict.ignored) return { reason: verdict.credential ? 'credential' : 'ignored', message: `it is ${verdict.why}` };
    if (!this.walker.dirs.has(parentOf(relativePath))) {
      return { reason: 'not-indexed', message: 'it is inside a folder symlink, and folder symlinks are not followed' };
    }
    if (link.isSymbolicLink()) {
      const resolved = this.walker.resolveLink(absolute);
      if (resolved.exclusion) return resolved.exclusion;
    } else if (!link.isFile()) {
      return NOT_A_FILE; // a FIFO would block the thread that opens it
    }
    const inspection = inspectFile(absolute, relativePath, this.maxFileBytes);
    return inspection.kind === 'skipped' ? { reason: inspection.reason, message: inspection.detail } : undefined;
  }

  /** Why a folder is not indexed (ignored, excluded, a credential folder rule), or undefined when it is. */
  explainFolder(relativePath: string): Exclusion | undefined {
    if (relativePath === '' || this.walker.dirs.has(relativePath)) return undefined;
    const link = lstatSync(this.guard.absolute(relativePath), { throwIfNoEntry: false });
    if (!link) return { reason: 'missing', message: 'there is no such folder' };
    if (!link.isDirectory()) return { reason: 'not-a-file', message: 'it is not a folder' };
    const verdict = this.walker.rules.checkDeep(relativePath, true);
    if (verdict.ignored) return { reason: verdict.credential ? 'credential' : 'ignored', message: `it is ${verdict.why}` };
    return { reason: 'not-indexed', message: 'it is inside a folder symlink, and folder symlinks are not followed' };
  }

  /**
   * Why a file may not be created at a workspace-relative path that does not exist yet, or undefined when it
   * may: the ignore and credential rules apply to it as to a file found there, and no folder on the way may be
   * a symlink (a write through it could land outside the workspace) or a file.
   */
  explainNew(relativePath: string): Exclusion | undefined {
    const verdict = this.walker.rules.checkDeep(relativePath, false);
    if (verdict.ignored) return { reason: verdict.credential ? 'credential' : 'ignored', message: `it is ${verdict.why}` };
    const parts = relativePath.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      const link = lstatSync(this.guard.absolute(folder), { throwIfNoEntry: false });
      if (!link) break; // the rest of the way is new folders
      if (link.isSymbolicLink()) return { reason: 'symlink', message: `the folder '${folder}' is a symlink` };
      if (!link.isDirectory()) return { reason: 'not-a-file', message: `'${folder}' is a file, not a folder` };
    }
    return undefined;
  }

  /** Updates the index for one path that the editor or a watcher saw change; returns what changed. */
  applyChange(relativePath: string, kind: ChangeKind): IndexChange[] {
    return this.applyChanges([{ path: relativePath, kind }]);
  }

  /** Several updates at once, announced to listeners as one batch. During the first walk they wait for its end. */
  applyChanges(batch: ReadonlyArray<{ path: string; kind: ChangeKind }>): IndexChange[] {
    if (this.walking) {
      // The walk owns the folders' state until it ends; a path it has not reached yet, it will see as it is.
      if (this.deferred.length === 0) this.listed.then(() => this.applyChangesAsync(this.deferred.splice(0))).catch(() => undefined);
      for (const change of batch) this.deferred.push(change);
      return [];
    }
    const changes: IndexChange[] = [];
    const scopes: string[] = [];
    for (const { path: input, kind } of batch) {
      const relative = this.guard.relative(input);
      for (const _ of this.walker.update(relative, kind, changes)) { /* drain */ }
      scopes.push(affectedScope(relative));
    }
    return this.announce(scopes, changes);
  }

  /**
   * applyChanges, yielding to the event loop every few milliseconds: a `.gitignore` edit at the root re-walks
   * the whole folder, which takes seconds on a monorepo. For the watcher (and the editor's file events).
   */
  async applyChangesAsync(batch: ReadonlyArray<{ path: string; kind: ChangeKind }>): Promise<IndexChange[]> {
    await this.listed; // the first walk ends first (or this fails with IndexingStopped)
    const changes: IndexChange[] = [];
    const scopes: string[] = [];
    let sliceStart = Date.now();
    for (const { path: input, kind } of batch) {
      const relative = this.guard.relative(input);
      for (const _ of this.walker.update(relative, kind, changes)) {
        if (Date.now() - sliceStart > ASYNC_SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = Date.now();
        }
      }
      scopes.push(affectedScope(relative));
    }
    return this.announce(scopes, changes);
  }

  /** Finishes a batch: links and headers that depend on what changed, then the listeners. */
  private announce(scopes: string[], changes: IndexChange[]): IndexChange[] {
    this.walker.refreshLinksInto(scopes, changes);
    this.walker.relabelHeaders(changes);
    this.notify(changes);
    return changes;
  }

  private notify(changes: IndexChange[]): void {
    if (changes.length === 0) return;
    // One consumer's bug must not keep the others from hearing about the change.
    let failure: unknown;
    for (const listener of [...this.listeners]) {
      try {
        listener(changes);
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** Calls `listener` with every batch of changes (from applyChange(s) or the watcher). */
  onDidChange(listener: (changes: readonly IndexChange[]) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

}

const NOT_A_FILE: Exclusion = { reason: 'not-a-file', message: 'it is not a regular file (a pipe, socket or device)' };
