// `rlm ask`: a thin terminal layer over RlmSession. Builds the context and models from flags, streams
// progress to stderr, writes the trace, prints the answer, and maps the outcome to an exit code.

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../core/models/configError';
import { findLocalServer, localServerCandidates } from '../core/models/localServers';
import { createModelPair } from '../core/models/modelPair';
import { loadPriceTable, type PriceTable } from '../core/models/pricing';
import type { RlmContext, RlmLimitsInput } from '../core/loop/options';
import { RlmSession } from '../core/loop/RlmSession';
import type { RunResult } from '../core/loop/RlmRun';
import { TraceWriter } from '../core/trajectory/TraceWriter';
import { CodeWorkspace, defaultCacheDir } from '../core/workspace/CodeWorkspace';
import { DEFAULT_EXCLUDES } from '../core/workspace/IgnoreRules';
import { allowCredentialFiles } from '../core/workspace/credentialFiles';
import { UsageError, type AskArgs } from './args';
import { ProgressReporter } from './progress';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** Fires on Ctrl-C. */
  signal?: AbortSignal;
}

export const EXIT = { final: 0, failed: 1, usage: 2, stopped: 3 } as const;

/** After the answer is printed, the symbol cache gets this long to be saved before the CLI exits. */
const CACHE_SAVE_GRACE_MS = 1500;

export async function runAsk(args: AskArgs, io: CliIO): Promise<number> {
  const context = await loadContext(args, io.env);
  try {
    return await askWith(args, io, context);
  } finally {
    if (context.kind === 'workspace') await closeWorkspace(context.workspace);
  }
}

/** Saves what the symbol index learned for the next run, but never holds the exit for long. */
async function closeWorkspace(workspace: CodeWorkspace): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, CACHE_SAVE_GRACE_MS); });
  try {
    await Promise.race([workspace.close().catch(() => undefined), grace]);
  } finally {
    clearTimeout(timer);
    workspace.dispose();
  }
}

async function askWith(args: AskArgs, io: CliIO, context: RlmContext): Promise<number> {
  const prices = loadPrices(args, io.env);
  const local = await localServerFallback(args, io);
  const { root, sub, byName } = await createModelPair({
    provider: args.provider,
    baseUrl: args.baseUrl ?? local?.baseUrl,
    model: args.model ?? local?.model,
    subModel: args.subModel,
    endpointConcurrency: args.endpointConcurrency,
    prices,
    env: io.env,
  }).catch((err: unknown) => {
    if (err instanceof ConfigError && local === null) err.message += ` No local server answered either (${localServerCandidates(io.env).map((c) => c.baseUrl).join(', ')}).`;
    throw err;
  });
  const secrets = [io.env.OPENAI_API_KEY, io.env.ANTHROPIC_API_KEY];

  const session = await RlmSession.create({
    models: { root, sub, byName },
    context,
    limits: limitsFrom(args),
    costOf: (model, usage) => prices.costUsd(model, usage),
    secrets,
  });
  const trajectory = session.newTrajectory();
  let writer: TraceWriter | undefined;
  try {
    writer = args.trace ? new TraceWriter(trajectory, resolve(args.trace)) : undefined;
  } catch (err) {
    session.dispose();
    throw new UsageError(`Cannot write the trace file ${args.trace}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const progress = args.json || args.quiet ? undefined : new ProgressReporter(io.stderr);
  let result: RunResult;
  try {
    result = await session.ask(args.question, { signal: io.signal, trajectory, onEvent: progress?.onEvent });
  } finally {
    writer?.close();
    progress?.done();
    session.dispose();
  }

  if (args.json) {
    io.stdout.write(JSON.stringify({
      answer: result.answer,
      stopReason: result.stopReason,
      detail: result.detail ?? null,
      iterations: result.iterations,
      subCalls: result.subCalls,
      usage: result.usage,
      trace: args.trace ? resolve(args.trace) : null,
      receipt: result.receipt?.sha256 ?? null,
    }) + '\n');
  } else {
    if (result.answer !== '') io.stdout.write(result.answer.endsWith('\n') ? result.answer : result.answer + '\n');
    if (result.stopReason !== 'final') {
      const what = result.answer === '' ? 'The run stopped before the model gave an answer' : 'Stopped before a final answer';
      io.stderr.write(`${what} (${result.stopReason}): ${result.detail ?? ''}\n${nextStep(result)}\n`);
    }
    if (args.trace && !args.quiet) io.stderr.write(`Trace: ${resolve(args.trace)} (rlm replay ${args.trace})\n`);
  }
  if (result.stopReason === 'final') return EXIT.final;
  return result.stopReason === 'error' ? EXIT.failed : EXIT.stopped;
}

/**
 * With no key and no base URL, an OpenAI-compatible server on this machine (Ollama, LM Studio, llama.cpp on
 * their usual ports, or RLM_LOCAL_SERVERS) answers instead, and stderr says so. Undefined when a key or URL
 * was given (or the provider is Anthropic); null when nothing answered.
 */
async function localServerFallback(args: AskArgs, io: CliIO): Promise<{ baseUrl: string; model: string } | null | undefined> {
  if (args.provider !== 'openai' || args.baseUrl || io.env.OPENAI_API_KEY) return undefined;
  const candidates = localServerCandidates(io.env);
  if (candidates.length === 0) return undefined;
  const server = await findLocalServer({ candidates, signal: io.signal });
  if (!server) return null;
  if (!args.model && server.models.length === 0) {
    throw new ConfigError(`Missing OPENAI_API_KEY, and ${server.name} at ${server.baseUrl} lists no models: load or pull one there (e.g. \`ollama pull qwen2.5-coder\`), or set OPENAI_API_KEY.`);
  }
  const model = args.model ?? server.models[0]!;
  if (!args.quiet) io.stderr.write(`rlm: no OPENAI_API_KEY or --base-url: using ${server.name} at ${server.baseUrl} (model ${model})\n`);
  return { baseUrl: server.baseUrl, model };
}

function nextStep(result: RunResult): string {
  switch (result.stopReason) {
    case 'max_iterations': return 'The answer above is the model\'s best so far. Raise --max-iterations, or ask a narrower question.';
    case 'max_sub_calls': return 'Raise --max-sub-calls if the question needs more sub-calls.';
    case 'max_tokens': return 'Raise --max-tokens, or use a cheaper sub-model.';
    case 'max_cost': return 'Raise --max-cost, or pick a cheaper --sub-model.';
    case 'timeout': return 'Raise --timeout, or ask a narrower question.';
    case 'cancelled': return result.answer === '' ? 'Cancelled.' : 'Cancelled. The answer above is the best the run had.';
    default: return 'See the trace (--trace FILE) for what happened.';
  }
}

async function loadContext(args: AskArgs, env: NodeJS.ProcessEnv): Promise<{ kind: 'text'; text: string } | { kind: 'workspace'; workspace: CodeWorkspace }> {
  if (args.workspace) {
    const dir = resolve(args.workspace);
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      throw new UsageError(`Workspace folder not found: ${args.workspace}`);
    }
    if (!isDir) throw new UsageError(`--workspace must be a folder, but ${args.workspace} is a file (use --context-file for a text file)`);
    // Symbols are parsed in the background while the model starts; the cache makes the next run instant.
    const workspace = await CodeWorkspace.openAsync(dir, {
      exclude: [...DEFAULT_EXCLUDES, ...args.exclude],
      credentialFiles: allowCredentialFiles(args.allowCredentialFiles),
      cacheDir: defaultCacheDir(env),
    });
    return { kind: 'workspace', workspace };
  }
  try {
    return { kind: 'text', text: readFileSync(resolve(args.contextFile!), 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `Context file not found: ${args.contextFile}` : `Cannot read context file ${args.contextFile}: ${code}`);
  }
}

function loadPrices(args: AskArgs, env: NodeJS.ProcessEnv): PriceTable {
  try {
    return loadPriceTable({ file: args.prices, env });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function limitsFrom(args: AskArgs): RlmLimitsInput {
  const limits: RlmLimitsInput = {};
  if (args.maxDepth !== undefined) limits.maxDepth = args.maxDepth;
  if (args.maxIterations !== undefined) limits.maxIterations = args.maxIterations;
  if (args.maxSubCalls !== undefined) limits.maxSubCalls = args.maxSubCalls;
  if (args.maxTokens !== undefined) limits.maxTokens = args.maxTokens;
  if (args.concurrency !== undefined) limits.concurrency = args.concurrency;
  if (args.timeoutMs !== undefined) limits.timeoutMs = args.timeoutMs;
  if (args.maxCostUsd !== undefined) limits.maxCostUsd = args.maxCostUsd;
  if (args.cellTimeoutMs !== undefined) limits.sandbox = { cellTimeoutMs: args.cellTimeoutMs };
  return limits;
}

export { ConfigError };
