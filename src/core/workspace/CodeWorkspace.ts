// A workspace with syntax: the file index, host-side search, and the Tree-sitter symbol index kept in step
// with the file index. Index changes (watch mode, or the editor's own file events through applyChange)
// flow straight into the symbol index, so nothing is ever rescanned in full.

import { homedir } from 'node:os';
import { join } from 'node:path';
import { FileSystemWorkspace, type FileSystemWorkspaceOptions } from './FileSystemWorkspace';
import { SymbolIndex } from './syntax/SymbolIndex';
import type { AstMatch, AstQueryOptions, CodeSymbol, SymbolFilter } from './syntax/types';
import type { WorkspaceSyntax } from './types';
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

  private constructor(index: WorkspaceIndex, readonly symbolIndex: SymbolIndex, options: CodeWorkspaceOptions) {
    super(index, options);
    this.subscriptions.push(index.onDidChange((changes) => {
      const removed = changes.filter((c) => c.kind === 'deleted').map((c) => c.path);
      const current = changes.flatMap((c) => (c.kind !== 'deleted' && c.file ? [c.file] : []));
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
    const symbolIndex = await SymbolIndex.open({ root: index.root, files: index.list(), cacheDir, workers: options.workers });
    return new CodeWorkspace(index, symbolIndex, options);
  }

  override get syntax(): WorkspaceSyntax {
    return this;
  }

  /** Resolves when background indexing has parsed every file. */
  get ready(): Promise<void> {
    return this.symbolIndex.ready;
  }

  symbols(filter?: SymbolFilter): CodeSymbol[] {
    return this.symbolIndex.symbols(filter ?? {});
  }

  astQuery(query: string, options?: AstQueryOptions): AstMatch[] {
    if (typeof query !== 'string' || query.trim() === '') {
      throw new Error('ast_query expects a Tree-sitter query string, e.g. ast_query("(function_declaration name: (identifier) @name)", {language: "typescript"})');
    }
    return this.symbolIndex.astQuery(query, options ?? {});
  }

  outline(path: string): string {
    return this.symbolIndex.outline(this.index.guard.relative(path));
  }

  override dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.symbolIndex.dispose();
    super.dispose();
  }
}
