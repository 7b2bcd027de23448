// One finished job: a task answered once in one mode. One JSON line of results.jsonl per job; the report is
// computed from these lines alone.

import type { RunUsage, StopReason } from '../trajectory/events';
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
}

export function jobKey(taskId: string, mode: EvalMode, trial: number): string {
  return `${taskId}|${mode}|${trial}`;
}

/** Jobs that ended for a reason outside the model (a failed endpoint) are done again by --resume. */
export function isSettled(result: Pick<JobResult, 'stopReason'>): boolean {
  return result.stopReason !== 'error' && result.stopReason !== 'cancelled';
}
