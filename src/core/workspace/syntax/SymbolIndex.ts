// The workspace's definitions, indexed in the background by worker threads and answerable synchronously at
// any time: a query that needs files the workers have not reached yet parses just those on this thread.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { AstQueryRunner } from './AstQueryRunner';
import { GRAMMAR_LANGUAGES, Grammars } from './Grammars';
import { formatOutline } from './outline';
import { parseFileSymbols, type ParseOutcome } from './parseFileSymbols';
import { ParsePool, type ParseJob } from './ParsePool';
import { cacheFilePath, readSymbolCache, symbolCacheKey, writeSymbolCache, type CachedFile } from './SymbolCache';
import { namePrefilter, pathMatcher, symbolPredicate } from './symbolFilter';
import { locateSyntaxAssets, type SyntaxAssets } from './SyntaxAssets';
import type { AstMatch, AstQueryOptions, CodeSymbol, SourceFileRecord, SymbolFilter, SymbolIndexStats } from './types';

export interface SymbolIndexOptions {
  /** Absolute workspace root; record paths are relative to it, with '/'. */
  root: string;
  files: readonly SourceFileRecord[];
  /** Where to persist the index between sessions; without it every open parses everything. */
  cacheDir?: string;
  /** Parser threads (default: the number of cores, at most 4). 0 parses in short slices on this thread. */
  workers?: number;
  /** Files above this size are not parsed (default 16 MB): generated bundles and data dumps. */
  maxFileBytes?: number;
  /** Where grammars, the runtime wasm and the worker entry live (default: located beside the code). */
  assets?: SyntaxAssets;
}

const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Cache writes after incremental updates are batched: a save storm should not rewrite the cache each time. */
const CACHE_SAVE_DELAY_MS = 2000;

export class SymbolIndex {
  private readonly records = new Map<string, SourceFileRecord>();
  private readonly entries = new Map<string, CachedFile>();
  private readonly failed = new Set<string>();
  private pool: ParsePool | undefined;
  private readonly runner: AstQueryRunner;
  private readonly cacheFile: string | undefined;
  private readonly cacheKey: string;
  private readonly maxFileBytes: number;
  private readonly workers: number;
  private readonly startedAt = performance.now();
  private counters = { cacheHits: 0, parsedInBackground: 0, parsedOnDemand: 0 };
  private indexingMs: number | undefined;
  private isReady = false;
  private readyPromise!: Promise<void>;
  private resolveReady!: () => void;
  private dirty = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  private constructor(
    private readonly root: string,
    private readonly grammars: Grammars,
    private readonly assets: SyntaxAssets,
    options: SymbolIndexOptions,
  ) {
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.workers = Math.max(0, Math.floor(options.workers ?? Math.min(4, availableParallelism())));
    this.cacheFile = options.cacheDir ? cacheFilePath(options.cacheDir, root) : undefined;
    this.cacheKey = options.cacheDir ? symbolCacheKey(assets) : '';
    this.runner = new AstQueryRunner(grammars, root);
    this.newReadyPromise();
  }

  /** Loads the cache and starts background indexing; resolves before indexing finishes (see `ready`). */
  static async open(options: SymbolIndexOptions): Promise<SymbolIndex> {
    if (!isAbsolute(options.root)) throw new Error(`SymbolIndex needs an absolute root, got "${options.root}".`);
    const assets = options.assets ?? locateSyntaxAssets();
    const grammars = await Grammars.create(assets);
    const index = new SymbolIndex(options.root, grammars, assets, options);
    index.start(options.files);
    return index;
  }

  /** Settles when every known file is indexed; after update() it is a new promise for the new work. */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  /**
   * Definitions matching the filter, in file order then line order. Synchronous and complete at any time:
   * files the background indexing has not reached are parsed here, limited to the files named by `path`,
   * or to those whose text contains `name` (exact, glob or regex). A query with neither, made before
   * `ready`, parses all remaining files on this thread.
   */
  symbols(filter: SymbolFilter = {}): CodeSymbol[] {
    if (filter === null || typeof filter !== 'object') {
      throw new Error('symbols() takes an optional filter object: {name?, kind?, path?}, e.g. symbols({name: "parse*", kind: "function"}).');
    }
    const inPath = filter.path !== undefined ? pathMatcher(filter.path) : undefined;
    const candidates = [...this.records.values()].filter((r) => !inPath || inPath(r.path));
    const missing = candidates.filter((r) => this.parseable(r) && !this.entries.has(r.path));
    if (missing.length > 0) {
      const prefilter = filter.path === undefined && filter.name !== undefined ? namePrefilter(filter.name) : undefined;
      for (const r of missing) {
        if (!prefilter) { this.parseNow(r); continue; }
        const text = this.readText(r);
        if (text === undefined || prefilter(text)) this.parseNow(r, text);
      }
    }
    const keep = symbolPredicate(filter);
    const out: CodeSymbol[] = [];
    for (const r of candidates) {
      const entry = this.entries.get(r.path);
      if (!entry) continue;
      for (const s of entry.symbols) {
        if (keep(s)) out.push({ ...s, path: r.path });
      }
    }
    return out;
  }

  /** The file's definitions as an indented outline with line ranges. */
  outline(path: string): string {
    const record = this.records.get(normalizePath(path));
    if (!record) {
      throw new Error(`outline: "${path}" is not a file of this workspace. Pass a workspace-relative path as listed by files().`);
    }
    if (!Grammars.supports(record.language)) return `${record.path}: no outline (no grammar for language "${record.language}")`;
    if (record.bytes > this.maxFileBytes) return `${record.path}: no outline (file too large to parse: ${record.bytes} bytes)`;
    this.parseNow(record);
    return formatOutline(record.path, this.entries.get(record.path)?.symbols ?? []);
  }

  /** Runs a Tree-sitter query on matching files (parsed here, a few trees cached); stops at maxResults. */
  astQuery(query: string, options: AstQueryOptions = {}): AstMatch[] {
    if (options === null || typeof options !== 'object') {
      throw new Error('ast_query options must be an object: {language?, glob?, maxResults?}.');
    }
    if (options.language !== undefined && !Grammars.supports(options.language)) {
      throw new Error(`ast_query: no grammar for language "${options.language}". Languages with grammars: ${GRAMMAR_LANGUAGES.join(', ')}.`);
    }
    const inGlob = options.glob !== undefined ? pathMatcher(options.glob) : undefined;
    const files = [...this.records.values()].filter((r) => this.parseable(r)
      && (options.language === undefined || r.language === options.language)
      && (!inGlob || inGlob(r.path)));
    return this.runner.run(query, files, options);
  }

  /** New or changed files (same path with another size or mtime): reindexed in the background. */
  update(records: readonly SourceFileRecord[]): void {
    const jobs: ParseJob[] = [];
    for (const raw of records) {
      const r = { ...raw, path: normalizePath(raw.path) };
      const old = this.records.get(r.path);
      if (old && old.bytes === r.bytes && old.mtimeMs === r.mtimeMs && old.language === r.language) continue;
      this.records.set(r.path, r);
      this.forgetParsed(r.path);
      if (this.parseable(r)) jobs.push(this.job(r));
    }
    this.enqueue(jobs);
  }

  remove(paths: readonly string[]): void {
    for (const p of paths) {
      const path = normalizePath(p);
      if (this.records.delete(path)) this.forgetParsed(path);
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
      symbols += this.entries.get(r.path)?.symbols.length ?? 0;
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

  /** Writes the cache file now if anything changed since the last write. */
  flush(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.cacheFile || !this.dirty) return;
    this.dirty = false;
    // Failed files are left out so the next session tries them again.
    const good = [...this.entries].filter(([path]) => !this.failed.has(path));
    writeSymbolCache(this.cacheFile, this.cacheKey, good);
  }

  dispose(): void {
    if (this.disposed) return;
    try {
      this.flush();
    } finally {
      this.disposed = true;
      this.resolveReady(); // nobody waits forever on an index that is gone
      this.pool?.dispose();
      this.runner.dispose();
      this.grammars.dispose();
    }
  }

  private start(files: readonly SourceFileRecord[]): void {
    const cached = this.cacheFile ? readSymbolCache(this.cacheFile, this.cacheKey) : new Map<string, CachedFile>();
    const jobs: ParseJob[] = [];
    for (const raw of files) {
      const r = { ...raw, path: normalizePath(raw.path) };
      this.records.set(r.path, r);
      if (!this.parseable(r)) continue;
      const hit = cached.get(r.path);
      if (hit && hit.bytes === r.bytes && hit.mtimeMs === r.mtimeMs && hit.language === r.language) {
        this.entries.set(r.path, hit);
        this.counters.cacheHits++;
      } else {
        jobs.push(this.job(r));
      }
    }
    // Entries of deleted files linger in the cache file until it is rewritten.
    if (cached.size !== this.counters.cacheHits) this.dirty = true;
    this.enqueue(jobs);
  }

  private enqueue(jobs: ParseJob[]): void {
    if (this.disposed) return;
    if (jobs.length === 0) {
      if (this.pool === undefined || this.pool.idle) this.markReady();
      return;
    }
    if (this.isReady) this.newReadyPromise();
    this.pool ??= new ParsePool({
      assets: this.assets,
      workers: this.workers,
      wanted: (job) => this.wanted(job),
      onResult: (job, outcome) => this.onParsed(job, outcome),
      onIdle: () => this.markReady(),
      parseInline: (job) => parseFileSymbols(this.grammars, job.absolutePath, job.language),
    });
    this.pool.enqueue(jobs);
  }

  private wanted(job: ParseJob): boolean {
    const r = this.records.get(job.path);
    // The language too: a `.h` header relabelled C++ while its C parse was queued must not come back as C.
    return r !== undefined && r.bytes === job.bytes && r.mtimeMs === job.mtimeMs && r.language === job.language && !this.entries.has(job.path);
  }

  private onParsed(job: ParseJob, outcome: ParseOutcome): void {
    if (!this.wanted(job)) return; // parsed on demand meanwhile, or changed / removed since it was queued
    this.store(job.path, job, outcome);
    this.counters.parsedInBackground++;
  }

  private markReady(): void {
    if (this.isReady) return;
    this.isReady = true;
    this.indexingMs ??= Math.round(performance.now() - this.startedAt);
    this.resolveReady();
    this.scheduleSave(0);
  }

  private newReadyPromise(): void {
    this.isReady = false;
    this.readyPromise = new Promise((resolve) => { this.resolveReady = resolve; });
  }

  /** Parses one file on this thread unless it is already indexed. */
  private parseNow(r: SourceFileRecord, text?: string): void {
    if (this.entries.has(r.path) || !this.parseable(r)) return;
    let outcome: ParseOutcome;
    try {
      outcome = parseFileSymbols(this.grammars, join(this.root, r.path), r.language, text);
    } catch (err) {
      outcome = { symbols: [], error: (err as Error).message };
    }
    this.store(r.path, r, outcome);
    this.counters.parsedOnDemand++;
  }

  private store(path: string, version: { bytes: number; mtimeMs: number; language: string }, outcome: ParseOutcome): void {
    this.entries.set(path, { bytes: version.bytes, mtimeMs: version.mtimeMs, language: version.language, symbols: outcome.symbols });
    if (outcome.error) this.failed.add(path);
    this.dirty = true;
    if (this.isReady) this.scheduleSave();
  }

  private forgetParsed(path: string): void {
    if (this.entries.delete(path)) this.dirty = true;
    this.failed.delete(path);
    this.runner.forget(path);
  }

  private readText(r: SourceFileRecord): string | undefined {
    try {
      return readFileSync(join(this.root, r.path), 'utf8');
    } catch {
      return undefined;
    }
  }

  private parseable(r: SourceFileRecord): boolean {
    return Grammars.supports(r.language) && r.bytes <= this.maxFileBytes;
  }

  private job(r: SourceFileRecord): ParseJob {
    return { path: r.path, absolutePath: join(this.root, r.path), language: r.language, bytes: r.bytes, mtimeMs: r.mtimeMs };
  }

  private scheduleSave(delayMs = CACHE_SAVE_DELAY_MS): void {
    if (!this.cacheFile || this.disposed || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      try {
        this.flush();
      } catch {
        this.dirty = true; // an unwritable cache dir costs a reparse next time, nothing more
      }
    }, delayMs);
    this.saveTimer.unref();
  }
}

function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '');
}
