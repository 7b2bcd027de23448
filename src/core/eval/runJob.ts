// One job: a task answered once, by the RLM or by the plain model, scored, with its trace (rlm) or call record
// (vanilla) and its answer written under the output folder. A job cancelled by the eval (Ctrl-C, --max-cost)
// resolves with undefined: it did not finish, so --resume does it again. A published benchmark's task is scored
// its own way (benchmarks/): RefactorBench changes a scratch copy and runs its tests, SWE-QA asks the judge.

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CostOf } from '../loop/Budget';
import type { ModelPair, RlmContext, RlmLimitsInput } from '../loop/options';
import { RlmSession } from '../loop/RlmSession';
import type { RunChanges } from '../loop/RunEdits';
import { ModelError, type ChatModel, type Completion } from '../models/types';
import { UsageTally } from '../models/usage';
import { TraceWriter } from '../trajectory/TraceWriter';
import type { RlmEvent, RunUsage, StopReason } from '../trajectory/events';
import type { Workspace } from '../workspace/types';
import { judgeAnswer } from './benchmarks/judge';
import { runRefactorTask } from './benchmarks/refactorRun';
import { judgeNeedle } from './benchmarks/needleFunction';
import { contextAsText, rlmContextOf, type WorkspaceSource } from './contextText';
import { questionText, type EvalMode, type EvalTask } from './EvalTask';
import { jobKey, type JobResult } from './JobResult';
import { scoreReply, type Score } from './scorers';
import { sizeLabelOf } from './suites/contextSizes';
import { vanillaPrompt, WINDOW_SHARE, type VanillaPrompt } from './vanillaPrompt';

/** A workspace over a scratch folder of one job (a RefactorBench copy), closed by the job. */
export interface ScratchWorkspace {
  workspace: Workspace;
  close(): Promise<void>;
}

export interface JobEnvironment {
  models: ModelPair;
  costOf: CostOf;
  limits: RlmLimitsInput;
  /** API keys, redacted from traces. */
  secrets?: Array<string | undefined>;
  outDir: string;
  workspaces: WorkspaceSource;
  signal: AbortSignal;
  /** Every priced call as it ends, so the eval can stop at its cost cap while jobs run. */
  onSpend: (usd: number) => void;
  /** Opens a job's own scratch copy (RefactorBench); without it those tasks cannot run. */
  scratchWorkspace?: (path: string, signal: AbortSignal) => Promise<ScratchWorkspace>;
  /** SWE-QA's judge (default: the root model); its calls count toward the cost cap, and apart in the report. */
  judge?: ChatModel;
  /** RefactorBench: how long one task's tests may run (default TEST_TIMEOUT_MS). */
  testTimeoutMs?: number;
}

/** Times the plain model's prompt is cut shorter after the server said it was still too long. */
const OVERFLOW_RETRIES = 2;

export async function runJob(task: EvalTask, mode: EvalMode, trial: number, env: JobEnvironment): Promise<JobResult | undefined> {
  const dir = join(env.outDir, 'tasks', taskFolder(task.id));
  mkdirSync(dir, { recursive: true });
  if (task.benchmark?.kind === 'refactorbench') {
    const run = await runRefactorTask(task, task.benchmark, mode, trial, dir, env);
    if (!run) return undefined;
    writeFileSync(join(dir, `${mode}.${trial}.answer.txt`), run.outcome.answer);
    return resultOf(task, mode, trial, run.outcome, { score: run.score, parsed: run.refactor.applied }, env, { repo: task.benchmark.repo, refactor: run.refactor });
  }
  const outcome = mode === 'rlm' ? await runRlm(task, trial, dir, env) : await runVanilla(task, trial, dir, env);
  if (!outcome) return undefined;
  writeFileSync(join(dir, `${mode}.${trial}.answer.txt`), outcome.answer);
  const bench = task.benchmark;
  if (bench?.kind === 'swe-qa') {
    const judge = await judgeAnswer(env.judge ?? env.models.root, task.question, String(task.answer), outcome.answer, env);
    if (!judge) return undefined;
    writeFileSync(join(dir, `${mode}.${trial}.judge.json`), JSON.stringify(judge.outcome, null, 2) + '\n');
    // A judge that could not answer (its endpoint down) leaves the job unsettled: --resume asks again.
    const judged = judge.failed ? { ...outcome, stopReason: 'error' as const, detail: `the judge failed: ${judge.failed}` } : outcome;
    return resultOf(task, mode, trial, judged, { score: judge.score, parsed: judge.outcome.scores ?? null }, env, { repo: bench.repo, judge: judge.outcome });
  }
  if (bench?.kind === 'repoqa') {
    const verdict = judgeNeedle(outcome.answer, bench.needle, bench.needles, bench.lang, bench.ignoreComments);
    return resultOf(task, mode, trial, outcome, { score: verdict.pass ? 1 : 0, parsed: verdict }, env, { repo: bench.repo });
  }
  return resultOf(task, mode, trial, outcome, scoreReply(task, outcome.answer), env);
}

function resultOf(task: EvalTask, mode: EvalMode, trial: number, outcome: Outcome, scored: Score, env: JobEnvironment, extra: Pick<JobResult, 'repo' | 'refactor' | 'judge'> = {}): JobResult {
  const { score, parsed } = scored;
  return {
    key: jobKey(task.id, mode, trial),
    taskId: task.id,
    suite: task.suite,
    mode,
    trial,
    sizeTokens: task.sizeTokens,
    sizeLabel: sizeLabelOf(task),
    question: task.question,
    expected: task.answer,
    answer: outcome.answer,
    score,
    parsed,
    stopReason: outcome.stopReason,
    ...(outcome.detail ? { detail: outcome.detail } : {}),
    usage: outcome.usage,
    ...(outcome.compactions ? { compactions: outcome.compactions } : {}),
    durationMs: outcome.durationMs,
    ...(outcome.cut ? { cut: outcome.cut } : {}),
    trace: join('tasks', taskFolder(task.id), outcome.traceFile),
    models: { root: env.models.root.name, sub: env.models.sub.name },
    finishedAt: new Date().toISOString(),
    ...extra,
  };
}

export interface Outcome {
  answer: string;
  stopReason: StopReason;
  detail?: string;
  usage: RunUsage;
  compactions?: number;
  durationMs: number;
  cut?: VanillaPrompt['cut'];
  traceFile: string;
  /** rlm on a workspace: what the run proposed to change. */
  edits?: RunChanges;
}

/** What a job may set differently from the task's own: the RefactorBench copy, the refactor prompt and depth. */
export interface RlmJobInput {
  context?: RlmContext;
  question?: string;
  limits?: RlmLimitsInput;
}

export async function runRlm(task: EvalTask, trial: number, dir: string, env: JobEnvironment, input: RlmJobInput = {}): Promise<Outcome | undefined> {
  const context = input.context ?? await rlmContextOf(task.context, env.workspaces);
  const session = await RlmSession.create({ models: env.models, context, limits: input.limits ?? env.limits, costOf: env.costOf, secrets: env.secrets });
  const traceFile = `rlm.${trial}.rlm.jsonl`;
  const trajectory = session.newTrajectory();
  const writer = new TraceWriter(trajectory, join(dir, traceFile));
  const onEvent = (event: RlmEvent) => {
    if ((event.type === 'turn_end' || event.type === 'subcall_end' || event.type === 'compaction_end') && event.costUsd > 0) env.onSpend(event.costUsd);
  };
  try {
    const result = await session.ask(input.question ?? questionText(task), { signal: env.signal, trajectory, onEvent });
    if (result.stopReason === 'cancelled' && env.signal.aborted) return undefined;
    return { answer: result.answer, stopReason: result.stopReason, detail: result.detail, usage: result.usage, compactions: result.compactions, durationMs: result.durationMs, traceFile, edits: result.edits };
  } finally {
    writer.close();
    session.dispose();
  }
}

/** Builds the plain model's prompt for a share of its window (smaller on a retry after a too-long refusal). */
export type VanillaPromptFor = (share: number) => VanillaPrompt;

export async function runVanilla(task: EvalTask, trial: number, dir: string, env: JobEnvironment, promptFor?: VanillaPromptFor): Promise<Outcome | undefined> {
  const model = env.models.root;
  const started = Date.now();
  if (!promptFor) {
    const context = await contextAsText(task.context, env.workspaces, env.signal);
    const question = questionText(task);
    promptFor = (share) => vanillaPrompt(question, context, model.contextWindow, share);
  }
  let prompt = promptFor(WINDOW_SHARE);
  let completion: Completion | undefined;
  let failure: ModelError | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      completion = await model.complete({ messages: prompt.messages, signal: env.signal });
      break;
    } catch (err) {
      if (!(err instanceof ModelError)) throw err;
      if (err.spent) env.onSpend(env.costOf(model.name, err.spent) ?? 0);
      if (err.kind === 'cancelled' && env.signal.aborted) return undefined;
      // Our estimate of the prompt's tokens was short of the server's count: cut more and try again.
      if (err.kind === 'context_overflow' && attempt < OVERFLOW_RETRIES) {
        prompt = promptFor(WINDOW_SHARE * 0.75 ** (attempt + 1));
        continue;
      }
      failure = err;
      break;
    }
  }
  const tally = new UsageTally();
  if (completion) {
    const costUsd = env.costOf(completion.model || model.name, completion.usage);
    env.onSpend(costUsd ?? 0);
    tally.add('root', completion.usage, costUsd);
  }
  const usage: RunUsage = tally.totals();
  const traceFile = `vanilla.${trial}.call.json`;
  const answer = completion?.text ?? '';
  writeFileSync(join(dir, traceFile), JSON.stringify({
    model: completion?.model ?? model.name,
    contextWindow: model.contextWindow,
    // The prompt itself is the task's context (regenerated from the seed, or the file): kept by size and hash.
    messages: prompt.messages.map((m) => ({ role: m.role, chars: m.content.length, sha256: createHash('sha256').update(m.content).digest('hex') })),
    cut: prompt.cut ?? null,
    reply: answer,
    finishReason: completion?.finishReason ?? null,
    usage: usage.root,
    latencyMs: completion?.latencyMs ?? Date.now() - started,
    error: failure?.message ?? null,
  }, null, 2) + '\n');
  return {
    answer,
    stopReason: failure ? 'error' : 'final',
    ...(failure ? { detail: failure.message } : {}),
    usage,
    durationMs: Date.now() - started,
    cut: prompt.cut,
    traceFile,
  };
}

/** A folder name for a task id: readable, and unique through a short hash of the id. */
export function taskFolder(id: string): string {
  const readable = id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  return `${readable}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
}
