// What the syntax layer answers: definitions found by Tree-sitter tags queries, and raw AST query matches.

/** A definition in a source file. Lines are 1-based and inclusive. */
export interface CodeSymbol {
  name: string;
  /** function, method, class, interface, struct, enum, type, module, constant, macro, field, union. */
  kind: string;
  /** Workspace-relative path with '/'. */
  path: string;
  line: number;
  endLine: number;
  /** Name of the enclosing definition (the class of a method, the type of a Go/Rust method's receiver). */
  container?: string;
}

/** A symbol as stored per file (the path is the file's). */
export type FileSymbol = Omit<CodeSymbol, 'path'>;

export interface SymbolFilter {
  /** Exact name, a glob (`get*`), or a `/regex/flags` string. */
  name?: string;
  kind?: string | string[];
  /** Exact path, a glob (`src/**\/*.ts`), or a `/regex/flags` string. */
  path?: string;
  /** At most this many definitions (default 5,000). */
  maxResults?: number;
}

/** The part of a workspace file record the syntax layer needs (same shape as the WorkspaceIndex's). */
export interface SourceFileRecord {
  path: string;
  language: string;
  bytes: number;
  mtimeMs: number;
  /** For a symlink: the workspace-relative real path it must resolve to when read. */
  target?: string;
}

export interface AstQueryOptions {
  /** Run only on files of this language id (required to pick a grammar when the query fits several). */
  language?: string;
  glob?: string;
  /** Stop after this many matches (default 100). */
  maxResults?: number;
}

export interface AstCapture {
  name: string;
  /** The node's text, cut to a readable length. */
  text: string;
  line: number;
  endLine: number;
}

export interface AstMatch {
  path: string;
  language: string;
  captures: AstCapture[];
}

export interface SymbolIndexStats {
  files: number;
  /** Files with a grammar (the rest simply have no symbols). */
  parseableFiles: number;
  indexedFiles: number;
  symbols: number;
  /** Files whose symbols came from the cache file at open. */
  cacheHits: number;
  /** Files parsed by the background indexing: worker threads, or slices on this thread when workers are off or cannot start. */
  parsedInBackground: number;
  /** Files parsed ahead of the background queue because a query needed them before the workers got there. */
  parsedUrgently: number;
  failedFiles: number;
  /** Files over maxFileBytes, left unparsed (generated bundles, data dumps). */
  tooLargeFiles: number;
  ready: boolean;
  /** Wall time from open() to ready, once ready. */
  indexingMs?: number;
}
