// Messages between the symbol index and its parsing workers.
import type { FileRow } from '../queries/protocol';
import type { TextSyntax } from './parseText';
import type { PackedSymbols } from './SymbolStore';

export interface WorkerRequest {
  batch: number;
  /** The workspace root (real path) the files' paths are relative to. */
  root: string;
  /** A file grown past this since it was indexed is not read. */
  maxBytes: number;
  /** `literals`: parse only if the text contains them all (an urgent query for a name); else answer `skipped`. */
  files: Array<FileRow & { literals?: string[] }>;
}

export interface WorkerResponse {
  batch: number;
  results: Array<{ path: string; symbols: PackedSymbols; error?: string; skipped?: boolean }>;
  /** The worker could not start Tree-sitter at all; its batches will never complete. */
  fatal?: string;
  /** Sent once (batch 0) when Tree-sitter is initialised in the worker. */
  started?: boolean;
}

/** How a worker words a failed Tree-sitter start (see `fatal`). */
export const FATAL_PREFIX = 'Tree-sitter failed to start';

/** A text to parse (not a workspace file): its definitions and the identifiers on `lines` (see parseText.ts). */
export interface TextRequest {
  textRequest: number;
  language: string;
  text: string;
  /** 1-based lines whose identifiers to collect. */
  lines: number[];
}

export interface TextResponse {
  textRequest: number;
  syntax?: TextSyntax;
  error?: string;
}
