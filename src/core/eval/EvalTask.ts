// What an eval measures: a task (a question about a context, with its known answer and how to score a reply),
// and the modes that answer it. Tasks come from the built-in suites, a JSONL file, LongBench-v2's data.json, or
// a published benchmark (RefactorBench, SWE-QA, RepoQA).

import type { NeedleFunction } from './benchmarks/needleFunction';

/** Where a task's context comes from. Paths in a tasks file are relative to that file's folder. */
export type TaskContext =
  | { kind: 'text'; text: string }
  | { kind: 'file'; path: string }
  | { kind: 'workspace'; path: string };

/** How a reply is scored against the known answer; each scorer is in scorers.ts. */
export type ScorerName = 'exact' | 'contains' | 'numeric' | 'f1' | 'choice' | 'location';

/** The scorers a tasks file may name. */
export const SCORER_NAMES: readonly ScorerName[] = ['exact', 'contains', 'numeric', 'f1', 'choice', 'location'];

/**
 * A published benchmark's task (src/core/eval/benchmarks): scored by what the benchmark publishes, not by a
 * scorer over the reply. RefactorBench runs the task's tests on the changed copy; SWE-QA asks a judge model;
 * RepoQA compares the answer's function with the repository's needles by BLEU.
 */
export type BenchmarkTask =
  | { kind: 'refactorbench'; repo: string; repoDir: string; testFile: string; variant: RefactorVariant }
  | { kind: 'swe-qa'; repo: string }
  | { kind: 'repoqa'; repo: string; lang: string; needle: string; needles: NeedleFunction[]; ignoreComments: boolean };

export type RefactorVariant = 'base' | 'lazy' | 'descriptive';
export const REFACTOR_VARIANTS: readonly RefactorVariant[] = ['base', 'lazy', 'descriptive'];

/** A definition site: `path:line`, found within `tolerance` lines. */
export interface CodeLocation {
  path: string;
  line: number;
}

/**
 * The known answer, in the shape its scorer reads: a string (exact, contains), a number (numeric), a list of
 * items or of [a, b] pairs (f1), a letter (choice), a location or several acceptable ones (location).
 */
export type TaskAnswer = string | number | Array<string | [string, string]> | CodeLocation | CodeLocation[];

export interface EvalTask {
  /** Unique in an eval: results are keyed by it, so --resume finds what is done. */
  id: string;
  /** The suite it came from ('count-text', ...), 'file' for a tasks file, 'longbench' for LongBench-v2. */
  suite: string;
  question: string;
  context: TaskContext;
  answer: TaskAnswer;
  scorer: ScorerName;
  /** Multiple-choice options; the question shown to the model lists them as (A), (B), ... */
  choices?: string[];
  /** Lines either side of the answer's line that still count (location scorer; default 3). */
  tolerance?: number;
  /** The context's size in tokens (characters / CHARS_PER_TOKEN; a workspace's bytes / CHARS_PER_TOKEN). */
  sizeTokens: number;
  /** The size the suite was asked for ("32k"); absent for tasks from a file (the report buckets them). */
  sizeLabel?: string;
  /** A published benchmark's task: how it runs and scores beyond `scorer` (which then reads `answer` only for the record). */
  benchmark?: BenchmarkTask;
}

/** The two ways of answering that an eval compares. */
export type EvalMode = 'rlm' | 'vanilla';

export const EVAL_MODES: readonly EvalMode[] = ['rlm', 'vanilla'];

/** The question as both modes send it: multiple-choice options are listed under it. */
export function questionText(task: Pick<EvalTask, 'question' | 'choices'>): string {
  if (!task.choices?.length) return task.question;
  const options = task.choices.map((c, i) => `(${String.fromCharCode(65 + i)}) ${c}`).join('\n');
  return `${task.question}\n\nChoices:\n${options}\n\nAnswer with the letter of the correct choice, e.g. "The correct answer is (A)".`;
}
