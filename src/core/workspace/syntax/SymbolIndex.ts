// The workspace's definitions, indexed in the background by parser threads. Keeps symbols, not trees, and
// never parses on the host thread (unless no parser thread can start at all, then in short slices). A query
// that needs files the background work has not reached asks for them urgently (`ensureParsed`) and waits,
// within its time budget; SymbolQueries (beside this file) answers model code from it.
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { Grammars } from './Grammars';
import { parseFileSymbols, type ParseOutcome } from './parseFileSymbols';
import { ParsePool, type ParseJob } from './ParsePool';
import { parseTextSyntax, type TextSyntax } from './parseText';
import { eachInSlices, nextTurn, pauseIfDue } from '../../edits/TimeSlicer';
import { cacheFilePath, readSymbolCache, symbolCacheKey, writeSymbolCache, type CachedFile } from './SymbolCache';
import { locateSyntaxAssets, type SyntaxAssets } from './SyntaxAssets';
import { NO_SYMBOLS, StringTable, symbolCount, type SymbolRows } from './SymbolStore';
import type { FileSymbol, SourceFileRecord, SymbolIndexStats } from './types';

export interface SymbolIndexOptions {
  /** Absolute workspace root; record paths are relative to it, with '/'. */
  root: string;
  files: readonly SourceFileRecord[];
  /**
   * False when `files` is only the start of the list (a walk still running feeds the rest through update()):
   * until completeFileList(), the index is not `ready`, keeps the cache's other entries, and parses only what
   * queries ask for (background parsing would compete with the walk for the cores). Default true.
   */
  complete?: boolean;
  /** Stops loading the cache (open then rejects). */
  signal?: AbortSignal;
  /** Where to persist the index between sessions; without it every open parses everything. */
  cacheDir?: string;
  /** Parser threads (default: the number of cores, at most 4). 0 parses in short slices on this thread. */
  workers?: number;
  /** Files above this size are not parsed (default 16 MB): generated bundles and data dumps. */
  maxFileBytes?: number;
  /** Where grammars, the runtime wasm and the worker entry live (default: located beside the code). */
  assets?: SyntaxAssets;
}

/** No file lacks the literals (nothing was checked). */
const NONE_LACK = () => false;

export interface EnsureParsedOptions {
  /** Skip files whose text lacks one of these (they cannot define the name a query asks for). */
  literals?: string[];
  /** Epoch ms after which to stop waiting. */
  until: number;
  signal?: AbortSignal;
  /**
   * A faster way than the parser threads to tell which of many files contain the literals (ripgrep): the paths
   * that do, or undefined when it cannot tell. Used when at least PREFILTER_MIN_FILES files need the check.
   */
  containing?: (files: readonly SourceFileRecord[]) => Promise<ReadonlySet<string> | undefined>;
}

/**
 * Below this many unparsed files, the parser threads check the literals themselves: one rg start costs a few
 * milliseconds, and a few dozen files are read as fast by the threads.
 */
export const PREFILTER_MIN_FILES = 64;

const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Files per slice of a large update: some 5 ms of the host thread (more with the walk threads on the same cores). */
const UPDATE_SLICE = 1024;
/** Cache writes after incremental updates are batched: a save storm should not rewrite the cache each time. */
const CACHE_SAVE_DELAY_MS = 2000;

interface Waiter {
  missing: Set<string>;
  /** Files found not to contain the literals asked for. */
  skipped: Set<string>;
  /** The literals this waiter asked for ('' for none): a skip answers only waiters that asked the same. */
  literalsKey: string;
  done(): void;
}

function literalsKey(literals: readonly string[] | undefined): string {
  return literals ? literals.join('\0') : '';
}

export class SymbolIndex {
  private readonly records = new Map<string, SourceFileRecord>();
  private readonly entries = new Map<string, CachedFile>();
  /** The strings of every file's rows (names, kinds, containers), each kept once. */
  readonly strings = new StringTable();
  /** Cache entries not claimed by a file yet: kept until the file list is complete. */
  private cached = new Map<string, CachedFile>();
  private listComplete = false;
  /**
   * While the file list is incomplete, the parser threads take no background job (the walk has the cores): this
   * hold on them is released once the list is whole. The jobs are queued as the walk finds them, so that the list's
   * end hands the threads nothing in one go (88,000 jobs sorted at once held the host 115 ms on a monorepo).
   */
  private walkHold: (() => void) | undefined;
  private readonly failed = new Set<string>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private pool: ParsePool | undefined;
  private grammars: Promise<Grammars> | undefined;
  private readonly cacheFile: string | undefined;
  private readonly cacheKey: string;
  readonly maxFileBytes: number;
  private readonly workers: number;
  private readonly startedAt = performance.now();
  private counters = { cacheHits: 0, parsedInBackground: 0, parsedUrgently: 0 };
  private indexingMs: number | undefined;
  private isReady = false;
  private readyPromise!: Promise<void>;
  private resolveReady!: () => void;
  private dirty = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private disposed = false;
  /** Bumped when the file list changes (the 'symbolFiles' table). */
  private recordsVersion = 0;
  /**
   * Changes to the file list not applied yet, in the order given (see update()), and the loop applying them in
   * slices: a warm start's first update, the 90,000 files a walk listed while the cache loaded, held the host 0.4 s.
   */
  private readonly backlog: Array<() => void> = [];
  private applying: Promise<void> | undefined;

  private constructor(readonly root: string, readonly assets: SyntaxAssets, options: SymbolIndexOptions) {
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.workers = Math.max(0, Math.floor(options.workers ?? Math.min(4, availableParallelism())));
    this.cacheFile = options.cacheDir ? cacheFilePath(options.cacheDir, root) : undefined;
    this.cacheKey = options.cacheDir ? symbolCacheKey(assets) : '';
    this.newReadyPromise();
  }

  /** Loads the cache and starts background indexing; resolves before indexing finishes (see `ready`). */
  static async open(options: SymbolIndexOptions): Promise<SymbolIndex> {
    if (!isAbsolute(options.root)) throw new Error(`SymbolIndex needs an absolute root, got "${options.root}".`);
    const index = new SymbolIndex(options.root, options.assets ?? locateSyntaxAssets(), options);
    if (index.cacheFile) index.cached = await readSymbolCache(index.cacheFile, index.cacheKey, index.strings, options.signal);
    options.signal?.throwIfAborted();
    index.update(options.files);
    if (options.complete !== false) index.completeFileList();
    return index;
  }

  /** The file list is whole now (after the updates given before it): cache entries no file claimed are dropped, and `ready` can settle. */
  completeFileList(): void {
    this.inOrder([() => this.applyCompleteFileList()]);
  }

  /** Resolves once every update, removal and completeFileList() given so far is applied (at once when none waits). */
  caughtUp(): Promise<void> {
    return this.applying ?? Promise.resolve();
  }

  private applyCompleteFileList(): void {
    if (this.listComplete) return;
    this.listComplete = true;
    // Entries of deleted files linger in the cache file until it is rewritten.
    if (this.cached.size > 0) this.dirty = true;
    this.cached = new Map();
    this.walkHold?.();
    this.walkHold = undefined;
    if (this.pool === undefined || this.pool.idle) this.markReady();
  }

  /** Settles when every known file is indexed; after update() it is a new promise for the new work. */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Every known file (parseable or not), in no particular order. */
  files(): IterableIterator<SourceFileRecord> {
    return this.records.values();
  }

  /** How many files the index knows (parseable or not). */
  get fileCount(): number {
    return this.records.size;
  }

  record(path: string): SourceFileRecord | undefined {
    return this.records.get(normalizePath(path));
  }

  /** The file's definitions, or undefined while it is not parsed yet. */
  symbolsOf(path: string): readonly FileSymbol[] | undefined {
    const rows = this.entries.get(path)?.rows;
    return rows && this.strings.symbols(rows);
  }

  /** The file's definitions as rows of ids in `strings` (see SymbolStore), or undefined while it is not parsed yet. */
  rowsOf(path: string): SymbolRows | undefined {
    return this.entries.get(path)?.rows;
  }

  /** True when the file has a grammar and is small enough to parse. */
  parseable(r: SourceFileRecord): boolean {
    return Grammars.supports(r.language) && r.bytes <= this.maxFileBytes;
  }

  /** Versions of what the query workers' tables hold: the file list, and the symbols' strings (which only grow). */
  version(table: 'records' | 'strings'): number {
    return table === 'records' ? this.recordsVersion : this.strings.size;
  }

  /**
   * Makes sure the given files are parsed, ahead of the background queue, and waits until they are (or
   * were skipped for lacking `literals`), or until `until` or the signal. Returns a test of the files found not
   * to contain the literals (they cannot define the name); any other file without `symbolsOf` when the answer
   * is made is missing from it.
   */
  async ensureParsed(files: readonly SourceFileRecord[], options: EnsureParsedOptions): Promise<(path: string) => boolean> {
    // In slices: a lookup by path costs about half a microsecond here, 50 ms for a monorepo's 96,000 files.
    const unparsed: SourceFileRecord[] = [];
    await eachInSlices(files, (r) => {
      if (this.parseable(r) && !this.entries.has(r.path)) unparsed.push(r);
    });
    if (unparsed.length === 0 || this.disposed || options.signal?.aborted) return NONE_LACK;
    // The query has the cores until it is answered: background parsing would take them from ripgrep and the
    // parser threads it waits for (a name query at the end of a monorepo's walk took 10 s instead of 2).
    const release = this.ensurePool().hold();
    try {
      return await this.parseFor(unparsed, options);
    } finally {
      release();
    }
  }

  private async parseFor(files: readonly SourceFileRecord[], options: EnsureParsedOptions): Promise<(path: string) => boolean> {
    const missing = new Set<string>();
    const skipped = new Set<string>();
    const jobs: ParseJob[] = [];
    let unparsed = files;
    let lacks = (path: string) => skipped.has(path);
    if (options.literals && options.containing && unparsed.length >= PREFILTER_MIN_FILES) {
      // Files without the literals cannot define the name: only the others are read and parsed by the threads.
      await nextTurn(); // ripgrep's start (a fork of this process) is a turn of its own
      const have = await options.containing(unparsed);
      if (options.signal?.aborted) return lacks;
      if (have) {
        // A test rather than a set of the rest: 90,000 paths put in a set held the host 50 ms after a monorepo's walk.
        // (Files parsed before the call are not asked about: their definitions are in the answer.)
        lacks = (path) => skipped.has(path) || !have.has(path);
        unparsed = unparsed.filter((r) => have.has(r.path) && !this.entries.has(r.path));
      }
    }
    for (const r of unparsed) {
      missing.add(r.path);
      jobs.push({ ...this.job(r), urgent: { literals: options.literals } });
    }
    if (missing.size === 0 || this.disposed) return lacks;
    await new Promise<void>((resolve) => {
      const waiter: Waiter = { missing, skipped, literalsKey: literalsKey(options.literals), done: () => finish() };
      const finish = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', finish);
        for (const path of waiter.missing) this.waiters.get(path)?.delete(waiter);
        resolve();
      };
      const timer = setTimeout(finish, Math.max(0, options.until - Date.now()));
      options.signal?.addEventListener('abort', finish, { once: true });
      for (const path of missing) {
        let set = this.waiters.get(path);
        if (!set) this.waiters.set(path, (set = new Set()));
        set.add(waiter);
      }
      this.enqueue(jobs);
    });
    return lacks;
  }

  /**
   * Parses a text that is not a workspace file (a proposed edit's before and after) on a parser thread:
   * its definitions, and the identifiers on `lines` (1-based). Undefined when no grammar covers the language.
   */
  async parseText(language: string, text: string, lines: readonly number[] = []): Promise<TextSyntax | undefined> {
    if (!Grammars.supports(language)) return undefined;
    if (this.disposed) throw new Error('The symbol index is closed');
    if (Buffer.byteLength(text) > this.maxFileBytes) throw new Error(`The text is over the ${this.maxFileBytes}-byte limit for parsing`);
    return this.ensurePool().parseText(language, text, [...lines]);
  }

  /** New or changed files (same path with another size or mtime): from the cache, else reindexed in the background. */
  update(records: readonly SourceFileRecord[]): void {
    const parts: Array<() => void> = [];
    for (let start = 0; start < records.length; start += UPDATE_SLICE) {
      const part = records.length <= UPDATE_SLICE ? records : records.slice(start, start + UPDATE_SLICE);
      parts.push(() => this.applyUpdate(part));
    }
    if (records.length === 0) parts.push(() => this.applyUpdate(records)); // still settles `ready` when nothing is left
    this.inOrder(parts);
  }

  /**
   * Applies a change at once when it is one slice and nothing waits before it (a saved file), else after the ones
   * before it, a slice at a time between turns of the event loop.
   */
  private inOrder(changes: Array<() => void>): void {
    if (this.disposed) return;
    if (this.applying === undefined && changes.length === 1) {
      changes[0]!();
      return;
    }
    this.backlog.push(...changes);
    this.applying ??= this.applyBacklog();
  }

  private async applyBacklog(): Promise<void> {
    while (this.backlog.length > 0 && !this.disposed) {
      await pauseIfDue();
      if (this.disposed) break;
      this.backlog.shift()!();
    }
    this.backlog.length = 0;
    this.applying = undefined;
  }

  private applyUpdate(records: readonly SourceFileRecord[]): void {
    const jobs: ParseJob[] = [];
    for (const raw of records) {
      const path = normalizePath(raw.path);
      const r = path === raw.path ? raw : { ...raw, path }; // a copy only when needed: 96,000 of them on a warm start
      const old = this.records.get(r.path);
      if (old && old.bytes === r.bytes && old.mtimeMs === r.mtimeMs && old.language === r.language && old.target === r.target) continue;
      this.records.set(r.path, r);
      this.recordsVersion++;
      // A warm start takes 96,000 files here, each lookup by path costing about half a microsecond: a new path has
      // nothing parsed to forget (its removal forgot what it had).
      if (old) this.forgetParsed(r.path);
      if (!this.parseable(r)) {
        this.resolveWaiters(r.path); // grown too large, or no grammar now: nothing to wait for
        continue;
      }
      const hit = this.cached.get(r.path);
      if (hit && hit.bytes === r.bytes && hit.mtimeMs === r.mtimeMs && hit.language === r.language) {
        this.cached.delete(r.path);
        this.entries.set(r.path, hit);
        this.counters.cacheHits++;
        this.resolveWaiters(r.path);
      } else {
        if (hit && (hit.bytes !== r.bytes || hit.mtimeMs !== r.mtimeMs)) {
          this.cached.delete(r.path);
          this.dirty = true; // a stale entry: the next save drops it
        }
        // Another language only: a plain `.h` header the walk labels C until the workspace's vote makes it C++ (or
        // back). The entry waits for that relabelling, which finds it; the job queued meanwhile is then not wanted.
        jobs.push(this.job(r));
      }
    }
    this.enqueue(jobs);
  }

  remove(paths: readonly string[]): void {
    this.inOrder([() => this.applyRemove(paths)]);
  }

  private applyRemove(paths: readonly string[]): void {
    for (const p of paths) {
      const path = normalizePath(p);
      if (this.records.delete(path)) {
        this.recordsVersion++;
        this.forgetParsed(path);
        this.resolveWaiters(path);
      }
    }
    this.scheduleSave();
  }

  stats(): SymbolIndexStats {
    let parseable = 0;
    let tooLarge = 0;
    let symbols = 0;
    for (const r of this.records.values()) {
      if (!Grammars.supports(r.language)) continue;
      if (r.bytes > this.maxFileBytes) { tooLarge++; continue; }
      parseable++;
      symbols += symbolCount(this.entries.get(r.path)?.rows ?? NO_SYMBOLS);
    }
    return {
      files: this.records.size,
      parseableFiles: parseable,
      indexedFiles: this.entries.size,
      symbols,
      ...this.counters,
      failedFiles: this.failed.size,
      tooLargeFiles: tooLarge,
      ready: this.isReady,
      indexingMs: this.indexingMs,
    };
  }

  /** Writes the cache file now if anything changed since the last write (one write at a time; works after dispose()). */
  async flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    while (this.saving) await this.saving;
    if (!this.cacheFile || !this.dirty) return;
    this.dirty = false;
    // Failed files are left out so the next session tries them again. While the file list is incomplete (a walk
    // stopped early), the entries of files it did not reach yet are kept for next time.
    const good = [...this.entries].filter(([path]) => !this.failed.has(path));
    for (const [path, entry] of this.cached) if (!this.records.has(path)) good.push([path, entry]);
    this.saving = writeSymbolCache(this.cacheFile, this.cacheKey, this.strings, good).catch((error: unknown) => {
      this.dirty = true; // an unwritable cache dir costs a reparse next time, nothing more
      throw error;
    }).finally(() => {
      this.saving = undefined;
    });
    await this.saving;
  }

  /** Stops the parser threads at once, then saves the cache (what was parsed so far is kept). */
  async close(): Promise<void> {
    this.dispose();
    await this.flush();
  }

  /** Stops at once; unsaved cache changes are lost (use close() to keep them). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.saveTimer);
    this.resolveReady(); // nobody waits forever on an index that is gone
    for (const path of [...this.waiters.keys()]) this.resolveWaiters(path);
    this.pool?.dispose();
    void this.grammars?.then((g) => g.dispose(), () => undefined);
  }

  private enqueue(jobs: ParseJob[]): void {
    if (this.disposed) return;
    // Files will need parsing: while the walk runs, the parser threads start (each loads every grammar), so that the
    // first query after it does not wait for them too, and queue what they will parse once the list is whole.
    if (!this.listComplete && jobs.length > 0) this.walkHold ??= this.ensurePool().hold();
    if (jobs.length === 0) {
      if (this.pool === undefined || this.pool.idle) this.markReady();
      return;
    }
    if (this.isReady && jobs.some((j) => !j.urgent)) this.newReadyPromise();
    this.ensurePool().enqueue(jobs);
  }

  private ensurePool(): ParsePool {
    return this.pool ??= new ParsePool({
      assets: this.assets,
      root: this.root,
      maxBytes: this.maxFileBytes,
      workers: this.workers,
      wanted: (job) => this.wanted(job),
      onResult: (job, outcome) => this.onParsed(job, outcome),
      onIdle: () => this.markReady(),
      parseInline: (job) => this.parseInline(job),
      parseTextInline: (language, text, lines) => this.grammarsHere().then((g) => parseTextSyntax(g, language, text, lines)),
    });
  }

  private grammarsHere(): Promise<Grammars> {
    return this.grammars ??= Grammars.create(this.assets);
  }

  /** The fallback when no parser thread can start: parse on this thread (the pool keeps it to short slices). */
  private parseInline(job: ParseJob): Promise<ParseOutcome> {
    return this.grammarsHere().then((grammars) => parseFileSymbols(grammars, this.root, job, this.maxFileBytes));
  }

  private wanted(job: ParseJob): boolean {
    const r = this.records.get(job.path);
    // The language too: a `.h` header relabelled C++ while its C parse was queued must not come back as C.
    return r !== undefined && r.bytes === job.bytes && r.mtimeMs === job.mtimeMs && r.language === job.language && !this.entries.has(job.path);
  }

  private onParsed(job: ParseJob, outcome: ParseOutcome): void {
    if (!this.wanted(job)) return; // parsed meanwhile, or changed / removed since it was queued
    if (outcome.skipped) {
      // Not parsed: it cannot define what the urgent query asked for; the background job still parses it.
      this.resolveWaiters(job.path, literalsKey(job.urgent?.literals));
      return;
    }
    this.entries.set(job.path, { bytes: job.bytes, mtimeMs: job.mtimeMs, language: job.language, rows: this.strings.adopt(outcome.symbols.strings, outcome.symbols.rows) });
    if (outcome.error) this.failed.add(job.path);
    if (job.urgent) this.counters.parsedUrgently++;
    else this.counters.parsedInBackground++;
    if (!outcome.error) this.dirty = true; // a failed file is never written: failing again changes nothing to save
    this.resolveWaiters(job.path);
    if (this.isReady) this.scheduleSave();
  }

  /** The file is parsed (or gone): its waiters stop waiting for it; with `skippedFor`, only those that asked for those literals. */
  private resolveWaiters(path: string, skippedFor?: string): void {
    if (this.waiters.size === 0) return;
    const set = this.waiters.get(path);
    if (!set) return;
    for (const waiter of [...set]) {
      if (skippedFor !== undefined && waiter.literalsKey !== skippedFor) continue;
      set.delete(waiter);
      waiter.missing.delete(path);
      if (skippedFor !== undefined) waiter.skipped.add(path);
      if (waiter.missing.size === 0) waiter.done();
    }
    if (set.size === 0) this.waiters.delete(path);
  }

  private markReady(): void {
    if (this.isReady || !this.listComplete) return;
    this.isReady = true;
    this.indexingMs ??= Math.round(performance.now() - this.startedAt);
    this.resolveReady();
    this.scheduleSave(0);
  }

  private newReadyPromise(): void {
    this.isReady = false;
    this.readyPromise = new Promise((resolve) => { this.resolveReady = resolve; });
  }

  private forgetParsed(path: string): void {
    if (this.entries.delete(path)) this.dirty = true;
    this.failed.delete(path);
  }

  private job(r: SourceFileRecord): ParseJob {
    return { path: r.path, language: r.language, bytes: r.bytes, mtimeMs: r.mtimeMs, ...(r.target ? { target: r.target } : {}) };
  }

  private scheduleSave(delayMs = CACHE_SAVE_DELAY_MS): void {
    if (!this.cacheFile || this.disposed || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.flush().catch(() => undefined);
    }, delayMs);
    this.saveTimer.unref();
  }
}

function normalizePath(path: string): string {
  return path.includes('\\') || path.startsWith('./') ? path.replace(/\\/g, '/').replace(/^\.\//, '') : path;
}
