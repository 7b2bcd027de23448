// What the eval harness itself costs, beside the model calls it makes: generating the 2M-token suites,
// cutting a 2M-token context to a window for the plain model, scoring replies, and building the report.
// Alone: node --import tsx bench/eval.ts
import type { JobResult } from '../src/core/eval/JobResult';
import { buildReport, reportMarkdown } from '../src/core/eval/report';
import { scoreReply } from '../src/core/eval/scorers';
import { textSuiteTasks, TEXT_SUITES } from '../src/core/eval/suites';
import { parseSizes } from '../src/core/eval/suites/contextSizes';
import { scoreChartSvg } from '../src/core/eval/svgChart';
import { vanillaPrompt } from '../src/core/eval/vanillaPrompt';
import type { EvalTask } from '../src/core/eval/EvalTask';
import { renderSection, type Section } from './report';

/** A 2M-token task must generate far faster than any model reads it. */
const GENERATE_TARGET_MS = 2_000;
const SCORE_TARGET_US = 1_000;
const REPORT_RESULTS = 10_000;
const REPORT_TARGET_MS = 1_000;

interface EvalBenchResult {
  generate: Array<{ suite: string; ms: number; chars: number }>;
  cutMs: number;
  scoring: Array<{ scorer: string; replies: number; usPerReply: number; targetUs: number }>;
  reportMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time<T>(fn: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = fn();
  return { ms: performance.now() - started, value };
}

export function evalBench(): EvalBenchResult {
  const size = parseSizes('2m');
  const generate = (Object.keys(TEXT_SUITES) as Array<keyof typeof TEXT_SUITES>).map((suite) => {
    const runs = [0, 1, 2].map((i) => time(() => textSuiteTasks(suite, size, 1 + i, 1)[0]!));
    return { suite, ms: median(runs.map((r) => r.ms)), chars: (runs[0]!.value.context as { text: string }).text.length };
  });
  const haystack = textSuiteTasks('needle-text', size, 1, 1)[0]!;
  const cutMs = median([0, 1, 2].map(() => time(() => vanillaPrompt(haystack.question, (haystack.context as { text: string }).text, 400_000)).ms));

  const pairs = textSuiteTasks('pairs-text', parseSizes('2m'), 1, 1)[0]!;
  const pairList = pairs.answer as Array<[string, string]>;
  const bigPairs = Array.from({ length: 1_000 }, (_, i) => [String(1000 + (i % 40)), String(2000 + i)] as [string, string]);
  const cases: Array<{ scorer: string; task: Pick<EvalTask, 'scorer' | 'answer' | 'tolerance'>; replies: string[] }> = [
    { scorer: 'numeric', task: { scorer: 'numeric', answer: 1234 }, replies: ['After counting every record, the answer is 1,230 questions.', '1234', 'I think about 1200 of 98,000 records'] },
    { scorer: 'contains', task: { scorer: 'contains', answer: '4821934' }, replies: ['The special magic number is 4821934.', 'I could not find it.'] },
    { scorer: 'exact', task: { scorer: 'exact', answer: 'Blue whale' }, replies: ['"blue whale."', 'a whale'] },
    { scorer: 'choice', task: { scorer: 'choice', answer: 'C' }, replies: ['The correct answer is (C)', 'Answer: B', 'D'] },
    { scorer: 'location', task: { scorer: 'location', answer: { path: 'src/core/loop/rlmLoop.ts', line: 20 } }, replies: ['It is defined at src/core/loop/rlmLoop.ts:21.', 'See src/a.ts:3, src/b.ts:9 and ' + 'lib/x.ts:1 '.repeat(200)] },
    { scorer: `f1 (${pairList.length} pairs)`, task: { scorer: 'f1', answer: pairList }, replies: [JSON.stringify(pairList), pairList.map(([a, b]) => `(${a}, ${b})`).join(', ')] },
    { scorer: 'f1 (1,000 pairs)', task: { scorer: 'f1', answer: bigPairs }, replies: [JSON.stringify(bigPairs), bigPairs.map(([a, b]) => `(${b}, ${a})`).join('\n')] },
  ];
  const scoring = cases.map(({ scorer, task, replies }) => {
    const rounds = scorer.startsWith('f1 (1,000') ? 50 : 5_000;
    const { ms } = time(() => {
      for (let i = 0; i < rounds; i++) for (const reply of replies) scoreReply(task, reply);
    });
    // A reply listing 1,000 pairs is a thousand items to parse and match: its target scales with them.
    const targetUs = scorer.startsWith('f1 (1,000') ? 10 * SCORE_TARGET_US : SCORE_TARGET_US;
    return { scorer, replies: rounds * replies.length, usPerReply: (ms * 1000) / (rounds * replies.length), targetUs };
  });

  const results = syntheticResults(REPORT_RESULTS);
  const reportMs = median([0, 1, 2].map(() => time(() => {
    const report = buildReport(results);
    reportMarkdown(report);
    scoreChartSvg(report);
  }).ms));
  return { generate, cutMs, scoring, reportMs };
}

function syntheticResults(n: number): JobResult[] {
  const sizes = [['8k', 8e3], ['32k', 32e3], ['128k', 128e3], ['512k', 512e3], ['2m', 2e6]] as const;
  const totals = (i: number) => ({ calls: 1 + (i % 5), inputTokens: 1000 * (i % 50), outputTokens: 10 * (i % 30), costUsd: (i % 7) / 1000, estimated: false });
  return Array.from({ length: n }, (_, i) => {
    const [label, tokens] = sizes[i % sizes.length]!;
    const mode = i % 2 === 0 ? 'rlm' as const : 'vanilla' as const;
    return {
      key: `t${i}|${mode}|1`, taskId: `t${i}`, suite: ['count-text', 'pairs-text', 'needle-text'][i % 3]!, mode, trial: 1, sizeTokens: tokens, sizeLabel: label,
      question: 'q', expected: 1, answer: '1', score: (i % 4) / 3, parsed: 1, stopReason: 'final', durationMs: 100 + (i % 900) * 13,
      usage: { root: totals(i), sub: totals(i + 1), total: totals(i + 2) }, trace: '', models: { root: 'r', sub: 's' }, finishedAt: '',
    };
  });
}

export function evalSection(r: EvalBenchResult): Section {
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  return {
    title: 'Eval harness (rlm eval): generating, cutting, scoring, reporting',
    rows: [
      ...r.generate.map((g) => ({
        measure: `generate one 2M-token ${g.suite} task (${(g.chars / 1e6).toFixed(1)} M characters, median of 3)`,
        value: `${ms(g.ms)} (${(g.chars / 1e6 / (g.ms / 1000)).toFixed(0)} MB/s)`, target: `< ${ms(GENERATE_TARGET_MS)}`, ok: g.ms < GENERATE_TARGET_MS,
      })),
      { measure: 'cut a 2M-token context to a 400k-token window (vanilla prompt)', value: `${r.cutMs.toFixed(2)} ms`, target: '' },
      ...r.scoring.map((s) => ({
        measure: `score one reply: ${s.scorer} (${s.replies.toLocaleString('en-US')} replies)`,
        value: `${s.usPerReply.toFixed(1)} us`, target: `< ${s.targetUs.toLocaleString('en-US')} us`, ok: s.usPerReply < s.targetUs,
      })),
      { measure: `report of ${REPORT_RESULTS.toLocaleString('en-US')} results (JSON figures, Markdown, SVG; median of 3)`, value: ms(r.reportMs), target: `< ${ms(REPORT_TARGET_MS)}`, ok: r.reportMs < REPORT_TARGET_MS },
    ],
    notes: ['Generation is in the process that runs the eval, once per task and size (seeded, bench/eval.ts); a model reading 2M tokens takes minutes.'],
  };
}

if (require.main === module) {
  console.log(renderSection(evalSection(evalBench())));
}
