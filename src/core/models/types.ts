// The narrow interface every language-model provider plugs into. The loop and the sub-call runner know only
// this; providers implement it: OpenAI, Anthropic and OpenAI-compatible servers here, and third parties such
// as the editor's language-model API (VS Code's `vscode.lm`, adapted in src/extension; src/core never imports
// vscode). docs/api.md ("Plug in a provider") shows a complete one; retry.ts gives every provider the same retries,
// backoff, silence timeout, concurrency limit and cancellation for the price of an `attempt` function and an
// error classifier.

export type Role = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: Role;
  content: string;
}

export interface Usage {
  /** Every prompt token, those read from or written to the provider's prompt cache included. */
  inputTokens: number;
  /** Every reply token, thinking included. */
  outputTokens: number;
  /** True when the tokens were estimated from characters: the server reported none, or the call was cut short. */
  estimated: boolean;
  /** Prompt tokens the provider read from its prompt cache (billed at the cached-input price); part of inputTokens. */
  cachedInputTokens?: number;
  /** Prompt tokens written to the provider's cache (Anthropic bills them above the input price); part of inputTokens. */
  cacheWriteTokens?: number;
  /** Reply tokens spent thinking, where the provider reports them (OpenAI's reasoning tokens); part of outputTokens. */
  reasoningTokens?: number;
}

/** How hard a reasoning model thinks: OpenAI's `reasoning_effort`, or an Anthropic thinking budget (anthropicModel.ts). */
export const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

export interface Completion {
  /** The whole answer: what `onText` received since the last `onRetry` (or since the start). */
  text: string;
  usage: Usage;
  /** The model name the server says answered (falls back to the requested name). */
  model: string;
  /** The whole call in ms: time queued for a slot, every attempt and every backoff included. */
  latencyMs: number;
  /** Why the model stopped, as the provider says it ('stop', 'length', 'end_turn', 'max_tokens', ...). */
  finishReason?: string;
}

/** The finish reasons that mean the reply hit its output limit (OpenAI and compatible servers, Anthropic). */
const OUTPUT_LIMIT_REASONS: ReadonlySet<string> = new Set(['length', 'max_tokens']);

/** True when the reply stopped at its output limit: it may end in the middle of a sentence or a code block. */
export function cutAtOutputLimit(completion: Pick<Completion, 'finishReason'>): boolean {
  return completion.finishReason !== undefined && OUTPUT_LIMIT_REASONS.has(completion.finishReason);
}

export interface CompletionRequest {
  messages: ChatMessage[];
  /**
   * Cancels the call wherever it is: queued for a slot, in flight, streaming, or waiting to retry. complete()
   * must then reject promptly (well under a second) with a ModelError of kind 'cancelled', and stop any
   * network or editor request it started.
   */
  signal?: AbortSignal;
  /** Called with each piece of answer text as it streams in, in order, from the current attempt only. */
  onText?: (delta: string) => void;
  /** Cap on answer tokens; absent: the provider's own default. */
  maxOutputTokens?: number;
  /**
   * For a conversation the next request resends with more at its end (the root history): Anthropic gets
   * cache_control breakpoints on the system prompt and on the newest turn; OpenAI and compatible servers get
   * `key` as prompt_cache_key, so requests that share a prefix meet the same cache. Absent: the provider's
   * automatic caching only (none for Anthropic).
   */
  promptCache?: { key: string };
  /**
   * Called when an attempt actually starts: after a concurrency slot was granted, just before the request
   * goes out. Each retry calls it again, with the next number. Never called when the call is cancelled
   * while queued.
   */
  onAttempt?: (info: AttemptInfo) => void;
  /**
   * Called before each retry, before the backoff wait. Text already streamed through `onText` belonged to the
   * failed attempt: the next attempt streams its answer from the start, so a viewer should discard what it showed.
   */
  onRetry?: (info: RetryInfo) => void;
}

export interface AttemptInfo {
  /** 1 for the first attempt, 2 for the first retry. */
  attempt: number;
}

export interface RetryInfo {
  /** The attempt that is about to start (2 for the first retry). */
  attempt: number;
  /** How long we wait before it. */
  delayMs: number;
  /** What went wrong, in a few words ("429 rate limited", "ECONNREFUSED", "stream cut off"). */
  reason: string;
}

/**
 * A language model the engine can call. Implementations must be safe to call many times at once (a batch of
 * sub-calls runs its prompts concurrently) and must not block the thread: the extension host is shared.
 */
export interface ChatModel {
  /** Who serves it: 'openai' | 'anthropic' | 'openai-compatible' | 'vscode-lm' | ... Used for pricing and prompt notes. */
  readonly provider: string;
  /** The model's name as its provider knows it; prices are looked up by it (unknown names cost 0). */
  readonly name: string;
  /** Context window in tokens; sub-call prompts larger than this are refused before sending. */
  readonly contextWindow: number;
  /**
   * False when contextWindow stands in for a window nobody configured and the price table does not know (a local
   * model): the root history is then compacted to a safe default instead (RootHistory.ts). Absent: known.
   */
  readonly contextWindowKnown?: boolean;
  /**
   * One answer to `request.messages`. Resolves with the whole text and its usage (estimated from characters,
   * see usage.ts, when the provider reports none). Honours `signal`, `onText`, `onAttempt` and `onRetry` as
   * documented on CompletionRequest. Rejects only with a ModelError (kind says what went wrong, the message
   * says what the user can do), or with the original error for a bug in the caller or the provider code.
   * Transient failures (rate limits, overload, dropped connections) are retried inside before giving up.
   */
  complete(request: CompletionRequest): Promise<Completion>;
}

export type ModelErrorKind = 'auth' | 'unreachable' | 'rate_limited' | 'server' | 'bad_request' | 'cancelled' | 'stream' | 'context_overflow';

/**
 * Raised by complete() for provider failures after retries, and for cancellation, with a message a user can act
 * on. Kinds: 'auth' (no key or no permission), 'unreachable', 'rate_limited' (still limited, or out of quota),
 * 'server' (5xx, overload, timeouts), 'bad_request' (unknown model, bad parameters: permanent), 'cancelled',
 * 'stream' (the reply was cut off), 'context_overflow' (the prompt is too long for the model).
 */
export class ModelError extends Error {
  /**
   * What the call spent before it ended, when its request had gone out (in flight, mid-stream, or an attempt
   * that had begun its reply): input estimated from the messages once per such attempt, output from the text
   * streamed before the cut. Always `estimated: true`. Absent when nothing was sent (cancelled while queued).
   */
  spent?: Usage;

  constructor(
    message: string,
    readonly kind: ModelErrorKind,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
