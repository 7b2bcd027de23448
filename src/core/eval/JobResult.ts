// One finished job: a task answered once in one mode. One JSON line of results.jsonl per job; the report is
// computed from these lines alone.

import type { RunUsage, StopReason, UsageTotals } from '../trajectory/events';
import type { EvalMode } from './EvalTask';
import type { ContextCut } from './vanillaPrompt';

export interface JobResult {
  /** `${taskId}|${mode}|${trial}`: what --resume looks for. */
  key: string;
  taskId: string;
  suite: string;
  mode: EvalMode;
  /** 1-based repeat of the same task (--trials). */
  trial: number;
  sizeTokens: number;
  /** The report's size column: the suite's size, or the size bucket of a file's context. */
  sizeLabel: string;
  question: string;
  expected: unknown;
  answer: string;
  score: number;
  /** What the scorer read from the answer. */
  parsed: unknown;
  stopReason: StopReason;
  detail?: string;
  usage: RunUsage;
  /** rlm mode: times the root history was compacted to fit the window (absent: none, or results from before it was kept). */
  compactions?: number;
  durationMs: number;
  /** Vanilla mode: how the context was cut to fit the window. */
  cut?: ContextCut;
  /** The trace (rlm) or call record (vanilla), relative to the output folder. */
  trace: string;
  models: { root: string; sub: string };
  finishedAt: string;
  /** A published benchmark's repository (the report's per-repository rows). */
  repo?: string;
  /** RefactorBench: the tests' verdict on the changed scratch copy. */
  refactor?: RefactorOutcome;
  /** SWE-QA: the judge's verdict; its cost is here, not in `usage`. */
  judge?: JudgeOutcome;
}

/** What a RefactorBench task's tests said after the change was applied to a scratch copy of its repository. */
export interface RefactorOutcome {
  /** Test methods that ran, broken ones left out. */
  tests: number;
  passed: number;
  /** Test methods that failed or raised, with the first line of why. */
  failed: Array<{ test: string; why: string }>;
  /** Test methods that cannot pass whatever the change (the test itself is broken), with why: not counted. */
  broken: Array<{ test: string; why: string }>;
  /** Files the change wrote in the copy. */
  filesTouched: number;
  /** rlm: unresolved conflicts between partitions (refused); vanilla: files git apply --3way left conflicted. */
  conflicts: number;
  /** How the change reached the copy, or why it did not. */
  applied: string;
  /** The test run ended at its timeout (its process group was killed). */
  timedOut?: boolean;
}

/** The SWE-QA judge's verdict on one answer: five dimensions scored 1 to 20, the job's score their sum / 100. */
export interface JudgeOutcome {
  model: string;
  /** Absent when the judge's reply was not the JSON asked for (the job then scores 0). */
  scores?: Record<JudgeDimension, number>;
  /** The judge's reply as given (or the error), kept beside the answer. */
  verdict: string;
  usage: UsageTotals;
}

export const JUDGE_DIMENSIONS = ['correctness', 'completeness', 'relevance', 'clarity', 'reasoning'] as const;
export type JudgeDimension = (typeof JUDGE_DIMENSIONS)[number];

export function jobKey(taskId: string, mode: EvalMode, trial: number): string {
  return `${taskId}|${mode}|${trial}`;
}

/** Jobs that ended for a reason outside the model (a failed endpoint) are done again by --resume. */
export function isSettled(result: Pick<JobResult, 'stopReason'>): boolean {
  return result.stopReason !== 'error' && result.stopReason !== 'cancelled';
}
