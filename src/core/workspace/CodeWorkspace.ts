// A workspace with syntax: the file index, host-side search, and the Tree-sitter symbol index kept in step
// with the file index. Index changes (watch mode, or the editor's own file events through applyChange)
// flow straight into the symbol index, so nothing is ever rescanned in full.

import { homedir } from 'node:os';
import { join } from 'node:path';
import { FileSystemWorkspace, toFileRow, type FileSystemWorkspaceOptions } from './FileSystemWorkspace';
import { SymbolIndex } from './syntax/SymbolIndex';
import { SymbolQueries } from './syntax/SymbolQueries';
import { locateSyntaxAssets, type SyntaxAssets } from './syntax/SyntaxAssets';
import type { TextSyntax } from './syntax/parseText';
import type { AstMatch, AstQueryOptions, CodeSymbol, SymbolFilter } from './syntax/types';
import type { CallControl, PartialResult, WorkspaceSyntax } from './types';
import { WorkspaceIndex, type Disposable, type WorkspaceIndexOptions } from './WorkspaceIndex';

export interface CodeWorkspaceOptions extends WorkspaceIndexOptions, FileSystemWorkspaceOptions {
  /** Where the symbol cache lives; `false` keeps no cache. Default: defaultCacheDir(). */
  cacheDir?: string | false;
  /** Parser threads for background indexing (default: cores, at most 4). */
  workers?: number;
  /** Follow file-system events until disposed. */
  watch?: boolean;
}

/** `$RLM_CACHE_DIR`, else `$XDG_CACHE_HOME/rlm`, else `~/.cache/rlm`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RLM_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rlm');
}

export class CodeWorkspace extends FileSystemWorkspace implements WorkspaceSyntax {
  private readonly subscriptions: Disposable[] = [];
  private readonly symbolQueries: SymbolQueries;

  private constructor(index: WorkspaceIndex, readonly symbolIndex: SymbolIndex, options: CodeWorkspaceOptions, assets: SyntaxAssets) {
    super(index, options, assets);
    this.symbolQueries = new SymbolQueries(symbolIndex, this.queries, this.timeBudgetMs);
    this.subscriptions.push(index.onDidChange((changes) => {
      const removed = changes.filter((c) => c.kind === 'deleted').map((c) => c.path);
      const current = changes.flatMap((c) => (c.kind !== 'deleted' && c.file ? [toFileRow(c.file)] : []));
      if (removed.length) symbolIndex.remove(removed);
      if (current.length) symbolIndex.update(current);
    }));
    if (options.watch) this.subscriptions.push(index.watch());
  }

  /**
   * Indexes the files (fast: one stat and one read each) and opens the symbol index, which answers at once
   * (parsing what a call needs) while it parses the rest in worker threads.
   */
  static override async openAsync(root: string, options: CodeWorkspaceOptions = {}): Promise<CodeWorkspace> {
    const index = await WorkspaceIndex.openAsync(root, options);
    const cacheDir = options.cacheDir === false ? undefined : options.cacheDir ?? defaultCacheDir();
    const assets = locateSyntaxAssets();
    const symbolIndex = await SymbolIndex.open({ root: index.root, files: index.list().map(toFileRow), cacheDir, workers: options.workers, assets });
    return new CodeWorkspace(index, symbolIndex, options, assets);
  }

  override get syntax(): WorkspaceSyntax {
    return this;
  }

  /** Resolves when background indexing has parsed every file. */
  get ready(): Promise<void> {
    return this.symbolIndex.ready;
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

  /** Saves the symbol cache, then releases everything (dispose() does not wait for the save). */
  async close(): Promise<void> {
    try {
      await this.symbolIndex.flush();
    } finally {
      this.dispose();
    }
  }

  override dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.symbolIndex.dispose();
    super.dispose();
  }
}
