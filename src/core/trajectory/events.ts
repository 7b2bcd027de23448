// Every run emits these events as they happen. They form a tree: a run holds turns, a turn holds cells,
// a cell holds sub-calls and child runs (which hold their own turns...). `parentId` always names the node
// an event hangs under, so a viewer can draw the tree from the stream alone, in order, without lookahead.

import type { Usage } from '../models/types';

export type StopReason =
  | 'final'
  | 'max_iterations'
  | 'max_sub_calls'
  | 'max_tokens'
  | 'max_cost'
  | 'timeout'
  | 'cancelled'
  | 'error';

export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** True if any call's tokens were estimated from characters. */
  estimated: boolean;
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
}

interface EventBase {
  /** Monotonic index of the event in its trajectory (set by the Trajectory, not by emitters). */
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
}

export interface TurnStartEvent extends EventBase {
  type: 'turn_start';
  id: string;
  parentId: string; // run
  iteration: number;
}

export interface ModelTextEvent extends EventBase {
  type: 'model_text';
  parentId: string; // turn
  delta: string;
  /** The provider retried: drop the text streamed so far for this turn before appending `delta`. */
  reset?: boolean;
}

export interface TurnEndEvent extends EventBase {
  type: 'turn_end';
  id: string;
  parentId: string; // run
  text: string;
  model: string;
  usage: Usage;
  costUsd: number;
  latencyMs: number;
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
  /** Output as the model was shown it (already truncated). */
  output: string;
  error?: string;
  durationMs: number;
}

export interface SubCallStartEvent extends EventBase {
  type: 'subcall_start';
  id: string;
  parentId: string; // cell
  model: string;
  prompt: string;
  promptChars: number;
}

export interface SubCallEndEvent extends EventBase {
  type: 'subcall_end';
  id: string;
  parentId: string; // cell
  model: string;
  response: string;
  error?: string;
  usage: Usage;
  costUsd: number;
  latencyMs: number;
}

export interface FinalEvent extends EventBase {
  type: 'final';
  parentId: string; // run
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
  answer: string;
  stopReason: StopReason;
  iterations: number;
  subCalls: number;
  usage: RunUsage;
  durationMs: number;
}

export type RlmEvent =
  | RunStartEvent
  | TurnStartEvent
  | ModelTextEvent
  | TurnEndEvent
  | CellStartEvent
  | CellEndEvent
  | SubCallStartEvent
  | SubCallEndEvent
  | FinalEvent
  | LimitEvent
  | ErrorEvent
  | RunEndEvent;

/** The last line of a JSONL trace: a SHA-256 over every event line before it. */
export interface ReceiptLine {
  type: 'receipt';
  events: number;
  sha256: string;
}

export type TraceLine = RlmEvent | ReceiptLine;

export type RlmEventListener = (event: RlmEvent) => void;
