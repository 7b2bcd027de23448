// Runs an eval: every task in every mode, --trials times, a few jobs at once. Finished jobs go to results.jsonl
// as they finish (so a killed eval loses only the jobs in flight); --resume skips the jobs already there. The
// cost cap counts every priced call as it ends, and once it is reached the jobs in flight are cancelled and no
// new one starts.

import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { EvalMode, EvalTask } from './EvalTask';
import { isSettled, jobKey, type JobResult } from './JobResult';
import { latestByKey, ResultsLog } from './ResultsLog';
import { runJob, type JobEnvironment } from './runJob';
import { sizeLabelOf } from './suites/contextSizes';

export interface EvalOptions extends Omit<JobEnvironment, 'signal' | 'onSpend'> {
  modes: EvalMode[];
  trials: number;
  /** Jobs running at once. */
  concurrency: number;
  /** USD this command may spend; absent: no cap. */
  maxCostUsd?: number;
  /** Keep the results already in the output folder and skip their jobs; without it the folder must hold none. */
  resume: boolean;
  signal?: AbortSignal;
  /** Each finished job, with how many are done of how many to do in this run. */
  onResult?: (result: JobResult, done: number, total: number) => void;
}

export interface EvalOutcome {
  /** The latest result of every job on record, earlier runs' included. */
  results: JobResult[];
  /** Jobs this run did / found done already / had to do. */
  ran: number;
  skipped: number;
  planned: number;
  /** Why the run ended before every job was done. */
  stopped?: 'max_cost' | 'cancelled';
  /** USD spent by this run, jobs cut short included. */
  spentUsd: number;
  /** A partial line cut from the log: the previous run was killed while writing it. */
  repairedChars: number;
}

export class EvalOutputError extends Error {
  override name = 'EvalOutputError';
}

export const RESULTS_FILE = 'results.jsonl';

/** An output folder with results is only reused on purpose: mixing two evals' results would make a false report. */
export function checkResumable(outDir: string, previous: JobResult[], resume: boolean): void {
  if (previous.length > 0 && !resume) {
    throw new EvalOutputError(`${outDir} already holds the results of an eval: add --resume to continue it, or choose another --out folder`);
  }
}

export async function runEval(tasks: EvalTask[], options: EvalOptions): Promise<EvalOutcome> {
  mkdirSync(options.outDir, { recursive: true });
  const { log, previous, repairedChars } = ResultsLog.open(join(options.outDir, RESULTS_FILE));
  try {
    checkResumable(options.outDir, previous, options.resume);
    checkSameModels(previous, options);
    const latest = latestByKey(previous);
    const jobs = jobsToDo(tasks, options.modes, options.trials, previous);
    const skipped = tasks.length * options.modes.length * options.trials - jobs.length;

    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    let spentUsd = 0;
    let stopped: EvalOutcome['stopped'];
    const onSpend = (usd: number) => {
      spentUsd += usd;
      if (options.maxCostUsd !== undefined && spentUsd >= options.maxCostUsd && !stopped) {
        stopped = 'max_cost';
        stop.abort(new Error(`the eval reached its cost cap of $${options.maxCostUsd}`));
      }
    };
    const env: JobEnvironment = { ...options, signal, onSpend };
    let ran = 0;
    let next = 0;
    const worker = async () => {
      while (next < jobs.length && !signal.aborted) {
        const job = jobs[next++]!;
        const result = await runJob(job.task, job.mode, job.trial, env).catch((err: unknown) => failed(job, options, err));
        if (!result || signal.aborted) continue;
        log.append(result);
        latest.set(result.key, result);
        ran++;
        options.onResult?.(result, ran, jobs.length);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, jobs.length)) }, worker));
    if (!stopped && options.signal?.aborted && ran < jobs.length) stopped = 'cancelled';
    return { results: [...latest.values()], ran, skipped, planned: jobs.length, stopped, spentUsd, repairedChars };
  } finally {
    log.close();
  }
}

export interface Job {
  key: string;
  task: EvalTask;
  mode: EvalMode;
  trial: number;
}

/** Smallest contexts first, and both modes of a task together, so a stopped eval still compares like with like. */
export function planJobs(tasks: EvalTask[], modes: EvalMode[], trials: number): Job[] {
  const ordered = tasks.map((task, i) => ({ task, i })).sort((a, b) => a.task.sizeTokens - b.task.sizeTokens || a.i - b.i);
  return ordered.flatMap(({ task }) => Array.from({ length: trials }, (_, t) => modes.map((mode) => ({ key: jobKey(task.id, mode, t + 1), task, mode, trial: t + 1 }))).flat());
}

/** The planned jobs without a settled result on record. */
export function jobsToDo(tasks: EvalTask[], modes: EvalMode[], trials: number, previous: JobResult[]): Job[] {
  const latest = latestByKey(previous);
  return planJobs(tasks, modes, trials).filter((j) => {
    const done = latest.get(j.key);
    return !(done && isSettled(done));
  });
}

/** Results from other models cannot be mixed into one report. */
function checkSameModels(previous: JobResult[], options: EvalOptions): void {
  const root = options.models.root.name;
  const sub = options.models.sub.name;
  const other = previous.find((r) => r.models.root !== root || r.models.sub !== sub);
  if (other) {
    throw new EvalOutputError(`${options.outDir} holds results of root model ${other.models.root} and sub-model ${other.models.sub}, not ${root} and ${sub}: resume with the same models, or choose another --out folder`);
  }
}

/** A job that could not run at all (a context file that is missing, a workspace that will not open). */
function failed(job: Job, options: EvalOptions, err: unknown): JobResult {
  const empty = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, estimated: false };
  return {
    key: job.key, taskId: job.task.id, suite: job.task.suite, mode: job.mode, trial: job.trial, sizeTokens: job.task.sizeTokens,
    sizeLabel: sizeLabelOf(job.task), question: job.task.question, expected: job.task.answer, answer: '', score: 0, parsed: null,
    stopReason: 'error', detail: (err as Error)?.message ?? String(err), usage: { root: empty, sub: { ...empty }, total: { ...empty } },
    durationMs: 0, trace: '', models: { root: options.models.root.name, sub: options.models.sub.name }, finishedAt: new Date().toISOString(),
  };
}
