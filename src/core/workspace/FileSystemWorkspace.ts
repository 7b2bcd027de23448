// The Workspace that model code sees (files / read / grep / summary), over a WorkspaceIndex on disk.
// Every path from model code goes through the PathGuard; every answer is limited to indexed files, so
// what the model can read is exactly what files() lists.

import picomatch from 'picomatch';
import type { FileInfo, GrepOptions, GrepResult, Workspace, WorkspaceSummary, WorkspaceSyntax } from './types';
import { type IndexedFile, WorkspaceIndex, type WorkspaceIndexOptions } from './WorkspaceIndex';
import { closestPath } from './closestPath';
import { GrepCollector, parseGrepQuery } from './GrepQuery';
import { LineCache } from './LineCache';
import { regexSearch } from './RegexSearch';
import { type GrepEngine, Ripgrep } from './RipgrepSearch';

export interface FileSystemWorkspaceOptions {
  /**
   * ripgrep for grep(): a path to an `rg` executable (VS Code ships one), `false` to always use the V8
   * engine, or undefined to use `rg` from PATH when there is one.
   */
  ripgrep?: string | false;
  /** Bytes of recently read files kept split into lines (default 8 MB). */
  readCacheBytes?: number;
  /** How long one grep may search before it returns what it found, marked incomplete (default 10 s). */
  grepTimeBudgetMs?: number;
}

export class FileSystemWorkspace implements Workspace {
  private readonly ripgrep: Ripgrep | undefined;
  private readonly lineCache: LineCache;
  private readonly grepTimeBudgetMs: number | undefined;

  constructor(readonly index: WorkspaceIndex, options: FileSystemWorkspaceOptions = {}) {
    this.ripgrep = Ripgrep.locate(options.ripgrep);
    this.lineCache = new LineCache(options.readCacheBytes);
    this.grepTimeBudgetMs = options.grepTimeBudgetMs;
  }

  /** Indexes `root` synchronously and wraps it (the CLI's way in). */
  static open(root: string, options: WorkspaceIndexOptions & FileSystemWorkspaceOptions = {}): FileSystemWorkspace {
    return new FileSystemWorkspace(WorkspaceIndex.open(root, options), options);
  }

  /** Like `open`, yielding to the event loop while indexing (the extension's way in). */
  static async openAsync(root: string, options: WorkspaceIndexOptions & FileSystemWorkspaceOptions = {}): Promise<FileSystemWorkspace> {
    return new FileSystemWorkspace(await WorkspaceIndex.openAsync(root, options), options);
  }

  summary(): WorkspaceSummary {
    const languages: Record<string, number> = {};
    let bytes = 0;
    for (const file of this.index.list()) {
      bytes += file.bytes;
      languages[file.language] = (languages[file.language] ?? 0) + 1;
    }
    return { root: this.index.name, files: this.index.size, bytes, languages };
  }

  /**
   * Indexed files, sorted by path, optionally filtered by a glob:
   * - no '/' in the glob: it matches the file name at any depth ('*.ts', 'README.md', 'test_*.py');
   * - with '/': the whole path, picomatch syntax ('src/**\/*.ts', 'src/*.{js,ts}');
   * - a trailing '/', or a path without wildcards that names a folder, means everything under it ('src/core').
   * Dotfiles match like any other file.
   */
  files(glob?: string): FileInfo[] {
    const matches = this.globMatcher(glob);
    const result: FileInfo[] = [];
    for (const file of this.index.list()) if (matches(file.path)) result.push(toFileInfo(file));
    return result;
  }

  /**
   * Lines `startLine`..`endLine` (1-based, inclusive) of an indexed file, joined with '\n'; the whole file
   * by default. A start before line 1 reads from line 1, an end past the last line stops there, and a start
   * past the last line gives ''.
   */
  read(path: string, startLine?: number, endLine?: number): string {
    const file = this.resolveFile(path);
    const start = lineArgument('startLine', startLine) ?? 1;
    const end = lineArgument('endLine', endLine);
    if (end !== undefined && end < start) {
      throw new Error(`read('${file.path}', ${startLine}, ${endLine}): endLine is before startLine; lines are 1-based and inclusive`);
    }
    let lines: string[] | undefined;
    try {
      lines = this.lineCache.lines(this.index.guard.absolute(file.path), this.index.maxFileBytes);
    } catch {
      lines = undefined;
    }
    if (lines === undefined) {
      // Deleted, or grown past the size limit, since it was indexed: update the record and say why.
      this.index.applyChange(file.path, 'changed');
      this.resolveFile(file.path);
      throw new Error(`File '${file.path}' changed while being read: try again`);
    }
    const from = Math.max(1, start);
    const to = Math.min(lines.length, end ?? lines.length);
    return from > to ? '' : lines.slice(from - 1, to).join('\n');
  }

  /** See GrepOptions; `pattern` is JavaScript regex source or a '/source/flags' literal, matched line by line. */
  grep(pattern: string, options?: GrepOptions): GrepResult {
    return this.grepWithEngine(pattern, options).result;
  }

  /** grep() plus which engine answered (for diagnostics, benchmarks and tests). */
  grepWithEngine(pattern: string, options?: GrepOptions): { result: GrepResult; engine: GrepEngine } {
    const query = parseGrepQuery(pattern, options);
    const matches = this.globMatcher(query.glob);
    const files: string[] = [];
    for (const file of this.index.list()) if (matches(file.path)) files.push(file.path);
    const collector = new GrepCollector(query, this.grepTimeBudgetMs);
    let engine: GrepEngine = 'v8';
    if (this.ripgrep && files.length > 0) engine = this.ripgrep.search(this.index.root, files, query, collector);
    else regexSearch(this.index.root, files, query, collector);
    return { result: collector.result(), engine };
  }

  /** No syntax here; CodeWorkspace adds the Tree-sitter symbol index. */
  get syntax(): WorkspaceSyntax | undefined {
    return undefined;
  }

  dispose(): void {
    this.lineCache.clear();
  }

  /** The record for a path from model code, or a clear Error saying why it cannot be read. */
  private resolveFile(input: string): IndexedFile {
    const relative = this.index.guard.confine(input);
    const known = this.index.get(relative);
    if (known) return known;
    const exclusion = this.index.explain(relative);
    if (exclusion === undefined) {
      // On disk and indexable, but the index has not seen it yet (no watcher running): take it in now.
      this.index.applyChange(relative, 'created');
      const fresh = this.index.get(relative);
      if (fresh) return fresh;
    }
    if (exclusion?.reason === 'missing' || exclusion === undefined) {
      const suggestion = closestPath(relative, this.index.list().map((f) => f.path));
      throw new Error(`No file '${relative}' in the workspace.${suggestion ? ` Did you mean '${suggestion}'?` : ''} List files with files('*.ts') or files('src/')`);
    }
    throw new Error(`File '${relative}' is not readable: ${exclusion.message}`);
  }

  private globMatcher(glob: string | undefined): (path: string) => boolean {
    if (glob === undefined || glob === null || glob === '' || glob === '**' || glob === '**/*') return () => true;
    if (typeof glob !== 'string') throw new Error(`files(glob) takes a string such as '*.ts' or 'src/**/*.py', got ${JSON.stringify(glob)}`);
    let pattern = glob.trim().replace(/\\/g, '/').replace(/^\.\//, '');
    if (pattern.endsWith('/')) pattern += '**';
    if (!picomatch.scan(pattern).isGlob) {
      const exact = pattern;
      const under = exact + '/';
      const byName = !exact.includes('/');
      return (p) => p === exact || p.startsWith(under) || (byName && p.slice(p.lastIndexOf('/') + 1) === exact);
    }
    const matcher = picomatch(pattern, { dot: true });
    // Matching the name ourselves is several times faster than picomatch's `basename` option.
    return pattern.includes('/') ? matcher : (p) => matcher(p.slice(p.lastIndexOf('/') + 1));
  }
}

function toFileInfo(file: IndexedFile): FileInfo {
  return { path: file.path, language: file.language, bytes: file.bytes, lines: file.lines };
}

function lineArgument(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new Error(`read(): ${name} must be a whole line number (1-based), got ${JSON.stringify(value)}`);
  }
  return value;
}
