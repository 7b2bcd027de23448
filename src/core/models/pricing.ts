// What a call costs and how much context a model takes. Prices are USD per 1M tokens, from the providers'
// public price pages as of 2025-12 (OpenAI: platform.openai.com/docs/pricing, standard tier, "cached input";
// Anthropic: docs.anthropic.com/en/docs/about-claude/pricing, base input/output, "cache hits" and 5-minute
// "cache writes"). Prices change: a server that lists its prices (OpenRouter) is believed over this table
// (modelListing.ts), and users override both with a JSON file (`--prices FILE` or RLM_PRICES, the editor's
// rlm.prices), see loadPriceTable. A model found nowhere has no price: its cost is unknown, never $0.

import { readFileSync } from 'node:fs';
import { ConfigError } from './configError';
import type { Usage } from './types';

export interface ModelPrice {
  /** USD per 1M input tokens. */
  input: number;
  /** USD per 1M output tokens. */
  output: number;
  /** USD per 1M prompt tokens read from the provider's prompt cache; absent: the input price (no discount). */
  cachedInput?: number;
  /** USD per 1M prompt tokens written to the cache (Anthropic's 5-minute writes); absent: the input price. */
  cacheWrite?: number;
  /** Context window in tokens. */
  contextWindow?: number;
  /** Most output tokens the model can produce in one reply (Anthropic requires max_tokens). */
  maxOutputTokens?: number;
}

export interface PriceLookup {
  input: number;
  output: number;
  /** The input price when the model has no cached-input price. */
  cachedInput: number;
  cacheWrite: number;
  contextWindow: number;
  /** False when contextWindow is DEFAULT_CONTEXT_WINDOW standing in for a window the table does not know. */
  windowKnown: boolean;
  maxOutputTokens?: number;
  /** False for unknown and local models: input and output are 0 here, and costUsd says the cost is unknown. */
  known: boolean;
  /** The table entry that matched (the model itself, or the prefix of a dated snapshot). */
  matched?: string;
}

/** A window that fits most current local models; override per model when it is wrong. */
export const DEFAULT_CONTEXT_WINDOW = 128_000;

const OPENAI: Record<string, ModelPrice> = {
  'gpt-5.2': { input: 1.75, cachedInput: 0.175, output: 14, contextWindow: 400_000 },
  'gpt-5.1': { input: 1.25, cachedInput: 0.125, output: 10, contextWindow: 400_000 },
  'gpt-5.1-codex-mini': { input: 0.25, cachedInput: 0.025, output: 2, contextWindow: 400_000 },
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10, contextWindow: 400_000 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2, contextWindow: 400_000 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4, contextWindow: 400_000 },
  'gpt-5-pro': { input: 15, output: 120, contextWindow: 400_000 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8, contextWindow: 1_047_576 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6, contextWindow: 1_047_576 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4, contextWindow: 1_047_576 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10, contextWindow: 128_000 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6, contextWindow: 128_000 },
  o3: { input: 2, cachedInput: 0.5, output: 8, contextWindow: 200_000 },
  'o3-pro': { input: 20, output: 80, contextWindow: 200_000 },
  'o3-mini': { input: 1.1, cachedInput: 0.55, output: 4.4, contextWindow: 200_000 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4, contextWindow: 200_000 },
  o1: { input: 15, cachedInput: 7.5, output: 60, contextWindow: 200_000 },
};

// Cache reads cost 0.1x the input price, 5-minute cache writes 1.25x.
const ANTHROPIC: Record<string, ModelPrice> = {
  'claude-opus-4-5': { input: 5, cachedInput: 0.5, cacheWrite: 6.25, output: 25, contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-opus-4-1': { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75, contextWindow: 200_000, maxOutputTokens: 32_000 },
  'claude-opus-4': { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75, contextWindow: 200_000, maxOutputTokens: 32_000 },
  'claude-sonnet-4-5': { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-sonnet-4': { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-haiku-4-5': { input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 5, contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-3-7-sonnet': { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-3-5-haiku': { input: 0.8, cachedInput: 0.08, cacheWrite: 1, output: 4, contextWindow: 200_000, maxOutputTokens: 8_192 },
};

export const BUILT_IN_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({ ...OPENAI, ...ANTHROPIC });

export class PriceTable {
  private readonly entries: Map<string, ModelPrice>;

  /** Overrides win over the built-in table field by field; an override may also add a model the table lacks. */
  constructor(overrides: Record<string, ModelPrice> = {}, base: Record<string, ModelPrice> = BUILT_IN_PRICES) {
    this.entries = new Map();
    for (const [name, price] of Object.entries(base)) this.entries.set(name.toLowerCase(), price);
    for (const [name, price] of Object.entries(overrides)) {
      // Merge, so overriding only the prices of a known model keeps its context window.
      this.entries.set(name.toLowerCase(), { ...this.entries.get(name.toLowerCase()), ...price });
    }
  }

  /** A new table with more overrides on top of this one. */
  withOverrides(overrides: Record<string, ModelPrice>): PriceTable {
    return new PriceTable(overrides, Object.fromEntries(this.entries));
  }

  /**
   * Exact name first (a server's own id, such as OpenRouter's `openai/gpt-5`), then without a routing prefix
   * such as `openai/` (OpenRouter, LiteLLM), then the longest entry that prefixes the name up to a '-' (so the
   * snapshot `gpt-5-mini-2025-08-07` prices as `gpt-5-mini`, but `gpt-5.2` never falls back to `gpt-5`).
   */
  lookup(model: string): PriceLookup {
    const full = model.toLowerCase();
    const name = full.replace(/^[a-z0-9_.-]+\//, '');
    let matched = this.entries.has(full) ? full : this.entries.has(name) ? name : undefined;
    if (!matched) {
      for (const key of this.entries.keys()) {
        if (name.startsWith(`${key}-`) && (!matched || key.length > matched.length)) matched = key;
      }
    }
    if (!matched) return { input: 0, output: 0, cachedInput: 0, cacheWrite: 0, contextWindow: DEFAULT_CONTEXT_WINDOW, windowKnown: false, known: false };
    const price = this.entries.get(matched)!;
    return {
      input: price.input,
      output: price.output,
      cachedInput: price.cachedInput ?? price.input,
      cacheWrite: price.cacheWrite ?? price.input,
      contextWindow: price.contextWindow ?? DEFAULT_CONTEXT_WINDOW,
      windowKnown: price.contextWindow !== undefined,
      maxOutputTokens: price.maxOutputTokens,
      known: true,
      matched,
    };
  }

  /**
   * USD for a call: cached prompt tokens at the cached-input price, cache writes at the write price, the rest at
   * list prices; undefined when the model has no known price (not $0: nothing is known).
   */
  costUsd(model: string, usage: PricedUsage): number | undefined {
    const price = this.lookup(model);
    if (!price.known) return undefined;
    const read = usage.cachedInputTokens ?? 0;
    const written = usage.cacheWriteTokens ?? 0;
    const plain = usage.inputTokens - read - written;
    return (plain * price.input + read * price.cachedInput + written * price.cacheWrite + usage.outputTokens * price.output) / 1_000_000;
  }
}

/** The parts of a call's usage its price depends on. */
export type PricedUsage = Pick<Usage, 'inputTokens' | 'outputTokens' | 'cachedInputTokens' | 'cacheWriteTokens'>;

export const defaultPriceTable = new PriceTable();

export function costUsd(model: string, usage: PricedUsage, table = defaultPriceTable): number | undefined {
  return table.costUsd(model, usage);
}

/**
 * The table to use for a run: the built-in prices, then the prices the server lists (`listed`, see
 * modelListing.ts), then overrides from `file` (the CLI's --prices), else from the RLM_PRICES environment
 * variable, which holds a file path or the JSON itself. Later sources win.
 */
export function loadPriceTable(options: { file?: string; env?: Record<string, string | undefined>; listed?: Record<string, ModelPrice> } = {}): PriceTable {
  const base = options.listed && Object.keys(options.listed).length > 0 ? defaultPriceTable.withOverrides(options.listed) : defaultPriceTable;
  const source = options.file ?? (options.env ?? process.env).RLM_PRICES;
  if (!source) return base;
  const inline = source.trimStart().startsWith('{');
  return base.withOverrides(parsePriceOverrides(inline ? source : readPricesFile(source), inline ? 'RLM_PRICES' : source));
}

/** Reads and checks a JSON file of the form {"model": {"input": 1.25, "output": 10, "contextWindow": 400000}}. */
export function loadPriceOverrides(file: string): Record<string, ModelPrice> {
  return parsePriceOverrides(readPricesFile(file), file);
}

function readPricesFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the prices file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): check the path given to --prices or RLM_PRICES.`);
  }
}

const EXAMPLE = '{"my-model": {"input": 1.25, "cachedInput": 0.125, "output": 10, "contextWindow": 128000}}';

export function parsePriceOverrides(json: string, source: string): Record<string, ModelPrice> {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new ConfigError(`Prices in ${source} are not valid JSON (${(err as Error).message}). Expected for example ${EXAMPLE}.`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`Prices in ${source} must be a JSON object of model names, for example ${EXAMPLE}.`);
  }
  const out: Record<string, ModelPrice> = {};
  for (const [model, entry] of Object.entries(data as Record<string, unknown>)) {
    const e = entry as Record<string, unknown> | null;
    const isCount = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v > 0);
    const isOptionalPrice = (v: unknown) => v === undefined || isPrice(v);
    if (!e || typeof e !== 'object' || !isPrice(e.input) || !isPrice(e.output) || !isOptionalPrice(e.cachedInput) || !isOptionalPrice(e.cacheWrite)
      || !isCount(e.contextWindow) || !isCount(e.maxOutputTokens)) {
      throw new ConfigError(
        `Prices in ${source}: "${model}" needs "input" and "output" in USD per 1M tokens (numbers >= 0), optionally ` +
          `"cachedInput" and "cacheWrite" (the same), and a whole "contextWindow" and "maxOutputTokens", for example ${EXAMPLE}.`,
      );
    }
    out[model] = {
      input: e.input as number,
      output: e.output as number,
      ...(e.cachedInput !== undefined ? { cachedInput: e.cachedInput as number } : {}),
      ...(e.cacheWrite !== undefined ? { cacheWrite: e.cacheWrite as number } : {}),
      ...(e.contextWindow !== undefined ? { contextWindow: e.contextWindow as number } : {}),
      ...(e.maxOutputTokens !== undefined ? { maxOutputTokens: e.maxOutputTokens as number } : {}),
    };
  }
  return out;
}

function isPrice(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}
