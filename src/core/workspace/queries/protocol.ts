// Messages between a workspace's QueryWorkers (host thread) and its query worker threads, which run every
// search whose cost model code controls: grep's regular expressions, glob and regex filters, Tree-sitter
// queries. Tables (the file list, the symbol names) are sent once per version and cached in the worker.

import type { GrepOptions, GrepMatch } from '../types';
import type { AstMatch } from '../syntax/types';
import type { SyntaxAssets } from '../syntax/SyntaxAssets';
import type { PackedRows } from './packedRows';
import type { PatternKind } from './patterns';

/** One indexed file as a worker needs it: where to read it and what it is. */
export interface FileRow {
  path: string;
  /** Workspace-relative real path of a symlink's target; the file must resolve there when it is read. */
  target?: string;
  language: string;
  bytes: number;
  mtimeMs: number;
}

/** 'files': the workspace's file list; 'symbolFiles' and 'symbolNames': the symbol index's files and names. */
export type TableName = 'files' | 'symbolFiles' | 'symbolNames';

/** A table by version; `rows` is present only when the worker has not seen this version yet. */
export interface TableRef {
  name: TableName;
  version: number;
  rows?: PackedRows;
  /** Set when `rows` are only what was appended to the table since version `appendedTo`, which the worker holds. */
  appendedTo?: number;
}

export interface GrepRequest {
  kind: 'grep';
  root: string;
  files: TableRef;
  pattern: string;
  options: GrepOptions;
  /** An `rg` executable, or undefined for the JavaScript engine. */
  ripgrep?: string;
  /** A file grown past this since it was indexed is skipped. */
  maxFileBytes: number;
  budgetMs: number;
}

/** The keys (paths, names) of the table rows a pattern matches. */
export interface SelectRequest {
  kind: 'select';
  table: TableRef;
  patternKind: PatternKind;
  pattern: string;
}

export interface AstQueryRequest {
  kind: 'astQuery';
  root: string;
  files: TableRef;
  query: string;
  language?: string;
  glob?: string;
  maxResults: number;
  /** Files larger than this are not parsed. */
  maxFileBytes: number;
  budgetMs: number;
}

export type QueryRequest = GrepRequest | SelectRequest | AstQueryRequest;

export interface GrepAnswer {
  matches: GrepMatch[];
  capped: boolean;
  timedOut: boolean;
  engine: 'ripgrep' | 'ripgrep-pcre2' | 'v8';
}

export interface AstQueryAnswer {
  matches: AstMatch[];
  capped: boolean;
  timedOut: boolean;
}

/** What each kind of request answers. */
export interface QueryAnswers {
  grep: GrepAnswer;
  select: string[];
  astQuery: AstQueryAnswer;
}

export type QueryKind = QueryRequest['kind'];

export interface QueryWorkerData {
  assets?: SyntaxAssets;
  /** Int32Array slots [request id, row index]: the worker says which row it is on, so a stall can be located. */
  progress: SharedArrayBuffer;
}

export type ToQueryWorker = { id: number; request: QueryRequest };

export type FromQueryWorker =
  | { id: number; type: 'partial'; matches: GrepMatch[] }
  | { id: number; type: 'done'; answer: unknown }
  | { id: number; type: 'error'; message: string };

/**
 * What a worker shares with the host while it runs, read even when it is stuck: the request, the row it is
 * testing (to name the file a stalled pattern was on), and the rg process it started (killed with it).
 */
export const PROGRESS_SLOTS = { request: 0, row: 1, process: 2 } as const;
