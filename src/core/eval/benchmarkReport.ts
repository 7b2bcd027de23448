// The report's part for published benchmarks, from the results alone: per suite, mode and repository, the
// score and cost, and what each benchmark publishes beside it: RefactorBench's tests passed out of tests, tasks
// fully passed, broken tasks, files touched, conflicts and the cost per solved task; SWE-QA's judge cost (apart
// from the modes' cost) and each verdict beside its answer; RepoQA's passes, and whether its functions were
// compared with their comments.

import { formatCost, formatUsd } from '../models/costText';
import type { EvalMode } from './EvalTask';
import type { JobResult, JudgeOutcome } from './JobResult';
import type { NeedleVerdict } from './benchmarks/needleFunction';

export interface RepoFigures {
  suite: string;
  mode: EvalMode;
  repo: string;
  jobs: number;
  /** Mean score, 0 to 1. */
  score: number;
  costUsd: number;
  unpriced: number;
  /** RefactorBench: test methods passed and run (broken ones left out), tasks whose every test passed. */
  tests?: { passed: number; total: number; tasksPassed: number; brokenTasks: number; filesTouched: number; conflicts: number };
  /** USD per task fully passed (RefactorBench) or per pass (RepoQA); absent when none was. */
  costPerSolved?: number;
  /** SWE-QA: what the judge cost on these jobs, not in `costUsd`. */
  judgeCostUsd?: number;
}

export interface BrokenTask {
  taskId: string;
  tests: Array<{ test: string; why: string }>;
}

export interface JudgeVerdict {
  taskId: string;
  mode: EvalMode;
  trial: number;
  score: number;
  answer: string;
  judge: JudgeOutcome;
}

export interface BenchmarkFigures {
  byRepo: RepoFigures[];
  /** Every job's judge cost, apart from the modes' cost. */
  judgeCostUsd: number;
  /** RefactorBench tasks with a test that cannot pass whatever the change: reported, not counted as failures. */
  broken: BrokenTask[];
  verdicts: JudgeVerdict[];
  /** RepoQA: functions compared with their comments (its default), without (--ignore-comments), or both (a --resume that changed the flag). */
  repoQaComments?: 'kept' | 'ignored' | 'both';
}

export function benchmarkFigures(results: JobResult[]): BenchmarkFigures | undefined {
  const bench = results.filter((r) => r.repo !== undefined);
  if (bench.length === 0) return undefined;
  const groups = new Map<string, JobResult[]>();
  for (const r of bench) {
    const key = `${r.suite}|${r.mode}|${r.repo}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const byRepo = [...groups.values()].map(repoFigures).sort((a, b) => a.suite.localeCompare(b.suite) || a.repo.localeCompare(b.repo) || a.mode.localeCompare(b.mode));
  const broken = new Map<string, BrokenTask>();
  for (const r of bench) if (r.refactor?.broken.length && !broken.has(r.taskId)) broken.set(r.taskId, { taskId: r.taskId, tests: r.refactor.broken });
  // Results from before the choice was recorded (no ignoreComments) were scored with comments removed.
  const comments = new Set(bench.filter((r) => r.suite === 'repoqa').map((r) => ((r.parsed as Partial<NeedleVerdict> | null)?.ignoreComments === false ? 'kept' : 'ignored')));
  return {
    byRepo,
    judgeCostUsd: bench.reduce((n, r) => n + (r.judge?.usage.costUsd ?? 0), 0),
    broken: [...broken.values()],
    verdicts: bench.filter((r) => r.judge).map((r) => ({ taskId: r.taskId, mode: r.mode, trial: r.trial, score: r.score, answer: r.answer, judge: r.judge! })),
    ...(comments.size > 0 ? { repoQaComments: comments.size > 1 ? 'both' : [...comments][0] } : {}),
  };
}

function repoFigures(group: JobResult[]): RepoFigures {
  const first = group[0]!;
  const sum = (f: (r: JobResult) => number) => group.reduce((n, r) => n + f(r), 0);
  const costUsd = sum((r) => r.usage.total.costUsd);
  const figures: RepoFigures = {
    suite: first.suite, mode: first.mode, repo: first.repo!, jobs: group.length, score: sum((r) => r.score) / group.length,
    costUsd, unpriced: sum((r) => r.usage.total.unpriced ?? 0),
  };
  if (group.some((r) => r.refactor)) {
    const tasksPassed = group.filter((r) => r.refactor && r.refactor.tests > 0 && r.refactor.passed === r.refactor.tests).length;
    figures.tests = {
      passed: sum((r) => r.refactor?.passed ?? 0), total: sum((r) => r.refactor?.tests ?? 0), tasksPassed,
      brokenTasks: group.filter((r) => r.refactor?.broken.length).length,
      filesTouched: sum((r) => r.refactor?.filesTouched ?? 0), conflicts: sum((r) => r.refactor?.conflicts ?? 0),
    };
    if (tasksPassed > 0) figures.costPerSolved = costUsd / tasksPassed;
  } else if (first.suite === 'repoqa') {
    const passes = group.filter((r) => r.score === 1).length;
    if (passes > 0) figures.costPerSolved = costUsd / passes;
  }
  if (group.some((r) => r.judge)) figures.judgeCostUsd = sum((r) => r.judge?.usage.costUsd ?? 0);
  return figures;
}

const cell = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return (flat.length > max ? flat.slice(0, max - 1) + '…' : flat).replace(/\|/g, '\\|');
};

const REPOQA_COMMENTS = {
  kept: 'RepoQA: functions compared with their comments (RepoQA\'s default; `--ignore-comments` removes them, as its `--eval-ignore-comments`).',
  ignored: 'RepoQA: functions compared with their comments removed (`--ignore-comments`, RepoQA\'s `--eval-ignore-comments`; its default keeps them).',
  both: 'RepoQA: some jobs compared functions with their comments and some without (a `--resume` changed `--ignore-comments`): their scores do not compare.',
} as const;

export function benchmarkMarkdown(figures: BenchmarkFigures): string[] {
  const lines = [
    '', '## Per repository (published benchmarks)', '',
    '| suite | mode | repository | jobs | score | tests passed | tasks fully passed | broken tasks | files touched | conflicts | cost | cost per solved task | judge cost (apart) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const g of figures.byRepo) {
    const t = g.tests;
    lines.push(`| ${g.suite} | ${g.mode} | ${g.repo} | ${g.jobs} | ${g.score.toFixed(2)} | ${t ? `${t.passed} / ${t.total}` : ''} | ${t ? `${t.tasksPassed} of ${g.jobs}` : ''} | ${t ? t.brokenTasks : ''} | ${t ? t.filesTouched : ''} | ${t ? t.conflicts : ''} | ${formatCost(g.costUsd, g.unpriced)} | ${g.costPerSolved !== undefined ? formatUsd(g.costPerSolved) : g.tests || g.suite === 'repoqa' ? 'none solved' : ''} | ${g.judgeCostUsd !== undefined ? formatUsd(g.judgeCostUsd) : ''} |`);
  }
  lines.push('', 'Score: RefactorBench, tests passed out of tests (broken tests left out); SWE-QA, the judge\'s five 1-20 scores summed over 100; RepoQA, 1 when the answer\'s function is most similar to the true needle with BLEU at least 0.8. Conflicts: rlm, conflicts between partitions left unresolved (their files refused); vanilla, files `git apply --3way` left conflicted. The judge\'s cost is not in the modes\' cost.');
  if (figures.repoQaComments) lines.push('', REPOQA_COMMENTS[figures.repoQaComments]);
  if (figures.judgeCostUsd > 0) lines.push('', `The judge cost ${formatUsd(figures.judgeCostUsd)} in all.`);
  if (figures.broken.length > 0) {
    lines.push('', '### Broken tasks', '', 'Tests that cannot pass whatever the change (the test\'s own fault): left out of the counts above.', '');
    for (const b of figures.broken) lines.push(`- ${b.taskId}: ${b.tests.map((t) => `${t.test} (${cell(t.why, 120)})`).join('; ')}`);
  }
  if (figures.verdicts.length > 0) {
    lines.push('', '### Judge verdicts', '', '| task | mode | score | correctness / completeness / relevance / clarity / reasoning | answer |', '|---|---|---|---|---|');
    for (const v of figures.verdicts) {
      const s = v.judge.scores;
      lines.push(`| ${v.taskId}${v.trial > 1 ? ` #${v.trial}` : ''} | ${v.mode} | ${v.score.toFixed(2)} | ${s ? `${s.correctness} / ${s.completeness} / ${s.relevance} / ${s.clarity} / ${s.reasoning}` : cell(v.judge.verdict, 80)} | ${cell(v.answer, 160)} |`);
    }
  }
  return lines;
}
