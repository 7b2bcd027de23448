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
import { ModelError, type ChatMessage, type ChatModel, type Completion, type CompletionRequest, type Usage } from './types';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** Room for a root model's code plus reasoning; lowered to the model's own limit when the table knows it. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 16_000;

export interface AnthropicModelOptions {
  model: string;
  apiKey: string;
  /** A proxy or gateway speaking the Messages API; absent: api.anthropic.com. */
  baseUrl?: string;
  contextWindow?: number;
  /** max_tokens when the request sets none. */
  maxOutputTokens?: number;
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
  private readonly maxOutputTokens: number;
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
    this.maxOutputTokens = options.maxOutputTokens ?? Math.min(DEFAULT_ANTHROPIC_MAX_TOKENS, known.maxOutputTokens ?? Infinity);
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
    const { system, messages } = toAnthropicMessages(request.messages);
    const stream = await this.client.messages.create(
      {
        model: this.name,
        max_tokens: request.maxOutputTokens ?? this.maxOutputTokens,
        ...(system ? { system } : {}),
        messages,
        stream: true,
      },
      { signal: attempt.signal, timeout: this.policy.timeoutMs },
    );
    let text = '';
    let model = this.name;
    let stopReason: string | undefined;
    let inputTokens: number | undefined;
    let outputTokens: number | undefined;
    let ended = false;
    for await (const event of stream) {
      attempt.alive();
      switch (event.type) {
        case 'message_start': {
          model = event.message.model || model;
          const u = event.message.usage as Anthropic.Usage | undefined;
          if (u) {
            // Cached prompt tokens are still prompt tokens; counting them keeps the context size honest.
            inputTokens = (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
            outputTokens = u.output_tokens ?? undefined;
          }
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
          const u = event.usage as Partial<Anthropic.MessageDeltaUsage> | undefined;
          if (typeof u?.output_tokens === 'number') outputTokens = u.output_tokens;
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
    const usage: Usage = inputTokens !== undefined && outputTokens !== undefined
      ? { inputTokens, outputTokens, estimated: false }
      : estimateUsage(request.messages, text);
    return { text, model, finishReason: stopReason, usage };
  }
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
