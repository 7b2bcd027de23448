// The narrow interface every language-model provider plugs into. The loop and the sub-call runner
// know only this; providers (OpenAI, Anthropic, OpenAI-compatible servers, later the editor's LM API)
// implement it.

export type Role = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: Role;
  content: string;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** True when the server reported no usage and the tokens were estimated from characters. */
  estimated: boolean;
}

export interface Completion {
  text: string;
  usage: Usage;
  /** The model name the server says answered (falls back to the requested name). */
  model: string;
  latencyMs: number;
  /** Why the model stopped, as the provider says it ('stop', 'length', 'end_turn', 'max_tokens', ...). */
  finishReason?: string;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  signal?: AbortSignal;
  /** Called with each piece of text as it streams in. */
  onText?: (delta: string) => void;
  maxOutputTokens?: number;
  /**
   * Called before each retry. Text already streamed through `onText` belonged to the failed attempt:
   * the next attempt streams its answer from the start, so a viewer should discard what it showed.
   */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  /** The attempt that is about to start (2 for the first retry). */
  attempt: number;
  /** How long we wait before it. */
  delayMs: number;
  /** What went wrong, in a few words ("429 rate limited", "ECONNREFUSED", "stream cut off"). */
  reason: string;
}

export interface ChatModel {
  /** 'openai' | 'anthropic' | 'openai-compatible' | ... : used for pricing and model-specific prompt notes. */
  readonly provider: string;
  readonly name: string;
  /** Context window in tokens; sub-call prompts larger than this are refused before sending. */
  readonly contextWindow: number;
  complete(request: CompletionRequest): Promise<Completion>;
}

/** Raised for provider failures after retries, with a message a user can act on. */
export class ModelError extends Error {
  constructor(
    message: string,
    readonly kind: 'auth' | 'unreachable' | 'rate_limited' | 'server' | 'bad_request' | 'cancelled' | 'stream' | 'context_overflow',
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
