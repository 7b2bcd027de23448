// The list of files the RLM may see: one small record per file (path, language, bytes, lines, mtime),
// never the file's text. Built by one walk of the root that honours the ignore rules, then kept current
// by single-path updates from the editor or from `watch()`.
//
// Consumers (the workspace host functions, the symbol index in ./syntax) read `list()` / `get()` and
// subscribe to `onDidChange` for incremental updates.

import { type Dirent, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { FileInfo } from './types';
import { PathGuard } from './PathGuard';
import { DEFAULT_EXCLUDES, IgnoreRules } from './IgnoreRules';
import { defaultGitUserPaths, type GitUserPaths } from './GitRepository';
import { inspectFile, type SkipReason } from './FileInspection';
import { HeaderMajority } from './headerLanguage';
import { WorkspaceWatcher, type WatchOptions } from './WorkspaceWatcher';
import { FirstWalk, type WalkProgress } from './FirstWalk';

/** One indexed file. `path` is workspace-relative with '/' separators. */
export interface IndexedFile extends FileInfo {
  /** Last modification time when the file was indexed (ms since the epoch). */
  readonly mtimeMs: number;
  /**
   * For a symlink: the workspace-relative real path of its target when it was admitted. Readers open
   * `path` and check that what they opened is `target ?? path` (see confinedRead.ts).
   */
  readonly target?: string;
}

export type ChangeKind = 'created' | 'changed' | 'deleted';

/** One record that appeared, changed or went away; `file` is the new record (absent for 'deleted'). */
export interface IndexChange {
  kind: ChangeKind;
  path: string;
  file?: IndexedFile;
}

export interface Disposable {
  dispose(): void;
}

export interface WorkspaceIndexOptions {
  /** Gitignore-style patterns left out on top of the .gitignore files (default DEFAULT_EXCLUDES; replaces it). */
  exclude?: readonly string[];
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
}

/** Why a path is not in the index, for error messages such as "File 'x' is not readable: it is binary". */
export interface Exclusion {
  reason: 'missing' | 'directory' | 'ignored' | 'credential' | 'symlink' | 'not-indexed' | SkipReason;
  /** Completes the sentence "... because <message>". */
  message: string;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

// Yield to the event loop this often during an async re-walk so the editor stays responsive.
const ASYNC_SLICE_MS = 8;
/** Within a folder, a walk offers to yield after this many entries. */
const ENTRIES_PER_YIELD = 32;

export class WorkspaceIndex {
  /** Real absolute path of the root. Never show it to a model: use `name`. */
  readonly root: string;
  readonly name: string;
  readonly guard: PathGuard;
  readonly maxFileBytes: number;
  private readonly rules: IgnoreRules;
  private readonly records = new Map<string, IndexedFile>();
  /** Walked (not ignored) directories, '' being the root: what a per-directory watcher watches. */
  private readonly dirs = new Set<string>();
  /**
   * File symlinks in walked folders and the workspace-relative real path each leads to (undefined when it
   * is broken or leads outside), admitted or not: a change to a target re-evaluates the links into it.
   */
  private readonly links = new Map<string, string | undefined>();
  private sorted: IndexedFile[] | undefined;
  /**
   * New records not in `sorted` yet, merged in by the next list(): during a first walk of 100,000 files, sorting
   * the whole list at each call would hold the host thread for a tenth of a second every time.
   */
  private added: IndexedFile[] = [];
  /** Decides the language of `.h` files that look neither C nor C++ (see headerLanguage.ts). */
  private readonly headers = new HeaderMajority();
  private readonly listeners = new Set<(changes: readonly IndexChange[]) => void>();
  /** The first walk when it runs in the background (`start`); undefined after a synchronous `open`. */
  private firstWalk: FirstWalk | undefined;
  /** Single-path updates that arrived during the first walk: applied once it is done. */
  private readonly deferred: Array<{ path: string; kind: ChangeKind }> = [];

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
    this.guard = new PathGuard(real);
    this.maxFileBytes = maxFileBytes;
    this.rules = new IgnoreRules(real, {
      exclude: options.exclude ?? DEFAULT_EXCLUDES,
      credentialFiles: options.credentialFiles,
      gitUserPaths: options.gitUserPaths ?? defaultGitUserPaths(),
    });
  }

  /** Indexes `root` synchronously (about a second for 5,000 files / 40 MB cold). */
  static open(root: string, options: WorkspaceIndexOptions = {}): WorkspaceIndex {
    const index = new WorkspaceIndex(root, options);
    for (const _ of index.reconcile('', [])) { /* drain the walk */ }
    index.relabelHeaders([]);
    index.rules.compact();
    return index;
  }

  /**
   * Starts the first walk in the background, in slices that yield to the event loop, and returns the index
   * at once: records appear as the walk finds them (announced to `onDidChange` as 'created' after each
   * slice), `listed` says when the list is whole, `untilListed` waits for it within a call's budget.
   */
  static start(root: string, options: WorkspaceIndexOptions = {}): WorkspaceIndex {
    const index = new WorkspaceIndex(root, options);
    const changes: IndexChange[] = [];
    const frontier = { foldersLeft: 1 };
    index.firstWalk = new FirstWalk(index.name, index.reconcile('', changes, frontier), {
      slice: () => index.notify(changes.splice(0)),
      finish: () => {
        index.relabelHeaders(changes);
        index.rules.compact();
        index.notify(changes.splice(0));
      },
      progress: () => ({ files: index.records.size, folders: index.dirs.size, foldersLeft: frontier.foldersLeft }),
    }, options.signal);
    return index;
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
    return { ...(this.firstWalk?.progress() ?? { files: this.records.size, folders: this.dirs.size, foldersLeft: 0 }), done: this.complete };
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
    if (!this.sorted) {
      this.sorted = [...this.records.values()].sort(byPath);
    } else if (this.added.length > 0) {
      this.sorted = mergeSorted(this.sorted, this.added.sort(byPath));
    }
    this.added = [];
    return this.sorted;
  }

  /** Indexed directories ('' is the root). */
  directories(): ReadonlySet<string> {
    return this.dirs;
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
    const verdict = this.rules.checkDeep(relativePath, false);
    if (verdict.ignored) return { reason: verdict.credential ? 'credential' : 'ignored', message: `it is ${verdict.why}` };
    if (!this.dirs.has(parentOf(relativePath))) {
      return { reason: 'not-indexed', message: 'it is inside a folder symlink, and folder symlinks are not followed' };
    }
    if (link.isSymbolicLink()) {
      const resolved = this.resolveLink(absolute);
      if (resolved.exclusion) return resolved.exclusion;
    } else if (!link.isFile()) {
      return NOT_A_FILE; // a FIFO would block the thread that opens it
    }
    const inspection = inspectFile(absolute, relativePath, this.maxFileBytes);
    return inspection.kind === 'skipped' ? { reason: inspection.reason, message: inspection.detail } : undefined;
  }

  /** Why a folder is not indexed (ignored, excluded, a credential folder rule), or undefined when it is. */
  explainFolder(relativePath: string): Exclusion | undefined {
    if (relativePath === '' || this.dirs.has(relativePath)) return undefined;
    const link = lstatSync(this.guard.absolute(relativePath), { throwIfNoEntry: false });
    if (!link) return { reason: 'missing', message: 'there is no such folder' };
    if (!link.isDirectory()) return { reason: 'not-a-file', message: 'it is not a folder' };
    const verdict = this.rules.checkDeep(relativePath, true);
    if (verdict.ignored) return { reason: verdict.credential ? 'credential' : 'ignored', message: `it is ${verdict.why}` };
    return { reason: 'not-indexed', message: 'it is inside a folder symlink, and folder symlinks are not followed' };
  }

  /**
   * Why a file may not be created at a workspace-relative path that does not exist yet, or undefined when it
   * may: the ignore and credential rules apply to it as to a file found there, and no folder on the way may be
   * a symlink (a write through it could land outside the workspace) or a file.
   */
  explainNew(relativePath: string): Exclusion | undefined {
    const verdict = this.rules.checkDeep(relativePath, false);
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
      for (const _ of this.update(relative, kind, changes)) { /* drain */ }
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
      for (const _ of this.update(relative, kind, changes)) {
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
    this.refreshLinksInto(scopes, changes);
    this.relabelHeaders(changes);
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

  /** Keeps the index current from file-system events until disposed. See WorkspaceWatcher for the strategy. */
  watch(options: WatchOptions = {}): Disposable {
    return new WorkspaceWatcher(this, options);
  }

  private *update(relative: string, kind: ChangeKind, changes: IndexChange[]): Generator<void> {
    // The root, or the root's ignore rules: re-evaluate everything (existing files are not re-read).
    if (relative === '' || relative === '.git/info/exclude' || relative === '.git/info') {
      yield* this.reconcile('', changes);
      return;
    }
    const parent = parentOf(relative);
    if (path.posix.basename(relative) === '.gitignore' && this.dirs.has(parent)) {
      yield* this.reconcile(parent, changes); // reloads the rules and re-evaluates only that subtree
      return;
    }
    if (kind === 'deleted') {
      this.remove(relative, changes);
      this.links.delete(relative);
      return;
    }
    if (!this.dirs.has(parent)) {
      // A file in a folder we have not walked: the folder is ignored, or new (its own event may come later).
      if (parent !== '' && !this.rules.checkDeep(parent, true).ignored) yield* this.update(parent, 'created', changes);
      return;
    }
    const absolute = this.guard.absolute(relative);
    let link;
    try {
      link = lstatSync(absolute);
    } catch {
      this.remove(relative, changes);
      this.links.delete(relative);
      return;
    }
    if (link.isDirectory()) {
      this.links.delete(relative);
      if (this.rules.check(relative, true).ignored) this.remove(relative, changes);
      else yield* this.reconcile(relative, changes);
      return;
    }
    if (this.dirs.has(relative)) this.remove(relative, changes); // a folder replaced by a file
    if ((!link.isFile() && !link.isSymbolicLink()) || this.rules.check(relative, false).ignored) {
      this.remove(relative, changes); // FIFOs, sockets and devices are never opened
      this.links.delete(relative);
    } else {
      this.admit(relative, link.isSymbolicLink(), changes);
    }
  }

  /**
   * Walks `dir` (reloading its rule files) and makes the records under it match the disk: new files are
   * added, changed ones re-read, vanished or newly ignored ones removed. Yields after each folder;
   * `frontier` follows how many folders are found but not read yet.
   */
  private *reconcile(dir: string, changes: IndexChange[], frontier?: { foldersLeft: number }): Generator<void> {
    const before = new Set<string>();
    const prefix = dir === '' ? '' : dir + '/';
    for (const key of this.records.keys()) if (key.startsWith(prefix)) before.add(key);
    for (const known of [...this.dirs]) if (known === dir || known.startsWith(prefix)) this.dirs.delete(known);
    for (const link of [...this.links.keys()]) if (link.startsWith(prefix)) this.links.delete(link);
    this.rules.forgetSubtree(dir);

    // Links are admitted after the walk, once the rule files of every folder they may lead into are loaded.
    const links: string[] = [];
    const stack = [dir];
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (frontier) frontier.foldersLeft = stack.length + 1;
      let entries: Dirent[];
      try {
        entries = readdirSync(this.guard.absolute(current), { withFileTypes: true });
      } catch {
        continue; // vanished or unreadable: its records are removed below
      }
      this.dirs.add(current);
      this.rules.loadDirectory(current);
      let inspected = 0;
      for (const entry of entries) {
        // One folder may hold thousands of files, each read once: let an async walk yield within it too.
        if (++inspected % ENTRIES_PER_YIELD === 0) yield;
        if (!isPortableName(entry.name)) continue;
        const relative = current === '' ? entry.name : `${current}/${entry.name}`;
        if (entry.isDirectory()) {
          if (!this.rules.check(relative, true).ignored) {
            stack.push(relative);
            if (frontier) frontier.foldersLeft++;
          }
        } else if (entry.isFile() || entry.isSymbolicLink()) {
          if (this.rules.check(relative, false).ignored) continue;
          if (entry.isSymbolicLink()) links.push(relative);
          else if (this.admit(relative, false, changes)) before.delete(relative);
        }
      }
      if (frontier) frontier.foldersLeft = stack.length;
      yield;
    }
    for (const link of links) {
      if (this.admit(link, true, changes)) before.delete(link);
      yield;
    }
    for (const gone of before) this.remove(gone, changes);
  }

  /** Adds or refreshes one file's record; returns true when the file is (still) indexed. */
  private admit(relative: string, isSymlink: boolean, changes: IndexChange[]): boolean {
    const absolute = this.guard.absolute(relative);
    let target: string | undefined;
    if (isSymlink) {
      const resolved = this.resolveLink(absolute);
      this.links.set(relative, resolved.target);
      if (resolved.exclusion) {
        this.remove(relative, changes);
        return false;
      }
      target = resolved.target;
    } else {
      this.links.delete(relative);
    }
    const existing = this.records.get(relative);
    if (existing && existing.target === target) {
      try {
        const stat = statSync(absolute);
        if (stat.mtimeMs === existing.mtimeMs && stat.size === existing.bytes) return true;
      } catch {
        // fall through: inspectFile reports it
      }
    }
    const inspection = inspectFile(absolute, relative, this.maxFileBytes);
    if (inspection.kind === 'skipped') {
      this.remove(relative, changes);
      return false;
    }
    const file: IndexedFile = {
      path: relative,
      language: this.headers.record(relative, inspection.language, inspection.plainHeader === true),
      bytes: inspection.bytes,
      lines: inspection.lines,
      mtimeMs: inspection.mtimeMs,
      ...(target === undefined ? {} : { target }),
    };
    this.records.set(relative, file);
    if (existing) this.forgetOrder();
    else if (this.sorted) this.added.push(file);
    changes.push({ kind: existing ? 'changed' : 'created', path: relative, file });
    return true;
  }

  /**
   * Where a file symlink leads (workspace-relative) and, when it may not be indexed, why: it is refused
   * like its target (ignored, excluded, under .git, a credential file) and whenever it leaves the root.
   */
  private resolveLink(absolute: string): { target?: string; exclusion?: Exclusion } {
    let real: string;
    try {
      real = realpathSync.native(absolute);
    } catch {
      return { exclusion: { reason: 'symlink', message: 'it is a broken symlink' } };
    }
    if (!this.guard.contains(real)) return { exclusion: { reason: 'symlink', message: 'it is a symlink that leads outside the workspace' } };
    const target = path.relative(this.root, real).split(path.sep).join('/');
    const stat = statSync(real, { throwIfNoEntry: false });
    if (!stat) return { target, exclusion: { reason: 'symlink', message: 'it is a broken symlink' } };
    if (stat.isDirectory()) return { target, exclusion: { reason: 'symlink', message: 'it is a symlink to a folder, and folder symlinks are not followed' } };
    if (!stat.isFile()) return { target, exclusion: { reason: 'symlink', message: 'it is a symlink to something that is not a regular file' } };
    const verdict = this.rules.checkDeep(target, false);
    if (verdict.ignored) return { target, exclusion: { reason: 'symlink', message: `it is a symlink to '${target}', which is ${verdict.why}` } };
    return { target };
  }

  /**
   * Re-evaluates the links whose target lies in one of `scopes` ('' is everything) or is unknown: a
   * target that became ignored, changed or vanished takes its links along.
   */
  private refreshLinksInto(scopes: readonly string[], changes: IndexChange[]): void {
    if (this.links.size === 0) return;
    for (const [link, target] of [...this.links]) {
      if (target !== undefined && !scopes.some((scope) => scope === '' || target === scope || target.startsWith(scope + '/'))) continue;
      for (const _ of this.update(link, 'changed', changes)) { /* drain */ }
    }
  }

  /**
   * When the workspace's C-family majority turned (C to C++ or back), the plain `.h` headers already recorded
   * take the new language: their records change, and so does the batch's news about them.
   */
  private relabelHeaders(changes: IndexChange[]): void {
    const relabel = this.headers.settle();
    if (relabel.length === 0) return;
    const inBatch = new Map(changes.map((c, i) => [c.path, i]));
    for (const { path: relative, language } of relabel) {
      const old = this.records.get(relative);
      if (!old) continue;
      const file: IndexedFile = { ...old, language };
      this.records.set(relative, file);
      const at = inBatch.get(relative);
      if (at !== undefined) changes[at] = { ...changes[at], file };
      else changes.push({ kind: 'changed', path: relative, file });
    }
    this.forgetOrder();
  }

  /** A record changed or went: list() sorts again from scratch. */
  private forgetOrder(): void {
    this.sorted = undefined;
    this.added = [];
  }

  /** Removes the record of `relative` and, when it was a folder, everything under it. */
  private remove(relative: string, changes: IndexChange[]): void {
    this.headers.forget(relative);
    if (this.records.delete(relative)) {
      this.forgetOrder();
      changes.push({ kind: 'deleted', path: relative });
    }
    if (!this.dirs.has(relative)) return;
    const prefix = relative + '/';
    for (const key of [...this.records.keys()]) {
      if (key.startsWith(prefix)) {
        this.headers.forget(key);
        this.records.delete(key);
        this.forgetOrder();
        changes.push({ kind: 'deleted', path: key });
      }
    }
    for (const known of [...this.dirs]) if (known === relative || known.startsWith(prefix)) this.dirs.delete(known);
    for (const link of [...this.links.keys()]) if (link.startsWith(prefix)) this.links.delete(link);
    this.rules.forgetSubtree(relative);
  }
}

const NOT_A_FILE: Exclusion = { reason: 'not-a-file', message: 'it is not a regular file (a pipe, socket or device)' };

/** What a change to `relative` can affect: its own subtree, or a .gitignore's whole folder ('' is everything). */
function affectedScope(relative: string): string {
  if (relative === '.git/info' || relative.startsWith('.git/info/')) return '';
  return path.posix.basename(relative) === '.gitignore' ? parentOf(relative) : relative;
}

function parentOf(relative: string): string {
  const slash = relative.lastIndexOf('/');
  return slash === -1 ? '' : relative.slice(0, slash);
}

// Names that cannot round-trip through model code and tool output (backslashes read as separators,
// newlines break line-based output) are left out.
function isPortableName(name: string): boolean {
  return !/[\\\n\r\0]/.test(name);
}

/** Code-unit order of paths: how list() and every answer built from it are sorted. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** Two lists sorted by path, as one (linear: for a list that grows by a slice at a time). */
function mergeSorted(a: readonly IndexedFile[], b: readonly IndexedFile[]): IndexedFile[] {
  const out: IndexedFile[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = byPath(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
