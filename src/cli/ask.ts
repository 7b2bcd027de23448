// `rlm ask`: a thin terminal layer over RlmSession. Builds the context and models from flags, streams
// progress to stderr, writes the trace, prints the answer, and maps the outcome to an exit code.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../core/models/configError';
import { RlmSession } from '../core/loop/RlmSession';
import type { RunResult } from '../core/loop/RlmRun';
import { TraceWriter } from '../core/trajectory/TraceWriter';
import type { CodeWorkspace } from '../core/workspace/CodeWorkspace';
import { UsageError, type AskArgs } from './args';
import { deliverChanges } from './changes';
import { limitsFrom, modelsFromFlags } from './modelSetup';
import { ProgressReporter } from './progress';
import { closeWorkspace, openWorkspace } from './workspaceSetup';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** Fires on Ctrl-C. */
  signal?: AbortSignal;
}

export const EXIT = { final: 0, failed: 1, usage: 2, stopped: 3 } as const;

export async function runAsk(args: AskArgs, io: CliIO): Promise<number> {
  const context = await loadContext(args, io);
  try {
    return await askWith(args, io, context);
  } finally {
    if (context.kind === 'workspace') await closeWorkspace(context.workspace);
  }
}

async function askWith(args: AskArgs, io: CliIO, context: CliContext): Promise<number> {
  const { models, prices, secrets } = await modelsFromFlags(args, io);
  const session = await RlmSession.create({
    models,
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

  // Proposed edits: described, and written out (patch, files, summary) only where the flags ask.
  const changes = context.kind === 'workspace'
    ? await deliverChanges(args, result, context.workspace.index.root, io.stderr, io.signal)
    : { json: {}, fellShort: false };

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
      ...changes.json,
    }) + '\n');
  } else {
    if (result.answer !== '') io.stdout.write(result.answer.endsWith('\n') ? result.answer : result.answer + '\n');
    if (result.stopReason !== 'final') {
      const what = result.answer === '' ? 'The run stopped before the model gave an answer' : 'Stopped before a final answer';
      io.stderr.write(`${what} (${result.stopReason}): ${result.detail ?? ''}\n${nextStep(result)}\n`);
    }
    if (args.trace && !args.quiet) io.stderr.write(`Trace: ${resolve(args.trace)} (rlm replay ${args.trace})\n`);
  }
  if (result.stopReason === 'error') return EXIT.failed;
  return result.stopReason === 'final' && !changes.fellShort ? EXIT.final : EXIT.stopped;
}

function nextStep(result: RunResult): string {
  switch (result.stopReason) {
    case 'max_iterations': return 'The answer above is the model\'s best so far. Raise --max-iterations, or ask a narrower question.';
    case 'max_sub_calls': return 'Raise --max-sub-calls if the question needs more sub-calls.';
    case 'max_tokens': return 'Raise --max-tokens, or use a cheaper sub-model.';
    case 'max_cost': return 'Raise --max-cost, or pick a cheaper --sub-model.';
    case 'max_requests': return 'Raise --max-requests (0 for no cap), or give the model a price with --prices so --max-cost governs it.';
    case 'timeout': return 'Raise --timeout, or ask a narrower question.';
    case 'cancelled': return result.answer === '' ? 'Cancelled.' : 'Cancelled. The answer above is the best the run had.';
    default: return 'See the trace (--trace FILE) for what happened.';
  }
}

/** The CLI's contexts: a text file, or a folder it opened itself (so it knows the folder's root). */
type CliContext = { kind: 'text'; text: string } | { kind: 'workspace'; workspace: CodeWorkspace };

async function loadContext(args: AskArgs, io: CliIO): Promise<CliContext> {
  if (args.workspace) {
    return { kind: 'workspace', workspace: await openWorkspace(args.workspace, args, io.env, { signal: io.signal, whileListing: true }) };
  }
  try {
    return { kind: 'text', text: readFileSync(resolve(args.contextFile!), 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `Context file not found: ${args.contextFile}` : `Cannot read context file ${args.contextFile}: ${code}`);
  }
}

export { ConfigError };
