// The eval's report, computed from the results alone: per mode and context size (and per suite), the mean
// score, the billed cost (cached prompt tokens at their price), the share of prompt tokens the provider's cache
// served, the tokens of the root model and of the sub-calls, the root-history compactions, and the latency
// (p50, p95). As JSON, as a Markdown table, and as an SVG chart of score against size (svgChart.ts).

import { formatCost, formatUsd } from '../models/costText';
import type { StopReason } from '../trajectory/events';
import type { EvalMode } from './EvalTask';
import type { CostEstimate } from './estimate';
import type { JobResult } from './JobResult';
import { benchmarkFigures, benchmarkMarkdown, type BenchmarkFigures } from './benchmarkReport';

export interface GroupFigures {
  mode: EvalMode;
  /** Absent in the per-mode-and-size groups; the suite in the per-suite ones. */
  suite?: string;
  sizeLabel: string;
  /** The mean context size of the group's tasks, in tokens (the chart's x). */
  sizeTokens: number;
  jobs: number;
  /** Mean score, 0 to 1. */
  score: number;
  /** Billed: cached prompt tokens at their own price. */
  costUsd: number;
  /** Calls to models with no known price: `costUsd` leaves them out, so above 0 the cost reads as unknown. */
  unpriced: number;
  /** Share of all prompt tokens (root and sub-calls) the provider's prompt cache served, 0 to 1. */
  cachedShare: number;
  /** Root-history compactions over the group's jobs. */
  compactions: number;
  /** Sums over the group's jobs. */
  tokens: { rootInput: number; rootOutput: number; subInput: number; subOutput: number };
  /** Seconds per job. */
  latency: { p50: number; p95: number };
  stopReasons: Partial<Record<StopReason, number>>;
  /** Vanilla jobs whose context was cut to fit the window. */
  cut: number;
  /** Some tokens were estimated from characters (the server reported none). */
  estimatedTokens: boolean;
}

export interface EvalReport {
  generatedAt: string;
  models: { root: string; sub: string };
  jobs: number;
  costUsd: number;
  /** Calls to models with no known price, over every job. */
  unpriced: number;
  groups: GroupFigures[];
  bySuite: GroupFigures[];
  estimate?: Pick<CostEstimate, 'calls' | 'usd'>;
  /** A note shown under the table, e.g. that the figures come from a fake server. */
  note?: string;
  /** Published benchmarks' figures (RefactorBench, SWE-QA, RepoQA), when the eval ran any. */
  benchmarks?: BenchmarkFigures;
}

const MODE_ORDER: EvalMode[] = ['rlm', 'vanilla'];

export function buildReport(results: JobResult[], meta: { estimate?: CostEstimate; note?: string; now?: Date } = {}): EvalReport {
  const models = results[0]?.models ?? { root: '?', sub: '?' };
  const benchmarks = benchmarkFigures(results);
  return {
    generatedAt: (meta.now ?? new Date()).toISOString(),
    models,
    jobs: results.length,
    costUsd: results.reduce((n, r) => n + r.usage.total.costUsd, 0),
    unpriced: results.reduce((n, r) => n + (r.usage.total.unpriced ?? 0), 0),
    groups: groupBy(results, (r) => `${r.mode}|${r.sizeLabel}`).map((g) => figures(g)).sort(byPlace),
    bySuite: groupBy(results, (r) => `${r.suite}|${r.mode}|${r.sizeLabel}`).map((g) => ({ ...figures(g), suite: g[0]!.suite })).sort(byPlace),
    ...(meta.estimate ? { estimate: { calls: meta.estimate.calls, usd: meta.estimate.usd } } : {}),
    ...(meta.note ? { note: meta.note } : {}),
    ...(benchmarks ? { benchmarks } : {}),
  };
}

function groupBy(results: JobResult[], key: (r: JobResult) => string): JobResult[][] {
  const groups = new Map<string, JobResult[]>();
  for (const r of results) {
    const k = key(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()];
}

/** Suite (when grouped by suite), then mode (rlm first), then size. */
function byPlace(a: GroupFigures, b: GroupFigures): number {
  return (a.suite ?? '').localeCompare(b.suite ?? '') || MODE_ORDER.indexOf(a.mode) - MODE_ORDER.indexOf(b.mode) || a.sizeTokens - b.sizeTokens;
}

function figures(group: JobResult[]): GroupFigures {
  const sum = (f: (r: JobResult) => number) => group.reduce((n, r) => n + f(r), 0);
  const stopReasons: Partial<Record<StopReason, number>> = {};
  for (const r of group) stopReasons[r.stopReason] = (stopReasons[r.stopReason] ?? 0) + 1;
  const seconds = group.map((r) => r.durationMs / 1000);
  return {
    mode: group[0]!.mode,
    sizeLabel: group[0]!.sizeLabel,
    sizeTokens: Math.round(sum((r) => r.sizeTokens) / group.length),
    jobs: group.length,
    score: sum((r) => r.score) / group.length,
    costUsd: sum((r) => r.usage.total.costUsd),
    unpriced: sum((r) => r.usage.total.unpriced ?? 0),
    cachedShare: share(sum((r) => r.usage.total.cachedInputTokens ?? 0), sum((r) => r.usage.total.inputTokens)),
    compactions: sum((r) => r.compactions ?? 0),
    tokens: {
      rootInput: sum((r) => r.usage.root.inputTokens),
      rootOutput: sum((r) => r.usage.root.outputTokens),
      subInput: sum((r) => r.usage.sub.inputTokens),
      subOutput: sum((r) => r.usage.sub.outputTokens),
    },
    latency: { p50: percentile(seconds, 50), p95: percentile(seconds, 95) },
    stopReasons,
    cut: group.filter((r) => r.cut).length,
    estimatedTokens: group.some((r) => r.usage.total.estimated),
  };
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const tok = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)}k` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(Math.round(n)));
const secs = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} s`;
const pct = (n: number) => `${Math.round(n * 100)}%`;

export function reportMarkdown(report: EvalReport): string {
  const lines = [
    `# Eval: RLM against the plain model`,
    '',
    `Root model \`${report.models.root}\`, sub-model \`${report.models.sub}\`; ${report.jobs} jobs, ${formatCost(report.costUsd, report.unpriced)} in all${report.estimate ? ` (estimated beforehand: ${formatUsd(report.estimate.usd)} for ${report.estimate.calls} calls)` : ''}. ${report.generatedAt}.`,
    ...(report.note ? ['', `**${report.note}**`] : []),
    '',
    '| mode | size | jobs | score | billed cost | cost / job | cached share | root tokens in / out (per job) | sub-call tokens in / out (per job) | compactions | latency p50 / p95 | stopped by | cut to fit |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...report.groups.map((g) => row(g)),
    '',
    'Score: the mean over jobs, 0 to 1 (partial credit for counts and lists). Billed cost: prompt tokens the provider\'s cache served at its cached-input price. Cached share: of all prompt tokens, root and sub-calls. Compactions: times a root history was summarised to fit the window. Tokens per job, `~` where some were estimated from characters. "Cut to fit": plain-model jobs whose context was cut in the middle (head and tail kept) to fit the window.',
  ];
  if (new Set(report.bySuite.map((g) => g.suite)).size > 1) {
    lines.push('', '## Per suite', '', '| suite | mode | size | jobs | score | billed cost | cached share | compactions | latency p50 |', '|---|---|---|---|---|---|---|---|---|');
    for (const g of report.bySuite) lines.push(`| ${g.suite} | ${g.mode} | ${g.sizeLabel} | ${g.jobs} | ${g.score.toFixed(2)} | ${formatCost(g.costUsd, g.unpriced)} | ${pct(g.cachedShare)} | ${g.compactions} | ${secs(g.latency.p50)} |`);
  }
  if (report.benchmarks) lines.push(...benchmarkMarkdown(report.benchmarks));
  return lines.join('\n') + '\n';
}

function row(g: GroupFigures): string {
  const per = (n: number) => `${g.estimatedTokens ? '~' : ''}${tok(n / g.jobs)}`;
  const stops = Object.entries(g.stopReasons).map(([reason, n]) => `${reason} ${n}`).join(', ');
  return `| ${g.mode} | ${g.sizeLabel} | ${g.jobs} | ${g.score.toFixed(2)} | ${formatCost(g.costUsd, g.unpriced)} | ${formatCost(g.costUsd / g.jobs, g.unpriced)} | ${pct(g.cachedShare)} | ${per(g.tokens.rootInput)} / ${per(g.tokens.rootOutput)} | ${per(g.tokens.subInput)} / ${per(g.tokens.subOutput)} | ${g.compactions} | ${secs(g.latency.p50)} / ${secs(g.latency.p95)} | ${stops} | ${g.mode === 'vanilla' ? `${g.cut} of ${g.jobs}` : ''} |`;
}
