// Messages between the symbol index and its parsing workers.
import type { FileSymbol } from './types';

export interface WorkerRequest {
  batch: number;
  files: Array<{ path: string; absolutePath: string; language: string }>;
}

export interface WorkerResponse {
  batch: number;
  results: Array<{ path: string; symbols: FileSymbol[]; error?: string }>;
  /** The worker could not start Tree-sitter at all; its batches will never complete. */
  fatal?: string;
  /** Sent once (batch 0) when Tree-sitter is initialised in the worker. */
  started?: boolean;
}

/** How a worker words a failed Tree-sitter start (see `fatal`). */
export const FATAL_PREFIX = 'Tree-sitter failed to start';
