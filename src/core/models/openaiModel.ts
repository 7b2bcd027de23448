// OpenAI chat completions through the official SDK, streaming. Also serves every OpenAI-compatible
// server (Ollama, vLLM, LM Studio, llama.cpp, OpenRouter, LiteLLM) through a base URL.

import OpenAI from 'openai';
import { ConfigError } from './configError';
import type { ClassifyFailure } from './failures';
import { sdkFailures, serviceName, TruncatedStreamError, type Endpoint } from './sdkFailures';
import { ConcurrencyLimiter } from './limiter';
import { defaultPriceTable, type PriceTable } from './pricing';
import { completeWithRetries, DEFAULT_RETRY_POLICY, type Attempt, type AttemptResult, type RetryPolicy } from './retry';
import { estimateUsage } from './usage';
import type { ChatModel, Completion, CompletionRequest, ReasoningEffort, Usage } from './types';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** Local servers ignore the key, but the SDK refuses to start without one. */
const PLACEHOLDER_KEY = 'no-key-needed';

export interface OpenAIModelOptions {
  model: string;
  apiKey?: string;
  /** An OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 for Ollama. Absent: api.openai.com. */
  baseUrl?: string;
  /** Tokens; default from the price table (128k for unknown models). */
  contextWindow?: number;
  /** Cap on reply tokens when the request sets none; absent: the server's default. */
  maxOutputTokens?: number;
  /** Sent as `reasoning_effort`; absent: the model's default (servers that do not reason may refuse the field). */
  reasoningEffort?: ReasoningEffort;
  retry?: Partial<RetryPolicy>;
  /** Caps requests in flight (shared by every model on the endpoint when createModel made it); absent: no cap. */
  limiter?: ConcurrencyLimiter;
  /** Where the context window comes from when not given. */
  prices?: PriceTable;
}

export class OpenAIChatModel implements ChatModel {
  readonly provider: 'openai' | 'openai-compatible';
  readonly name: string;
  readonly contextWindow: number;
  readonly contextWindowKnown: boolean;
  private readonly client: OpenAI;
  private readonly endpoint: Endpoint;
  private readonly classify: ClassifyFailure;
  private readonly policy: RetryPolicy;

  constructor(private readonly options: OpenAIModelOptions) {
    const baseUrl = options.baseUrl?.replace(/\/+$/, '');
    if (!options.apiKey && !baseUrl) {
      throw new ConfigError('Missing OPENAI_API_KEY: set it in the environment, or pass --base-url for a local server that needs no key.');
    }
    this.provider = baseUrl ? 'openai-compatible' : 'openai';
    this.name = options.model;
    const known = (options.prices ?? defaultPriceTable).lookup(options.model);
    this.contextWindow = options.contextWindow ?? known.contextWindow;
    this.contextWindowKnown = options.contextWindow !== undefined || known.windowKnown;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    // Retries and their backoff are ours (retry.ts), so the SDK must not add its own.
    this.client = new OpenAI({ apiKey: options.apiKey || PLACEHOLDER_KEY, baseURL: baseUrl ?? OPENAI_DEFAULT_BASE_URL, maxRetries: 0, timeout: this.policy.timeoutMs });
    this.endpoint = {
      provider: this.provider,
      url: baseUrl ?? OPENAI_DEFAULT_BASE_URL,
      custom: Boolean(baseUrl),
      model: options.model,
      keyEnv: 'OPENAI_API_KEY',
      secrets: options.apiKey ? [options.apiKey] : [],
    };
    this.classify = sdkFailures(OpenAI, this.endpoint);
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
    const maxTokens = request.maxOutputTokens ?? this.options.maxOutputTokens;
    const body = {
      model: this.name,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      // OpenAI's reasoning models accept only max_completion_tokens; many compatible servers know only max_tokens.
      ...(maxTokens === undefined ? {} : this.provider === 'openai' ? { max_completion_tokens: maxTokens } : { max_tokens: maxTokens }),
      ...(this.options.reasoningEffort ? { reasoning_effort: this.options.reasoningEffort } : {}),
      ...(request.promptCache ? { prompt_cache_key: request.promptCache.key } : {}),
    };
    const options = { signal: attempt.signal, timeout: this.policy.timeoutMs };
    // Stream only when someone listens: sub-calls come back whole, which costs a quarter less CPU per call
    // (no SSE parsing or web streams), and that is what bounds a fan-out of hundreds of calls.
    if (!request.onText) {
      const response = await this.client.chat.completions.create({ ...body, stream: false }, options);
      attempt.alive();
      const choice = response.choices?.[0];
      const text = choice?.message?.content ?? '';
      if (!choice?.finish_reason) throw new TruncatedStreamError(`the response had no finish reason (${text.length} characters)`);
      const usage = response.usage ? usageOf(response.usage) : estimateUsage(request.messages, text);
      return { text, model: response.model || this.name, finishReason: choice.finish_reason, usage };
    }
    const stream = await this.client.chat.completions.create(
      { ...body, stream: true, stream_options: { include_usage: true } },
      options,
    );
    let text = '';
    let model = this.name;
    let finishReason: string | undefined;
    let usage: Usage | undefined;
    for await (const chunk of stream) {
      attempt.alive();
      if (chunk.model) model = chunk.model;
      const choice = chunk.choices?.[0];
      const delta = choice?.delta?.content;
      if (delta) {
        text += delta;
        attempt.onText(delta);
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) usage = usageOf(chunk.usage);
    }
    // The SDK ends the iteration quietly when the signal fires mid-stream.
    if (attempt.signal.aborted) throw attempt.signal.reason ?? new Error('aborted');
    if (!finishReason) throw new TruncatedStreamError(`ended without a finish reason after ${text.length} characters`);
    return { text, model, finishReason, usage: usage ?? estimateUsage(request.messages, text) };
  }
}

/** The server's usage; the details (cached prompt tokens, reasoning tokens) only where it reports them. */
function usageOf(u: OpenAI.CompletionUsage): Usage {
  const cached = u.prompt_tokens_details?.cached_tokens;
  const reasoning = u.completion_tokens_details?.reasoning_tokens;
  return {
    inputTokens: u.prompt_tokens,
    outputTokens: u.completion_tokens,
    estimated: false,
    ...(cached ? { cachedInputTokens: cached } : {}),
    ...(reasoning ? { reasoningTokens: reasoning } : {}),
  };
}
