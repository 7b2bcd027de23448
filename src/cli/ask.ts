// `rlm ask`: a thin terminal layer over RlmSession. Builds the context and models from flags, streams
// progress to stderr, writes the trace, prints the answer, and maps the outcome to an exit code.

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../core/models/configError';
import { createModelPair } from '../core/models/modelPair';
import { loadPriceTable, type PriceTable } from '../core/models/pricing';
import type { RlmContext, RlmLimitsInput } from '../core/loop/options';
import { RlmSession } from '../core/loop/RlmSession';
import type { RunResult } from '../core/loop/RlmRun';
import { TraceWriter } from '../core/trajectory/TraceWriter';
import { Trajectory } from '../core/trajectory/Trajectory';
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

export async function runAsk(args: AskArgs, io: CliIO): Promise<number> {
  const context = await loadContext(args, io.env);
  try {
    return await askWith(args, io, context);
  } finally {
    if (context.kind === 'workspace') context.workspace.dispose?.();
  }
}

async function askWith(args: AskArgs, io: CliIO, context: RlmContext): Promise<number> {
  const prices = loadPrices(args, io.env);
  const { root, sub, byName } = await createModelPair({
    provider: args.provider,
    baseUrl: args.baseUrl,
    model: args.model,
    subModel: args.subModel,
    endpointConcurrency: args.endpointConcurrency,
    prices,
    env: io.env,
  });
  const secrets = [io.env.OPENAI_API_KEY, io.env.ANTHROPIC_API_KEY];

  const session = await RlmSession.create({
    models: { root, sub, byName },
    context,
    limits: limitsFrom(args),
    costOf: (model, usage) => prices.costUsd(model, usage),
    secrets,
  });
  const trajectory = new Trajectory({ secrets });
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
    io.stdout.write(result.answer.endsWith('\n') ? result.answer : result.answer + '\n');
    if (result.stopReason !== 'final') io.stderr.write(`Stopped before a final answer (${result.stopReason}): ${result.detail ?? ''}\n${nextStep(result)}\n`);
    if (args.trace && !args.quiet) io.stderr.write(`Trace: ${resolve(args.trace)} (rlm replay ${args.trace})\n`);
  }
  if (result.stopReason === 'final') return EXIT.final;
  return result.stopReason === 'error' ? EXIT.failed : EXIT.stopped;
}

function nextStep(result: RunResult): string {
  switch (result.stopReason) {
    case 'max_iterations': return 'The answer above is the model\'s best so far. Raise --max-iterations, or ask a narrower question.';
    case 'max_sub_calls': return 'Raise --max-sub-calls if the question needs more sub-calls.';
    case 'max_tokens': return 'Raise --max-tokens, or use a cheaper sub-model.';
    case 'max_cost': return 'Raise --max-cost, or pick a cheaper --sub-model.';
    case 'timeout': return 'Raise --timeout, or ask a narrower question.';
    case 'cancelled': return 'Cancelled. The answer above is the best the run had.';
    default: return 'See the trace (--trace FILE) for what happened.';
  }
}

async function loadContext(args: AskArgs, env: NodeJS.ProcessEnv): Promise<RlmContext> {
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
