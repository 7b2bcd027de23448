// What model code sees of a workspace. Paths are workspace-relative with '/'.

import type { AstMatch, AstQueryOptions, CodeSymbol, SymbolFilter } from './syntax/types';

export interface FileInfo {
  path: string;
  language: string;
  bytes: number;
  lines: number;
}

export interface GrepOptions {
  glob?: string;
  ignoreCase?: boolean;
  maxResults?: number;
  /** Lines of context before and after each match. */
  context?: number;
}

export interface GrepMatch {
  path: string;
  line: number;
  text: string;
  /** Present when context lines were asked for. */
  before?: string[];
  after?: string[];
}

export interface GrepResult {
  matches: GrepMatch[];
  /** True when the search stopped early: at maxResults, or (with timedOut) when its time budget ran out. */
  capped: boolean;
  timedOut?: boolean;
}

export interface WorkspaceSummary {
  /** The folder's name (never the absolute path: model prompts should not leak the user's layout). */
  root: string;
  files: number;
  bytes: number;
  /** Language name to file count. */
  languages: Record<string, number>;
}

/**
 * The workspace as the engine needs it. Synchronous on purpose: model code calls `files()`, `read()` and
 * `grep()` without `await` (as the paper's context is a plain variable), and a host call is microseconds.
 * The plain file-system implementation lives beside this file.
 */
export interface Workspace {
  summary(): WorkspaceSummary;
  files(glob?: string): FileInfo[];
  /** 1-based, inclusive line range. Throws a clear Error for paths outside the workspace or missing files. */
  read(path: string, startLine?: number, endLine?: number): string;
  grep(pattern: string, options?: GrepOptions): GrepResult;
  /** Tree-sitter syntax, when the workspace has a symbol index (see CodeWorkspace). */
  readonly syntax?: WorkspaceSyntax;
  dispose?(): void;
}

/** Syntax-aware access for model code: definitions, AST queries, outlines. Synchronous, like the rest. */
export interface WorkspaceSyntax {
  symbols(filter?: SymbolFilter): CodeSymbol[];
  astQuery(query: string, options?: AstQueryOptions): AstMatch[];
  outline(path: string): string;
}
