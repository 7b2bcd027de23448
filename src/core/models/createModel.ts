// Builds a ChatModel from user configuration: resolves the key and picks a model for 'auto'. Requests go out as
// fast as the caller makes them (a run's own concurrency governs); a per-endpoint cap is an explicit option, and
// then one limiter is shared by every model on that endpoint, so a root model and its sub-models queue together.

import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { AnthropicChatModel, ANTHROPIC_DEFAULT_BASE_URL } from './anthropicModel';
import { ConfigError } from './configError';
import { sdkFailures, type Endpoint } from './sdkFailures';
import { ConcurrencyLimiter } from './limiter';
import { OpenAIChatModel, OPENAI_DEFAULT_BASE_URL } from './openaiModel';
import { defaultPriceTable, type PriceTable } from './pricing';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
import type { ChatModel, ReasoningEffort } from './types';

export { ConfigError };

export interface ModelConfig {
  provider: 'openai' | 'anthropic';
  /** A model name, or 'auto' for the first model the server lists (meant for local servers). */
  model: string;
  /** An OpenAI-compatible server or an Anthropic gateway; absent: the provider's own API. */
  baseUrl?: string;
  /** Default: OPENAI_API_KEY / ANTHROPIC_API_KEY from the environment. */
  apiKey?: string;
  /**
   * Caps requests in flight at once on this endpoint (provider + URL), across every model created with a cap
   * for it. Absent: no cap, so a run's `concurrency` is the real number of parallel calls. Useful for a local
   * server that serves one request at a time, or an account with a low rate limit.
   */
  endpointConcurrency?: number;
  /** Longest silence allowed from the server, before the reply or between chunks (default 5 minutes). */
  timeoutMs?: number;
  /** Cap on reply tokens, thinking included; absent: the provider's default. */
  maxOutputTokens?: number;
  /** OpenAI's reasoning_effort, or an Anthropic thinking budget; absent: the model's default (no thinking for Anthropic). */
  reasoningEffort?: ReasoningEffort;
  /** Retries after the first try (default 4). */
  retries?: number;
  prices?: PriceTable;
  /** Tokens; for local models, whose window the price table cannot know. */
  contextWindow?: number;
  /** Backoff tuning beyond `retries` and `timeoutMs` (tests shorten the delays). */
  retryPolicy?: Partial<RetryPolicy>;
  /** Where keys are looked up when `apiKey` is absent (default process.env). */
  env?: Record<string, string | undefined>;
}

/** Longest wait for the model list when resolving 'auto': a listing is quick or the server is not there. */
const MODEL_LIST_TIMEOUT_MS = 30_000;

export async function createModel(config: ModelConfig): Promise<ChatModel> {
  const env = config.env ?? process.env;
  const baseUrl = config.baseUrl?.trim().replace(/\/+$/, '') || undefined;
  const keyEnv = config.provider === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY';
  if (config.provider !== 'openai' && config.provider !== 'anthropic') {
    throw new ConfigError(`Unknown provider "${String(config.provider)}": use "openai" (also for OpenAI-compatible servers) or "anthropic".`);
  }
  const apiKey = config.apiKey || env[keyEnv] || undefined;
  if (!apiKey && !baseUrl) {
    throw new ConfigError(`Missing ${keyEnv}: set it in the environment, or pass --base-url for a local server that needs no key.`);
  }
  if (!config.model?.trim()) throw new ConfigError(`No model given: pass --model NAME, or --model auto to use the first model the server lists.`);

  const cap = config.endpointConcurrency;
  if (cap !== undefined && !(Number.isInteger(cap) && cap >= 1)) {
    throw new ConfigError(`Endpoint concurrency must be a whole number of at least 1 (got ${cap}); leave it out for no cap.`);
  }
  const prices = config.prices ?? defaultPriceTable;
  const retry: Partial<RetryPolicy> = {
    ...config.retryPolicy,
    ...(config.retries !== undefined ? { retries: config.retries } : {}),
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
  };
  const url = baseUrl ?? (config.provider === 'openai' ? OPENAI_DEFAULT_BASE_URL : ANTHROPIC_DEFAULT_BASE_URL);
  const limiter = cap === undefined ? undefined : sharedLimiter(`${config.provider} ${url}`, cap);
  const model = config.model.trim() === 'auto'
    ? await firstListedModel(config.provider, url, Boolean(baseUrl), apiKey, keyEnv, Math.min(retry.timeoutMs ?? DEFAULT_RETRY_POLICY.timeoutMs, MODEL_LIST_TIMEOUT_MS))
    : config.model.trim();
  const common = {
    model,
    baseUrl,
    contextWindow: config.contextWindow,
    maxOutputTokens: config.maxOutputTokens,
    reasoningEffort: config.reasoningEffort,
    retry,
    limiter,
    prices,
  };
  if (config.provider === 'openai') return new OpenAIChatModel({ ...common, apiKey });
  // A gateway behind a base URL may take no key, but the SDK wants one.
  return new AnthropicChatModel({ ...common, apiKey: apiKey ?? 'no-key-needed' });
}

const limiters = new Map<string, ConcurrencyLimiter>();

/** The one limiter of an endpoint; a later, different `max` replaces the earlier one (the latest setting wins). */
export function sharedLimiter(endpoint: string, max: number): ConcurrencyLimiter {
  const existing = limiters.get(endpoint);
  if (existing) {
    if (existing.max !== max) existing.max = max;
    return existing;
  }
  const limiter = new ConcurrencyLimiter(max);
  limiters.set(endpoint, limiter);
  return limiter;
}

async function firstListedModel(
  provider: 'openai' | 'anthropic',
  url: string,
  custom: boolean,
  apiKey: string | undefined,
  keyEnv: string,
  timeout: number,
): Promise<string> {
  const endpoint: Endpoint = {
    provider: provider === 'anthropic' ? 'anthropic' : custom ? 'openai-compatible' : 'openai',
    url,
    custom,
    model: 'auto',
    keyEnv,
    secrets: apiKey ? [apiKey] : [],
  };
  const key = apiKey ?? 'no-key-needed';
  const options = { apiKey: key, baseURL: url, maxRetries: 0, timeout };
  try {
    const list = provider === 'openai' ? new OpenAI(options).models.list() : new Anthropic(options).models.list();
    for await (const model of list) return model.id;
  } catch (err) {
    const failure = sdkFailures(provider === 'openai' ? OpenAI : Anthropic, endpoint)(err);
    if (!failure) throw err;
    const error = failure.giveUp(1);
    error.message = `Could not pick a model for --model auto: ${error.message}`;
    throw error;
  }
  throw new ConfigError(`The server at ${url} lists no models, so --model auto has nothing to pick: load or pull a model on the server (e.g. \`ollama pull qwen2.5-coder\`), or pass --model NAME.`);
}
