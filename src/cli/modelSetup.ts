// The models, prices and run budgets from the command line, one way for every command that calls models
// (ask, eval): a key or --base-url, else a local server found on its usual port (said on stderr).

import { ConfigError } from '../core/models/configError';
import { findLocalServer, localServerCandidates } from '../core/models/localServers';
import { createModelPair, type ModelPair } from '../core/models/modelPair';
import { listModels } from '../core/models/modelListing';
import { loadPriceTable, type ModelPrice, type PriceTable } from '../core/models/pricing';
import type { RlmLimitsInput } from '../core/loop/options';
import { UsageError, type ModelFlags, type RunBudgetFlags } from './args';

export interface ModelIO {
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export interface CliModels {
  models: Required<ModelPair>;
  prices: PriceTable;
  /** The keys in use, to redact wherever text leaves the engine. */
  secrets: Array<string | undefined>;
}

export async function modelsFromFlags(flags: ModelFlags & { quiet?: boolean }, io: ModelIO): Promise<CliModels> {
  loadPrices(flags, io.env); // a bad --prices file is a usage error before anything is asked of a server
  const local = await localServerFallback(flags, io);
  const baseUrl = flags.baseUrl ?? local?.baseUrl;
  // An OpenAI-compatible server that lists its prices (OpenRouter) prices its own models; --prices still wins.
  const listed = baseUrl && flags.provider === 'openai' ? (await listModels({ baseUrl, apiKey: io.env.OPENAI_API_KEY, signal: io.signal })).prices : undefined;
  const prices = loadPrices(flags, io.env, listed);
  const models = await createModelPair({
    provider: flags.provider,
    baseUrl,
    model: flags.model ?? local?.model,
    subModel: flags.subModel,
    endpointConcurrency: flags.endpointConcurrency,
    root: { maxOutputTokens: flags.maxOutputTokens, reasoningEffort: flags.reasoningEffort, contextWindow: flags.contextWindow },
    sub: { maxOutputTokens: flags.subMaxOutputTokens, reasoningEffort: flags.subReasoningEffort, contextWindow: flags.subContextWindow },
    prices,
    env: io.env,
  }).catch((err: unknown) => {
    if (err instanceof ConfigError && local === null) err.message += ` No local server answered either (${localServerCandidates(io.env).map((c) => c.baseUrl).join(', ')}).`;
    throw err;
  });
  return { models, prices, secrets: [io.env.OPENAI_API_KEY, io.env.ANTHROPIC_API_KEY] };
}

/**
 * With no key and no base URL, an OpenAI-compatible server on this machine (Ollama, LM Studio, llama.cpp on
 * their usual ports, or RLM_LOCAL_SERVERS) answers instead, and stderr says so. Undefined when a key or URL
 * was given (or the provider is Anthropic); null when nothing answered.
 */
async function localServerFallback(flags: ModelFlags & { quiet?: boolean }, io: ModelIO): Promise<{ baseUrl: string; model: string } | null | undefined> {
  if (flags.provider !== 'openai' || flags.baseUrl || io.env.OPENAI_API_KEY) return undefined;
  const candidates = localServerCandidates(io.env);
  if (candidates.length === 0) return undefined;
  const server = await findLocalServer({ candidates, signal: io.signal });
  if (!server) return null;
  if (!flags.model && server.models.length === 0) {
    throw new ConfigError(`Missing OPENAI_API_KEY, and ${server.name} at ${server.baseUrl} lists no models: load or pull one there (e.g. \`ollama pull qwen2.5-coder\`), or set OPENAI_API_KEY.`);
  }
  const model = flags.model ?? server.models[0]!;
  if (!flags.quiet) io.stderr.write(`rlm: no OPENAI_API_KEY or --base-url: using ${server.name} at ${server.baseUrl} (model ${model})\n`);
  return { baseUrl: server.baseUrl, model };
}

function loadPrices(flags: ModelFlags, env: NodeJS.ProcessEnv, listed?: Record<string, ModelPrice>): PriceTable {
  try {
    return loadPriceTable({ file: flags.prices, env, listed });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Requests per question to models without a known price, as in the editor (rlm.maxRequestsPerQuestion). */
export const DEFAULT_MAX_REQUESTS = 300;

/** The run limits the flags set; the rest keep the engine's defaults, but for the request cap, which the CLI sets too. */
export function limitsFrom(flags: RunBudgetFlags & { concurrency?: number; maxCostUsd?: number; maxRequests?: number }): RlmLimitsInput {
  const limits: RlmLimitsInput = {};
  if (flags.maxDepth !== undefined) limits.maxDepth = flags.maxDepth;
  if (flags.maxIterations !== undefined) limits.maxIterations = flags.maxIterations;
  if (flags.maxSubCalls !== undefined) limits.maxSubCalls = flags.maxSubCalls;
  if (flags.maxTokens !== undefined) limits.maxTokens = flags.maxTokens;
  if (flags.concurrency !== undefined) limits.concurrency = flags.concurrency;
  if (flags.timeoutMs !== undefined) limits.timeoutMs = flags.timeoutMs;
  if (flags.maxCostUsd !== undefined) limits.maxCostUsd = flags.maxCostUsd;
  limits.maxRequests = flags.maxRequests === undefined ? DEFAULT_MAX_REQUESTS : flags.maxRequests === 0 ? Infinity : flags.maxRequests;
  if (flags.cellTimeoutMs !== undefined) limits.sandbox = { cellTimeoutMs: flags.cellTimeoutMs };
  return limits;
}
