// Anthropic messages through the official SDK, streaming. The Messages API differs from chat completions
// in three ways that matter here: system text is a separate parameter, roles must alternate, and
// max_tokens is required.

import Anthropic from '@anthropic-ai/sdk';
import { ConfigError } from './configError';
import type { ClassifyFailure } from './failures';
import { sdkFailures, serviceName, TruncatedStreamError, type Endpoint } from './sdkFailures';
import { ConcurrencyLimiter } from './limiter';
import { defaultPriceTable, type PriceTable } from './pricing';
import { completeWithRetries, DEFAULT_RETRY_POLICY, type Attempt, type AttemptResult, type RetryPolicy } from './retry';
import { estimateUsage } from './usage';
import { ModelError, type ChatMessage, type ChatModel, type Completion, type CompletionRequest, type ReasoningEffort, type Usage } from './types';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** Room for a root model's code plus reasoning; lowered to the model's own limit when the table knows it. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 16_000;
/**
 * The thinking budget each reasoning effort buys (Anthropic's minimum is 1,024). Unless max_tokens was set,
 * it is raised by the budget so the answer keeps its own room; a set max_tokens keeps at least 1,024 tokens
 * of it for the answer, lowering the budget (no thinking below the minimum).
 */
export const THINKING_BUDGET: Readonly<Record<ReasoningEffort, number>> = { minimal: 1_024, low: 4_096, medium: 10_240, high: 24_576 };
const MIN_THINKING_BUDGET = 1_024;

export interface AnthropicModelOptions {
  model: string;
  apiKey: string;
  /** A proxy or gateway speaking the Messages API; absent: api.anthropic.com. */
  baseUrl?: string;
  contextWindow?: number;
  /** max_tokens when the request sets none. */
  maxOutputTokens?: number;
  /** Extended thinking with the budget THINKING_BUDGET gives this effort; absent: no thinking. */
  reasoningEffort?: ReasoningEffort;
  retry?: Partial<RetryPolicy>;
  /** Caps requests in flight (shared by every model on the endpoint when createModel made it); absent: no cap. */
  limiter?: ConcurrencyLimiter;
  /** Where the context window and output limit come from when not given. */
  prices?: PriceTable;
}

export class AnthropicChatModel implements ChatModel {
  readonly provider = 'anthropic';
  readonly name: string;
  readonly contextWindow: number;
  readonly contextWindowKnown: boolean;
  private readonly maxOutputTokens: number;
  private readonly thinkingBudget: number | undefined;
  private readonly client: Anthropic;
  private readonly endpoint: Endpoint;
  private readonly classify: ClassifyFailure;
  private readonly policy: RetryPolicy;

  constructor(private readonly options: AnthropicModelOptions) {
    if (!options.apiKey) throw new ConfigError('Missing ANTHROPIC_API_KEY: set it in the environment.');
    const baseUrl = options.baseUrl?.replace(/\/+$/, '');
    const known = (options.prices ?? defaultPriceTable).lookup(options.model);
    this.name = options.model;
    this.contextWindow = options.contextWindow ?? known.contextWindow;
    this.contextWindowKnown = options.contextWindow !== undefined || known.windowKnown;
    const budget = options.reasoningEffort ? THINKING_BUDGET[options.reasoningEffort] : 0;
    this.maxOutputTokens = options.maxOutputTokens ?? Math.min(DEFAULT_ANTHROPIC_MAX_TOKENS + budget, known.maxOutputTokens ?? Infinity);
    this.thinkingBudget = budget > 0 ? budget : undefined;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    // The key is always passed explicitly: the SDK would otherwise read the environment on its own.
    this.client = new Anthropic({ apiKey: options.apiKey, baseURL: baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL, maxRetries: 0, timeout: this.policy.timeoutMs });
    this.endpoint = {
      provider: 'anthropic',
      url: baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
      custom: Boolean(baseUrl),
      model: options.model,
      keyEnv: 'ANTHROPIC_API_KEY',
      secrets: [options.apiKey],
    };
    this.classify = sdkFailures(Anthropic, this.endpoint);
  }

  complete(request: CompletionRequest): Promise<Completion> {
    return completeWithRetries(request, (attempt) => this.attempt(request, attempt), {
      classify: this.classify,
      service: serviceName(this.endpoint),
      model: this.name,
      policy: this.policy,
      limiter: this.options.limiter,
    });
  }

  private async attempt(request: CompletionRequest, attempt: Attempt): Promise<AttemptResult> {
    const { system, messages } = request.promptCache ? withCacheBreakpoints(toAnthropicMessages(request.messages)) : toAnthropicMessages(request.messages);
    const maxTokens = request.maxOutputTokens ?? this.maxOutputTokens;
    const budget = this.thinkingBudget === undefined ? 0 : Math.min(this.thinkingBudget, maxTokens - MIN_THINKING_BUDGET);
    const stream = await this.client.messages.create(
      {
        model: this.name,
        max_tokens: maxTokens,
        ...(system ? { system } : {}),
        messages,
        ...(budget >= MIN_THINKING_BUDGET ? { thinking: { type: 'enabled', budget_tokens: budget } } : {}),
        stream: true,
      },
      { signal: attempt.signal, timeout: this.policy.timeoutMs },
    );
    let text = '';
    let model = this.name;
    let stopReason: string | undefined;
    let usage: Partial<UsageCounts> = {};
    let ended = false;
    for await (const event of stream) {
      attempt.alive();
      switch (event.type) {
        case 'message_start': {
          model = event.message.model || model;
          usage = merged(usage, event.message.usage as Partial<Anthropic.Usage> | undefined);
          break;
        }
        case 'content_block_delta':
          if (event.delta.type === 'text_delta') {
            text += event.delta.text;
            attempt.onText(event.delta.text);
          }
          break;
        case 'message_delta': {
          stopReason = event.delta.stop_reason ?? stopReason;
          usage = merged(usage, event.usage as Partial<Anthropic.MessageDeltaUsage> | undefined);
          break;
        }
        case 'message_stop':
          ended = true;
          break;
      }
    }
    // The SDK ends the iteration quietly when the signal fires mid-stream.
    if (attempt.signal.aborted) throw attempt.signal.reason ?? new Error('aborted');
    if (!ended) throw new TruncatedStreamError(`ended before message_stop after ${text.length} characters`);
    return { text, model, finishReason: stopReason, usage: usageOf(usage) ?? estimateUsage(request.messages, text) };
  }
}

type UsageCounts = Pick<Anthropic.MessageDeltaUsage, 'input_tokens' | 'output_tokens' | 'cache_read_input_tokens' | 'cache_creation_input_tokens' | 'output_tokens_details'>;
const COUNTS = ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const;

/**
 * message_start's usage, then message_delta's, whose figures are running totals: the larger count wins, so a
 * field a delta leaves out, nulls or zeroes never erases one message_start gave.
 */
function merged(so: Partial<UsageCounts>, u: Partial<UsageCounts> | undefined): Partial<UsageCounts> {
  const next: Partial<UsageCounts> = { ...so };
  for (const key of COUNTS) {
    const value = u?.[key];
    if (typeof value === 'number') next[key] = Math.max(value, so[key] ?? 0);
  }
  if (u?.output_tokens_details) next.output_tokens_details = u.output_tokens_details;
  return next;
}

/** Our usage from Anthropic's; undefined when the server reported no token counts. */
function usageOf(u: Partial<UsageCounts>): Usage | undefined {
  if (typeof u.input_tokens !== 'number' || typeof u.output_tokens !== 'number') return undefined;
  const read = u.cache_read_input_tokens ?? 0;
  const written = u.cache_creation_input_tokens ?? 0;
  const thinking = u.output_tokens_details?.thinking_tokens ?? 0;
  return {
    // Cached prompt tokens are still prompt tokens; counting them keeps the context size honest.
    inputTokens: u.input_tokens + read + written,
    outputTokens: u.output_tokens,
    estimated: false,
    ...(read ? { cachedInputTokens: read } : {}),
    ...(written ? { cacheWriteTokens: written } : {}),
    ...(thinking ? { reasoningTokens: thinking } : {}),
  };
}

const EPHEMERAL: Anthropic.CacheControlEphemeral = { type: 'ephemeral' };

/**
 * Two cache_control breakpoints (the API allows four): the system prompt, cached across turns and questions,
 * and the newest turn, so the next request, which resends this one and adds a turn, reads all of it from the
 * cache. The text is unchanged: only where the cache may end is marked.
 */
export function withCacheBreakpoints(prompt: { system?: string; messages: Anthropic.MessageParam[] }): { system?: Anthropic.TextBlockParam[]; messages: Anthropic.MessageParam[] } {
  const messages = [...prompt.messages];
  const newest = messages.at(-1)!;
  if (typeof newest.content === 'string' && newest.content !== '') {
    messages[messages.length - 1] = { role: newest.role, content: [{ type: 'text', text: newest.content, cache_control: EPHEMERAL }] };
  }
  return { system: prompt.system ? [{ type: 'text', text: prompt.system, cache_control: EPHEMERAL }] : undefined, messages };
}

/**
 * System messages go to the `system` parameter (joined, wherever they stood); consecutive messages of the
 * same role are merged, because the Messages API wants user and assistant turns to alternate.
 */
export function toAnthropicMessages(messages: ChatMessage[]): { system?: string; messages: Anthropic.MessageParam[] } {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content).filter(Boolean).join('\n\n');
  const turns: Array<{ role: 'user' | 'assistant'; content: string }> = [];
  for (const m of messages) {
    if (m.role === 'system') continue;
    const last = turns.at(-1);
    if (last && last.role === m.role) last.content = `${last.content}\n\n${m.content}`;
    else turns.push({ role: m.role, content: m.content });
  }
  if (turns.length === 0) {
    throw new ModelError('A request to Anthropic needs at least one user or assistant message besides the system prompt.', 'bad_request');
  }
  return { system: system || undefined, messages: turns };
}
