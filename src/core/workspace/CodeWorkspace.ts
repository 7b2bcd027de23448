// A workspace with syntax: the file index, host-side search, and the Tree-sitter symbol index kept in step
// with the file index. Index changes (the first walk as it goes, watch mode, or the editor's own file events
// through applyChange) flow straight into the symbol index, so nothing is ever rescanned in full.

import { homedir } from 'node:os';
import { join } from 'node:path';
import { FileSystemWorkspace, toFileRow, type FileSystemWorkspaceOptions } from './FileSystemWorkspace';
import { IndexingStopped } from './FirstWalk';
import { SymbolIndex } from './syntax/SymbolIndex';
import { SymbolQueries } from './syntax/SymbolQueries';
import { locateSyntaxAssets, type SyntaxAssets } from './syntax/SyntaxAssets';
import type { TextSyntax } from './syntax/parseText';
import type { AstMatch, AstQueryOptions, CodeSymbol, SymbolFilter } from './syntax/types';
import type { CallControl, PartialResult, WorkspaceSyntax } from './types';
import { WorkspaceIndex, type Disposable, type WorkspaceIndexOptions } from './WorkspaceIndex';
import { WorkspaceWatcher } from './WorkspaceWatcher';

export interface CodeWorkspaceOptions extends Omit<WorkspaceIndexOptions, 'cacheDir'>, FileSystemWorkspaceOptions {
  /** Where the symbol cache and the walk's InspectionCache live; `false` keeps neither. Default: defaultCacheDir(). */
  cacheDir?: string | false;
  /** Parser threads for background indexing (default: cores, at most 4). */
  workers?: number;
  /** Follow file-system events until disposed (from the end of the first walk). */
  watch?: boolean;
  /**
   * Stops the first indexing: the walk, the cache load and the parsing. Before the workspace is returned, the
   * open rejects with IndexingStopped; afterwards, while indexing still runs, the workspace closes itself
   * (parser threads stopped at once, what was parsed saved to the cache). Once indexed, it has no effect.
   */
  signal?: AbortSignal;
}

/** How far the first indexing has got (see CodeWorkspace.indexing). */
export interface IndexingProgress {
  /** Files listed so far, and whether the walk is done. */
  listed: number;
  walked: boolean;
  /** Files parsed (or read from the cache) of those with a grammar. */
  parsed: number;
  parseable: number;
  /** The first indexing is over: every file was listed and parsed once (later reparses after edits do not count). */
  done: boolean;
}

/** How far a first indexing has got, in words: "1,234 files listed so far", "5,000 of 96,000 files parsed". */
export function describeIndexing(progress: IndexingProgress | undefined): string {
  if (!progress) return 'opening';
  const n = (value: number) => value.toLocaleString('en-US');
  return progress.walked ? `${n(progress.parsed)} of ${n(progress.parseable)} files parsed` : `${n(progress.listed)} files listed so far`;
}

/** `$RLM_CACHE_DIR`, else `$XDG_CACHE_HOME/rlm`, else `~/.cache/rlm`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RLM_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rlm');
}

export class CodeWorkspace extends FileSystemWorkspace implements WorkspaceSyntax {
  private readonly subscriptions: Disposable[] = [];
  private readonly symbolQueries: SymbolQueries;
  private disposed = false;
  private indexed = false;

  private constructor(index: WorkspaceIndex, readonly symbolIndex: SymbolIndex, options: CodeWorkspaceOptions, assets: SyntaxAssets) {
    super(index, options, assets);
    this.symbolQueries = new SymbolQueries(symbolIndex, this.queries, this.timeBudgetMs, index, this.ripgrep);
    this.subscriptions.push(index.onDidChange((changes) => {
      const removed = changes.filter((c) => c.kind === 'deleted').map((c) => c.path);
      const current = changes.flatMap((c) => (c.kind !== 'deleted' && c.file ? [toFileRow(c.file)] : []));
      if (removed.length) symbolIndex.remove(removed);
      if (current.length) symbolIndex.update(current);
    }));
    // What the walk announced before this subscription; from here on, its batches arrive through onDidChange.
    symbolIndex.update(index.list().map(toFileRow));
    index.listed.then(() => {
      symbolIndex.completeFileList();
      if (options.watch && !this.disposed) this.subscriptions.push(new WorkspaceWatcher(index));
    }, () => undefined);
    const signal = options.signal;
    const stop = () => void this.close().catch(() => undefined);
    signal?.addEventListener('abort', stop, { once: true });
    index.listed.then(() => symbolIndex.ready).then(() => {
      this.indexed = !this.disposed; // a disposed index resolves `ready` too
    }, () => undefined).finally(() => signal?.removeEventListener('abort', stop));
  }

  /**
   * Opens the folder and returns as soon as it can answer: the symbol cache is loaded, while the first walk
   * lists the files in the background (then the parser threads parse them). Answers wait for the file list
   * within their budget, or say how much of it is known (see `listed`); the summary counts what is listed so far.
   */
  static async start(root: string, options: CodeWorkspaceOptions = {}): Promise<CodeWorkspace> {
    const cacheDir = options.cacheDir === false ? undefined : options.cacheDir ?? defaultCacheDir();
    const index = WorkspaceIndex.start(root, { ...options, cacheDir });
    const assets = locateSyntaxAssets();
    let symbolIndex: SymbolIndex;
    try {
      symbolIndex = await SymbolIndex.open({ root: index.root, files: [], complete: false, cacheDir, workers: options.workers, assets, signal: options.signal });
    } catch (error) {
      index.stop();
      throw options.signal?.aborted ? new IndexingStopped(index.name) : error;
    }
    if (options.signal?.aborted) {
      index.stop();
      symbolIndex.dispose();
      throw new IndexingStopped(index.name);
    }
    return new CodeWorkspace(index, symbolIndex, options, assets);
  }

  /**
   * Like `start`, and resolves once the file list is whole (fast: one stat and one read per file); the
   * symbol index answers at once (parsing what a call needs) while it parses the rest in worker threads.
   */
  static override async openAsync(root: string, options: CodeWorkspaceOptions = {}): Promise<CodeWorkspace> {
    const workspace = await CodeWorkspace.start(root, options);
    try {
      await workspace.listed;
    } catch (error) {
      await workspace.close();
      throw error;
    }
    return workspace;
  }

  override get syntax(): WorkspaceSyntax {
    return this;
  }

  /** Resolves when the first walk is done; rejects with IndexingStopped when it was stopped. */
  get listed(): Promise<void> {
    return this.index.listed;
  }

  /** Resolves when background indexing has listed and parsed every file (or was stopped). */
  get ready(): Promise<void> {
    return this.index.listed.then(() => this.symbolIndex.ready, () => undefined);
  }

  /** How far the first indexing has got, for a progress display. */
  indexing(): IndexingProgress {
    const walk = this.index.walkProgress();
    const stats = this.symbolIndex.stats();
    return { listed: walk.files, walked: walk.done, parsed: stats.indexedFiles, parseable: stats.parseableFiles, done: this.indexed };
  }

  symbols(filter?: SymbolFilter, control?: CallControl): Promise<PartialResult<CodeSymbol>> {
    return this.symbolQueries.symbols(filter, control);
  }

  astQuery(query: string, options?: AstQueryOptions, control?: CallControl): Promise<PartialResult<AstMatch>> {
    return this.symbolQueries.astQuery(query, options, control);
  }

  parseText(language: string, text: string, lines?: readonly number[]): Promise<TextSyntax | undefined> {
    return this.symbolIndex.parseText(language, text, lines);
  }

  outline(path: string, control?: CallControl): Promise<string> {
    return this.symbolQueries.outline(this.index.guard.relative(path), control);
  }

  /** Stops everything at once (the walk, the parser and query threads), then saves what was parsed to the cache. */
  async close(): Promise<void> {
    this.dispose();
    await this.symbolIndex.flush();
  }

  /** Stops everything at once; unsaved cache changes are lost (close() keeps them). */
  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.symbolIndex.dispose();
    super.dispose();
  }
}
