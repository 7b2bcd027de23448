// What model code sees of a workspace. Paths are workspace-relative with '/'.

import type { TextSyntax } from './syntax/parseText';
import type { AstMatch, AstQueryOptions, CodeSymbol, SymbolFilter } from './syntax/types';

export interface FileInfo {
  path: string;
  language: string;
  bytes: number;
  lines: number;
}

/** What a path the user names (an attachment) is, as model code may see it: an indexed file, or a folder of them. */
export type PathEntry = ({ kind: 'file' } & FileInfo) | { kind: 'folder'; path: string; files: number; bytes: number };

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
  /** Set when the search covered only part of the workspace's files (the file list is still being built). */
  incomplete?: string;
}

/** How long one call from model code may take, and how to stop it early. */
export interface CallControl {
  /** Stops the work (the cell ended or was cancelled); the call then rejects. */
  signal?: AbortSignal;
  /** At most this many ms (the caller's own deadline); the workspace's default budget applies too. */
  timeBudgetMs?: number;
}

export interface WorkspaceSummary {
  /** The folder's name (never the absolute path: model prompts should not leak the user's layout). */
  root: string;
  files: number;
  bytes: number;
  /** Language name to file count. */
  languages: Record<string, number>;
  /** Set while the file list is still being built: the counts are of the files found so far. */
  incomplete?: true;
}

/**
 * The workspace as the engine needs it. Asynchronous on the host, so the host thread (the editor's extension
 * host) never waits on disk, a regex or a parser; model code still calls `files()`, `read()` and `grep()`
 * without `await`, because the sandbox worker waits for the answer (see HostFunctionKind 'blocking').
 * The plain file-system implementation lives beside this file.
 */
export interface Workspace {
  summary(): WorkspaceSummary;
  /** Indexed files; `incomplete` says when the list is partial (still being built). */
  files(glob?: string, control?: CallControl): Promise<PartialResult<FileInfo>>;
  /** 1-based, inclusive line range. Rejects with a clear Error for paths outside the workspace or missing files. */
  read(path: string, startLine?: number, endLine?: number, control?: CallControl): Promise<string>;
  grep(pattern: string, options?: GrepOptions, control?: CallControl): Promise<GrepResult>;
  /**
   * A file, or a folder with the indexed files under it ('' or '.' is the workspace itself). Rejects like read(),
   * with a clear Error, for a path outside the workspace, missing, ignored, a credential file, or a folder with no
   * file model code may see.
   */
  entry(path: string, control?: CallControl): Promise<PathEntry>;
  /**
   * A file's exact text (line endings kept), the base of a proposed edit; undefined when there is no file and
   * one may be created there. Refused like read() for paths the model may not see.
   */
  readText(path: string): Promise<string | undefined>;
  /** Tree-sitter syntax, when the workspace has a symbol index (see CodeWorkspace). */
  readonly syntax?: WorkspaceSyntax;
  dispose?(): void;
}

/** Where answers get their files, and whether that list is whole yet (a WorkspaceIndex while its first walk runs). */
export interface FileListing {
  /** Waits until the list is whole, or `until` (epoch ms) or the signal; else a note for the model saying how much is known. */
  untilListed(until: number, signal?: AbortSignal): Promise<string | undefined>;
  /** The folders read so far ('' the root): every listed file is directly in one of them. */
  directories?(): ReadonlySet<string>;
}

/** An answer that may be partial: `incomplete` says why, in words the model can act on. */
export interface PartialResult<T> {
  items: T[];
  incomplete?: string;
}

/** Syntax-aware access for model code: definitions, AST queries, outlines. */
export interface WorkspaceSyntax {
  symbols(filter?: SymbolFilter, control?: CallControl): Promise<PartialResult<CodeSymbol>>;
  astQuery(query: string, options?: AstQueryOptions, control?: CallControl): Promise<PartialResult<AstMatch>>;
  outline(path: string, control?: CallControl): Promise<string>;
  /** Parses a text (not a file) on the parser threads: its definitions, and the identifiers on `lines`. */
  parseText(language: string, text: string, lines?: readonly number[]): Promise<TextSyntax | undefined>;
}
