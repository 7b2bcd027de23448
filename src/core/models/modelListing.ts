// What an OpenAI-compatible server says about its models: their ids, and where it lists them (OpenRouter does,
// in GET /models as `pricing: {prompt, completion, input_cache_read, input_cache_write}`, USD per token as
// strings, beside `context_length`), their prices. A gateway's own prices are the truth for that gateway, so they are believed over the built-in table;
// the user's prices still win over both. Read through the official SDK; a server that lists nothing, or cannot
// be reached, lists nothing: the models are then unpriced (cost unknown, the request cap applies).

import OpenAI from 'openai';
import type { ModelPrice } from './pricing';

export interface ModelListing {
  /** Model ids in the server's order. */
  models: string[];
  /** The models that came with a usable price, by id, in USD per 1M tokens (the price table's unit). */
  prices: Record<string, ModelPrice>;
}

/** A listing is quick or the server is not worth waiting for (OpenRouter lists ~400 models in about a second). */
export const LISTING_TIMEOUT_MS = 10_000;
/** Enough for any real listing; a server that pages forever is cut here. */
const MAX_LISTED = 5_000;

export async function listModels(options: { baseUrl: string; apiKey?: string; timeoutMs?: number; signal?: AbortSignal }): Promise<ModelListing> {
  const listing: ModelListing = { models: [], prices: {} };
  const client = new OpenAI({ apiKey: options.apiKey || 'no-key-needed', baseURL: options.baseUrl, maxRetries: 0, timeout: options.timeoutMs ?? LISTING_TIMEOUT_MS });
  try {
    for await (const model of client.models.list({ signal: options.signal })) {
      listing.models.push(model.id);
      const price = priceOf(model as unknown as Record<string, unknown>);
      if (price) listing.prices[model.id] = price;
      if (listing.models.length >= MAX_LISTED) break;
    }
  } catch {
    // Nothing listed: the models stay unpriced, which is the safe side.
  }
  return listing;
}

/** OpenRouter's per-token strings as per-1M numbers; a negative or missing price ("-1" for a router that varies) is no price. */
function priceOf(model: Record<string, unknown>): ModelPrice | undefined {
  const pricing = model.pricing as { prompt?: unknown; completion?: unknown; input_cache_read?: unknown; input_cache_write?: unknown } | undefined;
  const input = perMillion(pricing?.prompt);
  const output = perMillion(pricing?.completion);
  if (input === undefined || output === undefined) return undefined;
  // Cache reads and writes where the gateway prices them apart; else they cost what input costs (no discount claimed).
  const cachedInput = perMillion(pricing?.input_cache_read);
  const cacheWrite = perMillion(pricing?.input_cache_write);
  const window = model.context_length;
  return {
    input, output,
    ...(cachedInput !== undefined ? { cachedInput } : {}),
    ...(cacheWrite !== undefined ? { cacheWrite } : {}),
    ...(typeof window === 'number' && Number.isInteger(window) && window > 0 ? { contextWindow: window } : {}),
  };
}

function perMillion(perToken: unknown): number | undefined {
  const value = typeof perToken === 'string' ? Number(perToken) : typeof perToken === 'number' ? perToken : NaN;
  // Rounded to whole micro-dollars per 1M tokens: "0.00000125" * 1e6 is 1.2499999999999998 in floating point.
  return Number.isFinite(value) && value >= 0 ? Math.round(value * 1e12) / 1e6 : undefined;
}
