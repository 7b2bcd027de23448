// Every run emits these events as they happen. They form a tree: a run holds turns, a turn holds cells,
// a cell holds sub-calls and child runs (which hold their own turns...). `parentId` always names the node
// an event hangs under, so a viewer can draw the tree from the stream alone, in order, without lookahead.
//
// Schema rules (see docs/trace-format.md): every node that starts also ends, and every `*_end` event says
// how (`status`). Readers skip event types they do not know, so later versions may add types (proposed
// edits, for example) without breaking older viewers; a field is never repurposed.

import type { Usage } from '../models/types';

/** Bumped when an event changes shape. Written in the trace header; readers accept older versions. */
export const TRACE_SCHEMA_VERSION = 2;

/** How a node ended. A run stopped by a limit ended normally: 'done', and its stopReason names the limit. */
export type EndStatus = 'done' | 'error' | 'cancelled';

/** What a viewer shows for a node: waiting for a slot, in progress, or one of the end statuses. */
export type NodeStatus = 'queued' | 'running' | EndStatus;

export type StopReason =
  | 'final'
  | 'max_iterations'
  | 'max_sub_calls'
  | 'max_tokens'
  | 'max_cost'
  /** Requests to models without a known price (the editor's models, a model missing from the price table). */
  | 'max_requests'
  | 'timeout'
  | 'cancelled'
  | 'error';

/** The function in model code that made a sub-call. */
export type SubCallFunction = 'llm_query' | 'llm_query_batched' | 'rlm_query';

export interface UsageTotals {
  calls: number;
  /** Every prompt token, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** What was billed: cached prompt tokens at their own prices. */
  costUsd: number;
  /** True if any call's tokens were estimated from characters. */
  estimated: boolean;
  // The figures below are absent when zero (and in traces written before they existed).
  /** Prompt tokens read from the provider's prompt cache (part of inputTokens). */
  cachedInputTokens?: number;
  /** Prompt tokens written to the provider's prompt cache, Anthropic's cache writes (part of inputTokens). */
  cacheWriteTokens?: number;
  /** Output tokens spent thinking, where the provider reports them (part of outputTokens). */
  reasoningTokens?: number;
  /**
   * USD caching saved against list prices: the prompt-cache discount net of cache writes' surcharge (negative
   * when writes were not read back), plus what reused sub-call answers cost the first time.
   */
  savedUsd?: number;
  /** Sub-calls answered from the sub-call cache: nothing was sent, nothing spent (not counted in `calls`). */
  reusedCalls?: number;
  /** Calls to models with no known price: `costUsd` leaves them out, so the cost is unknown, not $0, when above 0. */
  unpriced?: number;
}

export interface RunUsage {
  root: UsageTotals;
  sub: UsageTotals;
  total: UsageTotals;
}

export interface ContextMeta {
  type: 'text' | 'workspace';
  /** Characters of a text context, bytes of a workspace. */
  size: number;
  files?: number;
  languages?: Record<string, number>;
  /** A workspace whose file list was still being built: the counts are of the files found so far. */
  incomplete?: true;
}

/** The budgets a run works under; null means none (JSON has no Infinity). */
export interface RunLimitsSummary {
  maxDepth: number;
  maxIterations: number;
  maxSubCalls: number | null;
  maxTokens: number | null;
  maxCostUsd: number | null;
  /** Requests to models without a known price (absent in traces written before it existed). */
  maxRequests?: number | null;
  timeoutMs: number | null;
  concurrency: number;
}

interface EventBase {
  /** Position of the event in its session's stream, continuous across questions (set by the Trajectory). */
  seq?: number;
  /** Milliseconds since the epoch. */
  time: number;
}

export interface RunStartEvent extends EventBase {
  type: 'run_start';
  id: string;
  /** For a child run: the cell whose `rlm_query` started it. */
  parentId?: string;
  depth: number;
  question: string;
  rootModel: string;
  subModel: string;
  context: ContextMeta;
  limits?: RunLimitsSummary;
  /** Model code could propose edits (the edit functions were lent and documented); absent: it could not. */
  edits?: boolean;
}

export interface TurnStartEvent extends EventBase {
  type: 'turn_start';
  id: string;
  parentId: string; // run
  iteration: number;
  /** True for the extra call that asks for a best answer once a limit stopped the run (its code does not run). */
  last?: boolean;
}

/**
 * Streamed model text of a turn, or of a sub-call when a listener asked for sub-call streaming. A `retry`
 * event for the same node discards the text streamed so far: the next attempt streams from the start.
 */
export interface ModelTextEvent extends EventBase {
  type: 'model_text';
  parentId: string; // turn or sub-call
  delta: string;
}

export interface TurnEndEvent extends EventBase {
  type: 'turn_end';
  id: string;
  parentId: string; // run
  status: EndStatus;
  text: string;
  model: string;
  /** For a cancelled turn: estimated from the prompt and the text streamed before the cut. */
  usage: Usage;
  costUsd: number;
  /** The model has no known price: `costUsd` is 0 because nothing is known, not because the call was free. */
  unpriced?: true;
  latencyMs: number;
  error?: string;
  /** What the provider's prompt cache took off the list price (absent: the call read and wrote no cache). */
  savedUsd?: number;
  /** Why the model stopped, as its provider said it ('stop', 'length', 'end_turn', 'max_tokens', ...). */
  finishReason?: string;
  /** The reply stopped at its output limit: none of its code ran, and the model was asked for a shorter one. */
  cut?: boolean;
}

export interface CellStartEvent extends EventBase {
  type: 'cell_start';
  id: string;
  parentId: string; // turn
  index: number;
  code: string;
}

export interface CellEndEvent extends EventBase {
  type: 'cell_end';
  id: string;
  parentId: string; // turn
  status: EndStatus;
  /** Output as the model was shown it (already truncated). */
  output: string;
  /** The error as the model was shown it (truncated head + tail like output). */
  error?: string;
  durationMs: number;
  /** The cell hit its deadline. */
  timedOut?: boolean;
  /**
   * Workspace files the cell's code read with read() or outline(), each once, in the order first read (at most
   * RlmRun's MAX_CELL_FILES_READ); absent when none. A path computed at run time counts as much as one written out; a
   * read that was refused (an ignored or credential file) is no read.
   */
  filesRead?: string[];
  /** Further files the cell read beyond those listed. */
  moreFilesRead?: number;
}

/** A sub-call was made by model code; it waits for a slot until `subcall_running`. */
export interface SubCallStartEvent extends EventBase {
  type: 'subcall_start';
  id: string;
  parentId: string; // cell
  fn: SubCallFunction;
  /** llm_query_batched: the batch this prompt belongs to (unique in the run) and its index in the prompts array. */
  batchId?: string;
  slot?: number;
  model: string;
  prompt: string;
  promptChars: number;
}

/** The request actually went out (a concurrency slot was free). */
export interface SubCallRunningEvent extends EventBase {
  type: 'subcall_running';
  parentId: string; // sub-call
}

/** A model call (turn or sub-call) failed transiently and will be tried again after `delayMs`. */
export interface RetryEvent extends EventBase {
  type: 'retry';
  parentId: string; // turn or sub-call
  /** The attempt about to start (2 for the first retry). */
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface SubCallEndEvent extends EventBase {
  type: 'subcall_end';
  id: string;
  parentId: string; // cell
  status: EndStatus;
  model: string;
  response: string;
  error?: string;
  /** `usage.estimated` is true when the server reported none, or the call was cut short (cancelled). */
  usage: Usage;
  costUsd: number;
  /** The model has no known price: `costUsd` is 0 because nothing is known, not because the call was free. */
  unpriced?: true;
  /** What the prompt cache took off the list price; for a reused answer, what it cost the first time. */
  savedUsd?: number;
  /** The answer came from the sub-call cache: nothing was sent, `usage` is zero and `costUsd` 0. */
  cached?: boolean;
  latencyMs: number;
}

/** What a proposal does to a file. */
export type FileChangeKind = 'create' | 'modify' | 'delete' | 'rename';

/**
 * Model code proposed a change to one file (propose_edit, propose_rename, propose_delete). Nothing is written:
 * the run's change set collects proposals for review. A node that is born ended: it has no `*_end` event.
 */
export interface EditProposedEvent extends EventBase {
  type: 'edit_proposed';
  id: string;
  parentId: string; // cell
  path: string;
  change: FileChangeKind;
  /** A rename's old path. */
  from?: string;
  /** Lines this proposal added and removed (against the file's text before it). */
  added: number;
  removed: number;
  description?: string;
  /** The file's unified diff against its base once this proposal is in (earlier proposals to it included), cut head and tail like cell output. */
  diff?: string;
}

/** Why the root history was compacted: it would have filled too much of the window, or the provider refused it. */
export type CompactionReason = 'window' | 'refused';

/**
 * Older root turns are about to be replaced by a summary (RootHistory.ts): the next root request would fill more
 * than its share of the window, or the provider refused it as too long. The REPL and its variables are kept.
 */
export interface CompactionStartEvent extends EventBase {
  type: 'compaction_start';
  id: string;
  parentId: string; // run
  reason: CompactionReason;
  /** The model writing the summary. */
  model: string;
  /** The root model's window in tokens, as the run works to it (a refusal may have lowered it). */
  window: number;
  /** The history's size before, in tokens (estimated). */
  tokensBefore: number;
  /** Root turns the summary replaces. */
  turns: number;
}

export interface CompactionEndEvent extends EventBase {
  type: 'compaction_end';
  id: string;
  parentId: string; // run
  /** 'error': the summary could not be written, and the turns were dropped with a note of the REPL's variables instead. */
  status: EndStatus;
  /** What replaced the turns (cut like a response). */
  summary: string;
  model: string;
  usage: Usage;
  costUsd: number;
  /** The model has no known price: `costUsd` is 0 because nothing is known, not because the call was free. */
  unpriced?: true;
  savedUsd?: number;
  latencyMs: number;
  /** The history's size after, in tokens (estimated). */
  tokensAfter: number;
  error?: string;
}

export interface FinalEvent extends EventBase {
  type: 'final';
  parentId: string; // run
  /** Cut head and tail past 20,000 characters, like cell output: the run's `run_end` has it whole. */
  answer: string;
}

export interface LimitEvent extends EventBase {
  type: 'limit';
  parentId: string; // run
  reason: StopReason;
  detail: string;
}

export interface ErrorEvent extends EventBase {
  type: 'error';
  parentId: string; // run
  message: string;
}

export interface RunEndEvent extends EventBase {
  type: 'run_end';
  id: string;
  parentId?: string;
  /** 'done' for a final answer and for a limit, 'error' for a failed run, 'cancelled' when cancelled. */
  status: EndStatus;
  answer: string;
  stopReason: StopReason;
  /** Why the run stopped, in words, when it was not a final answer. */
  detail?: string;
  iterations: number;
  subCalls: number;
  usage: RunUsage;
  durationMs: number;
  /** Times the root history was compacted (the whole tree for a top-level run); absent when none. */
  compactions?: number;
}

export type RlmEvent =
  | RunStartEvent
  | TurnStartEvent
  | ModelTextEvent
  | TurnEndEvent
  | CellStartEvent
  | CellEndEvent
  | SubCallStartEvent
  | SubCallRunningEvent
  | RetryEvent
  | SubCallEndEvent
  | EditProposedEvent
  | CompactionStartEvent
  | CompactionEndEvent
  | FinalEvent
  | LimitEvent
  | ErrorEvent
  | RunEndEvent;

export type RlmEventType = RlmEvent['type'];

/** Every event type this version writes; a reader skips the others. */
export const RLM_EVENT_TYPES: readonly RlmEventType[] = [
  'run_start', 'turn_start', 'model_text', 'turn_end', 'cell_start', 'cell_end', 'subcall_start',
  'subcall_running', 'retry', 'subcall_end', 'edit_proposed', 'compaction_start', 'compaction_end', 'final', 'limit', 'error', 'run_end',
];

/** The first line of a JSONL trace. */
export interface TraceHeader {
  type: 'trace';
  schema: number;
  /** ISO time the trace was started. */
  createdAt: string;
  /** The program that wrote it, e.g. "rlm-code 0.1.0". */
  generator: string;
  /** The session whose question this trace records (ids of its events start with it). */
  sessionId: string;
}

/** The last line of a JSONL trace: a SHA-256 over every line before it, header included. */
export interface ReceiptLine {
  type: 'receipt';
  events: number;
  sha256: string;
}

export type TraceLine = TraceHeader | RlmEvent | ReceiptLine;

export type RlmEventListener = (event: RlmEvent) => void;

/** The end status a run's stop reason implies. */
export function runStatus(stopReason: StopReason): EndStatus {
  return stopReason === 'error' ? 'error' : stopReason === 'cancelled' ? 'cancelled' : 'done';
}
