// How the index learns about the disk: walks of a folder that honour the ignore rules (the first walk, in
// the walk thread, and a re-walk when rules change), single-path updates (from the editor or the watcher), symlinks
// and the C/C++ header vote. It turns what is on disk into records and says what changed; WorkspaceIndex owns
// when that runs and who hears of it.

import { type Dirent, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { inspectFile, type Inspection } from './FileInspection';
import type { ChangeKind, Exclusion, FileRecords, IndexChange, IndexedFile } from './FileRecords';
import { defaultGitUserPaths, type GitUserPaths } from './GitRepository';
import { HeaderMajority } from './headerLanguage';
import { DEFAULT_EXCLUDES, IgnoreRules } from './IgnoreRules';
import { InspectionCache, sweepInspectionCaches } from './InspectionCache';
import { PathGuard } from './PathGuard';
import { waitForHost, type WalkBatch, type WalkThreadData } from './WalkThread';

/** Within a folder, a walk offers to yield after this many entries. */
const ENTRIES_PER_YIELD = 32;
/** The walk thread sends what it found this often. */
const BATCH_MS = 8;

/** How far a walk has got: folders found but not read yet; for the walk thread, what to send on. */
export interface WalkFrontier {
  foldersLeft: number;
  /** Folders read since the last batch. */
  read?: string[];
  /** Those of them with rules of their own (the root always). */
  ruled?: string[];
  /** Plain `.h` files admitted since the last batch. */
  plainHeaders?: string[];
}

/** The rules a walk follows (WorkspaceIndexOptions, resolved). */
export interface WalkRules {
  exclude?: readonly string[];
  include?: readonly string[];
  credentialFiles?: readonly string[];
  gitUserPaths?: GitUserPaths;
  maxFileBytes: number;
}

export class FolderWalker {
  readonly guard: PathGuard;
  readonly rules: IgnoreRules;
  readonly maxFileBytes: number;
  /** Walked (not ignored) directories, '' being the root: what a per-directory watcher watches. */
  readonly dirs = new Set<string>();
  /**
   * File symlinks in walked folders and the workspace-relative real path each leads to (undefined when it
   * is broken or leads outside), admitted or not: a change to a target re-evaluates the links into it.
   */
  private readonly links = new Map<string, string | undefined>();
  /** Decides the language of `.h` files that look neither C nor C++ (see headerLanguage.ts). */
  private readonly headers = new HeaderMajority();
  /** Whether this walk admits a file: all of them, or its share when several walk threads split the files. */
  private mine = (_relative: string): boolean => true;
  /** How a file is looked at: at once, or through the first walk's InspectionCache. */
  private inspect = (absolute: string, relative: string): Inspection => inspectFile(absolute, relative, this.maxFileBytes);

  /** `root` is the real absolute path of the workspace folder. */
  constructor(readonly root: string, readonly records: FileRecords, options: WalkRules) {
    this.guard = new PathGuard(root);
    this.maxFileBytes = options.maxFileBytes;
    this.rules = new IgnoreRules(root, {
      exclude: options.exclude ?? DEFAULT_EXCLUDES,
      include: options.include,
      credentialFiles: options.credentialFiles,
      gitUserPaths: options.gitUserPaths ?? defaultGitUserPaths(),
    });
  }

  /**
   * The first walk as the walk thread runs it (walkWorker.ts): the same walk as WorkspaceIndex.open, sent in
   * batches of a few milliseconds' work that the index takes in on the host (takeWalked). What was sent is not kept.
   */
  static walkInBatches(data: WalkThreadData, records: FileRecords, send: (batch: WalkBatch) => void): void {
    const { root, inspectionCache, share, ...options } = data;
    const walker = new FolderWalker(root, records, options);
    const cache = inspectionCache === undefined ? undefined : InspectionCache.load(inspectionCache, walker.maxFileBytes);
    if (cache) walker.inspect = (absolute, relative) => cache.inspect(absolute, relative);
    if (share.of > 1) walker.mine = (relative) => shareOf(relative, share.of) === share.index;
    const changes: IndexChange[] = [];
    // Every thread reads every folder (the rules need it); the first one tells the host about them.
    const frontier: WalkFrontier = { foldersLeft: 1, plainHeaders: [], ...(share.index === 0 ? { read: [], ruled: [] } : {}) };
    const taken = new Int32Array(data.taken);
    let sent = 0;
    const flush = (done: boolean) => {
      const files = changes.splice(0).flatMap((change) => (change.file ? [change.file] : []));
      waitForHost(taken, sent++);
      send({
        files, plainHeaders: frontier.plainHeaders!.splice(0), dirs: frontier.read?.splice(0) ?? [], ruleDirs: frontier.ruled?.splice(0) ?? [],
        links: done ? [...walker.links] : [], foldersLeft: frontier.foldersLeft, done,
      });
      records.clear(); // a first walk never looks a record up again; the host holds them
    };
    let sliceStart = performance.now();
    for (const _ of walker.reconcile('', changes, frontier)) {
      if (performance.now() - sliceStart > BATCH_MS) {
        flush(false);
        sliceStart = performance.now();
      }
    }
    flush(true);
    cache?.save(); // after the last batch: the host does not wait for it
    if (inspectionCache !== undefined && share.index === 0) sweepInspectionCaches(inspectionCache);
  }

  /** Once a walk of the whole folder is done: settles the header vote and packs the rules for the checks to come. */
  finishWalk(changes: IndexChange[]): void {
    this.relabelHeaders(changes);
    this.rules.compact();
  }

  /** Takes in what the walk thread found: its folders' ignore rules are loaded here too, for later updates. */
  takeWalked(batch: WalkBatch, changes: IndexChange[]): void {
    for (const dir of batch.dirs) this.dirs.add(dir);
    for (const dir of batch.ruleDirs) this.rules.loadDirectory(dir);
    const plain = new Set(batch.plainHeaders);
    for (const file of batch.files) {
      const isPlain = plain.has(file.path);
      file.language = this.headers.record(file.path, isPlain ? 'c' : file.language, isPlain);
      this.records.set(file);
      changes.push({ kind: 'created', path: file.path, file });
    }
    for (const [link, target] of batch.links) this.links.set(link, target);
  }

  *update(relative: string, kind: ChangeKind, changes: IndexChange[]): Generator<void> {
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
   * added, changed ones re-read, vanished or newly ignored ones removed. Depth first, each folder's entries in
   * name order with a folder's name read as 'name/', so files are found in path order (code-unit order, as list()
   * sorts them): sorting a list that arrives sorted is linear, where the walk's own order cost the host thread a
   * tenth of a second at the end of a monorepo's walk. Yields after each folder, and within large ones;
   * `frontier` follows how many folders are found but not read yet.
   */
  *reconcile(dir: string, changes: IndexChange[], frontier?: WalkFrontier): Generator<void> {
    const before = new Set<string>();
    const prefix = dir === '' ? '' : dir + '/';
    for (const key of this.records.paths()) if (key.startsWith(prefix)) before.add(key);
    for (const known of [...this.dirs]) if (known === dir || known.startsWith(prefix)) this.dirs.delete(known);
    for (const link of [...this.links.keys()]) if (link.startsWith(prefix)) this.links.delete(link);
    this.rules.forgetSubtree(dir);

    // Links are admitted after the walk, once the rule files of every folder they may lead into are loaded.
    const links: string[] = [];
    /** The folders being read, outermost first, each with its entries in walk order and how far it has got. */
    const open: Array<{ dir: string; entries: Dirent[]; next: number }> = [];
    let foldersLeft = 0;
    const enter = (current: string): void => {
      let entries: Dirent[];
      try {
        entries = readdirSync(this.guard.absolute(current), { withFileTypes: true });
      } catch {
        return; // vanished or unreadable: its records are removed below
      }
      this.dirs.add(current);
      frontier?.read?.push(current);
      if (this.rules.loadDirectory(current, (name) => entries.some((entry) => entry.name === name)) || current === '') frontier?.ruled?.push(current);
      open.push({ dir: current, entries: inWalkOrder(entries), next: 0 });
      for (const entry of entries) if (entry.isDirectory()) foldersLeft++;
    };
    enter(dir);
    if (frontier) frontier.foldersLeft = foldersLeft;
    yield;
    while (open.length > 0) {
      const folder = open[open.length - 1]!;
      if (folder.next === folder.entries.length) {
        open.pop();
        continue;
      }
      const entry = folder.entries[folder.next++]!;
      // One folder may hold thousands of files, each read once: let an async walk yield within it too.
      if (folder.next % ENTRIES_PER_YIELD === 0) yield;
      if (entry.isDirectory()) foldersLeft--;
      if (!isPortableName(entry.name)) continue;
      const relative = folder.dir === '' ? entry.name : `${folder.dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!this.rules.check(relative, true).ignored) enter(relative);
        if (frontier) frontier.foldersLeft = foldersLeft;
        yield;
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        if (!this.mine(relative) || this.rules.check(relative, false).ignored) continue;
        if (entry.isSymbolicLink()) links.push(relative);
        else if (this.admit(relative, false, changes, frontier)) before.delete(relative);
      }
    }
    if (frontier) frontier.foldersLeft = 0;
    for (const link of links) {
      if (this.admit(link, true, changes, frontier)) before.delete(link);
      yield;
    }
    for (const gone of before) this.remove(gone, changes);
  }

  /** Adds or refreshes one file's record; returns true when the file is (still) indexed. */
  private admit(relative: string, isSymlink: boolean, changes: IndexChange[], frontier?: WalkFrontier): boolean {
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
    const inspection = this.inspect(absolute, relative);
    if (inspection.kind === 'skipped') {
      this.remove(relative, changes);
      return false;
    }
    if (inspection.plainHeader) frontier?.plainHeaders?.push(relative);
    const file: IndexedFile = {
      path: relative,
      language: this.headers.record(relative, inspection.language, inspection.plainHeader === true),
      bytes: inspection.bytes,
      lines: inspection.lines,
      mtimeMs: inspection.mtimeMs,
      ...(target === undefined ? {} : { target }),
    };
    this.records.set(file);
    changes.push({ kind: existing ? 'changed' : 'created', path: relative, file });
    return true;
  }

  /**
   * Where a file symlink leads (workspace-relative) and, when it may not be indexed, why: it is refused
   * like its target (ignored, excluded, under .git, a credential file) and whenever it leaves the root.
   */
  resolveLink(absolute: string): { target?: string; exclusion?: Exclusion } {
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
  refreshLinksInto(scopes: readonly string[], changes: IndexChange[]): void {
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
  relabelHeaders(changes: IndexChange[]): void {
    const relabel = this.headers.settle();
    if (relabel.length === 0) return;
    const inBatch = new Map(changes.map((c, i) => [c.path, i]));
    for (const { path: relative, language } of relabel) {
      const old = this.records.get(relative);
      if (!old) continue;
      const file: IndexedFile = { ...old, language };
      this.records.set(file);
      const at = inBatch.get(relative);
      if (at !== undefined) changes[at] = { ...changes[at], file };
      else changes.push({ kind: 'changed', path: relative, file });
    }
  }

  /** Removes the record of `relative` and, when it was a folder, everything under it. */
  private remove(relative: string, changes: IndexChange[]): void {
    this.headers.forget(relative);
    if (this.records.delete(relative)) {
      changes.push({ kind: 'deleted', path: relative });
    }
    if (!this.dirs.has(relative)) return;
    const prefix = relative + '/';
    for (const key of [...this.records.paths()]) {
      if (key.startsWith(prefix)) {
        this.headers.forget(key);
        this.records.delete(key);
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
export function affectedScope(relative: string): string {
  if (relative === '.git/info' || relative.startsWith('.git/info/')) return '';
  return path.posix.basename(relative) === '.gitignore' ? parentOf(relative) : relative;
}

/**
 * Which of `of` walk threads admits a file: FNV-1a of its path, so a file keeps its thread (and that thread's
 * InspectionCache) from one walk to the next whatever else the tree gains or loses.
 */
export function shareOf(relative: string, of: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < relative.length; i++) hash = Math.imul(hash ^ relative.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % of;
}

export function parentOf(relative: string): string {
  const slash = relative.lastIndexOf('/');
  return slash === -1 ? '' : relative.slice(0, slash);
}

/** A folder's entries in the order that walks it in path order: by name, a folder's name as 'name/'. */
function inWalkOrder(entries: Dirent[]): Dirent[] {
  const keyed = entries.map((entry) => ({ entry, key: entry.isDirectory() ? entry.name + '/' : entry.name }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.entry);
}

// Names that cannot round-trip through model code and tool output (backslashes read as separators,
// newlines break line-based output) are left out.
function isPortableName(name: string): boolean {
  return !/[\\\n\r\0]/.test(name);
}
