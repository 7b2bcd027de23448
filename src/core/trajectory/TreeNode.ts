// The nodes a trajectory viewer draws. Plain data (no parent links, no methods), so a tree serialises to
// JSON as it is and can cross into a webview. Pure TypeScript: no Node imports.

import type { CompactionReason, ContextMeta, FileChangeKind, NodeStatus, RunLimitsSummary, RunUsage, StopReason, SubCallFunction } from './events';

export type NodeKind = 'run' | 'turn' | 'cell' | 'subcall' | 'edit' | 'compaction';

/** A node's own figures, or the same rolled up over its subtree (the node itself included). */
export interface Figures {
  /** Every prompt token, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens the provider's prompt cache served (part of inputTokens). */
  cachedInputTokens: number;
  /** Billed: cached prompt tokens at their own price. */
  costUsd: number;
  /** What caching saved against list prices: the prompt-cache discount and answers reused from the sub-call cache. */
  savedUsd: number;
  /** Sub-call nodes and child runs. */
  subCalls: number;
  /** Nodes that ended with status 'error'. */
  errors: number;
  /** Some of these tokens were estimated from characters (the server sent no usage, or the call was cut short). */
  estimated: boolean;
  /** Calls to models with no known price: `costUsd` leaves them out, so above 0 the cost is not known. */
  unpriced: number;
  /**
   * Not a sum (sub-calls overlap): milliseconds from the node's start to its end or, while it runs, to its
   * latest event. In `total`, to the latest event anywhere under it: a turn's span covers its cells, which
   * run after the model's reply (the turn's own end).
   */
  elapsedMs: number;
}

interface NodeBase {
  id: string;
  /** The parent the start event named; a node whose parent never started is drawn as a root but keeps it. */
  parentId?: string;
  /** A short title for a tree row: "turn 2", "llm_query_batched[3] (gpt-5-mini)". */
  label: string;
  status: NodeStatus;
  startTime: number;
  endTime?: number;
  own: Figures;
  total: Figures;
  /** The model that answered (a turn knows its run's model from the start, the served name at its end). */
  model?: string;
  /** run: the question; cell: the code; sub-call: the prompt (as traced, possibly truncated); edit: its description. */
  input?: string;
  /** run: the answer; turn: the model's text; cell: the output; sub-call: the response; edit: its diff. Turns and sub-calls fill it as text streams in. */
  output?: string;
  error?: string;
  children: TreeNode[];
}

export interface RunNode extends NodeBase {
  kind: 'run';
  depth: number;
  rootModel: string;
  subModel: string;
  context?: ContextMeta;
  limits?: RunLimitsSummary;
  stopReason?: StopReason;
  /** Why the run stopped, in words, when it was not a final answer. */
  detail?: string;
  iterations?: number;
  /** The usage the run reported at its end (its subtree's `total` is the same, counted from the events). */
  reported?: RunUsage;
}

export interface TurnNode extends NodeBase {
  kind: 'turn';
  iteration: number;
  /** The extra turn that asks for a best answer once a limit stopped the run. */
  last: boolean;
  retries: number;
  latencyMs?: number;
  /** Why the model stopped, as its provider said it. */
  finishReason?: string;
  /** The reply stopped at its output limit (none of its code ran). */
  cut?: boolean;
}

export interface CellNode extends NodeBase {
  kind: 'cell';
  /** 0-based position of the code block in its turn. */
  index: number;
  timedOut: boolean;
}

export interface SubCallNode extends NodeBase {
  kind: 'subcall';
  /** Absent in schema-1 traces, which did not record it. */
  fn?: SubCallFunction;
  batchId?: string;
  slot?: number;
  /** Length of the whole prompt (`input` may be truncated). */
  promptChars: number;
  /** Answered from the sub-call cache: nothing was sent or spent; `own.savedUsd` is what the answer cost the first time. */
  cached?: boolean;
  /** When the request went out; `startTime` is when model code made the call, so the gap is time queued for a slot. */
  sentTime?: number;
  retries: number;
  latencyMs?: number;
}

/** A change model code proposed to a file: `input` is its description, `output` its diff. */
export interface EditNode extends NodeBase {
  kind: 'edit';
  path: string;
  change: FileChangeKind;
  from?: string;
  added: number;
  removed: number;
}

/** Older root turns replaced by a summary: `output` is the summary; its figures are the summary call's. */
export interface CompactionNode extends NodeBase {
  kind: 'compaction';
  reason: CompactionReason;
  window: number;
  tokensBefore: number;
  tokensAfter?: number;
  turns: number;
  latencyMs?: number;
}

export type TreeNode = RunNode | TurnNode | CellNode | SubCallNode | EditNode | CompactionNode;

export function emptyFigures(): Figures {
  return {
    inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0, savedUsd: 0, subCalls: 0, errors: 0, estimated: false, unpriced: 0, elapsedMs: 0,
  };
}
