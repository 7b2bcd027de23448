// The report from results alone: figures per mode and size checked by hand, the Markdown table, the JSON,
// and the SVG chart parsed as XML (well-formed, one line per mode, every text escaped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sax from 'sax';
import type { JobResult } from '../../../src/core/eval/JobResult';
import { buildReport, percentile, reportMarkdown } from '../../../src/core/eval/report';
import { escapeXml, scoreChartSvg } from '../../../src/core/eval/svgChart';
import { writeReport } from '../../../src/core/eval/writeReport';

const totals = (calls: number, input: number, output: number, cost: number) => ({ calls, inputTokens: input, outputTokens: output, costUsd: cost, estimated: false });

function result(mode: 'rlm' | 'vanilla', size: string, tokens: number, score: number, seconds: number, cost: number, suite = 'needle-text', extra: Partial<JobResult> = {}): JobResult {
  const root = totals(2, 1000, 100, cost * 0.25);
  const sub = mode === 'rlm' ? totals(3, 4000, 30, cost * 0.75) : totals(0, 0, 0, 0);
  return {
    key: `${suite}/${size}/${score}/${seconds}|${mode}|1`, taskId: `${suite}/${size}/${seconds}`, suite, mode, trial: 1, sizeTokens: tokens, sizeLabel: size,
    question: 'q', expected: 'a', answer: 'a', score, parsed: null, stopReason: 'final', durationMs: seconds * 1000,
    usage: { root, sub, total: totals(root.calls + sub.calls, root.inputTokens + sub.inputTokens, root.outputTokens + sub.outputTokens, cost) },
    trace: 'tasks/x/rlm.1.rlm.jsonl', models: { root: 'gpt-<root> & "co"', sub: 'mini' }, finishedAt: '2026-01-01T00:00:00.000Z', ...extra,
  };
}

const RESULTS: JobResult[] = [
  result('rlm', '8k', 8000, 1, 2, 0.02), result('rlm', '8k', 8000, 0.5, 4, 0.04),
  result('vanilla', '8k', 8000, 1, 1, 0.01), result('vanilla', '8k', 8000, 0, 3, 0.01, 'needle-text', { stopReason: 'error' }),
  result('rlm', '128k', 128000, 1, 10, 0.2), result('vanilla', '128k', 128000, 0, 5, 0.03, 'needle-text', { cut: { how: 'head+tail', contextChars: 512000, keptChars: 100000, cutChars: 412000, contextWindow: 32000 } }),
  result('rlm', '8k', 8000, 0.25, 6, 0.03, 'count-text'),
];

test('percentiles by nearest rank', () => {
  assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
  assert.equal(percentile([5, 1, 3, 2, 4], 95), 5);
  assert.equal(percentile(Array.from({ length: 20 }, (_, i) => i + 1), 95), 19);
  assert.equal(percentile([], 50), 0);
});

test('figures per mode and size, and per suite, as computed by hand', () => {
  const report = buildReport(RESULTS, { now: new Date('2026-01-02T00:00:00Z') });
  assert.equal(report.jobs, 7);
  assert.ok(Math.abs(report.costUsd - 0.34) < 1e-9);
  assert.deepEqual(report.groups.map((g) => [g.mode, g.sizeLabel, g.jobs]), [['rlm', '8k', 3], ['rlm', '128k', 1], ['vanilla', '8k', 2], ['vanilla', '128k', 1]]);
  const rlm8 = report.groups[0]!;
  assert.ok(Math.abs(rlm8.score - (1 + 0.5 + 0.25) / 3) < 1e-12);
  assert.ok(Math.abs(rlm8.costUsd - 0.09) < 1e-12);
  assert.deepEqual(rlm8.tokens, { rootInput: 3000, rootOutput: 300, subInput: 12000, subOutput: 90 });
  assert.deepEqual(rlm8.latency, { p50: 4, p95: 6 });
  const vanilla8 = report.groups[2]!;
  assert.equal(vanilla8.score, 0.5);
  assert.deepEqual(vanilla8.stopReasons, { final: 1, error: 1 });
  assert.equal(report.groups[3]!.cut, 1);
  assert.deepEqual(report.bySuite.map((g) => [g.suite, g.mode, g.sizeLabel, g.jobs]), [
    ['count-text', 'rlm', '8k', 1], ['needle-text', 'rlm', '8k', 2], ['needle-text', 'rlm', '128k', 1], ['needle-text', 'vanilla', '8k', 2], ['needle-text', 'vanilla', '128k', 1],
  ]);
});

test('the Markdown table: one row per mode and size, per-job tokens, latency, stop reasons, cuts; a per-suite table', () => {
  const md = reportMarkdown(buildReport(RESULTS, { note: 'Figures from the fake model server', now: new Date('2026-01-02T00:00:00Z') }));
  assert.match(md, /^# Eval: RLM against the plain model\n/);
  assert.match(md, /\*\*Figures from the fake model server\*\*/);
  assert.match(md, /\| mode \| size \| jobs \| score \| billed cost \| cost \/ job \| cached share \| root tokens in \/ out \(per job\) \| sub-call tokens in \/ out \(per job\) \| compactions \|/);
  assert.match(md, /\| rlm \| 8k \| 3 \| 0\.58 \| \$0\.0900 \| \$0\.0300 \| 0% \| 1\.0k \/ 100 \| 4\.0k \/ 30 \| 0 \| 4\.0 s \/ 6\.0 s \| final 3 \|  \|/);
  assert.match(md, /\| vanilla \| 8k \| 2 \| 0\.50 \| \$0\.0200 \| \$0\.0100 \| 0% \| 1\.0k \/ 100 \| 0 \/ 0 \| 0 \| 1\.0 s \/ 3\.0 s \| final 1, error 1 \| 0 of 2 \|/);
  assert.match(md, /\| vanilla \| 128k \| 1 \| 0\.00 .* \| 1 of 1 \|/);
  assert.match(md, /## Per suite\n\n\| suite \| mode \| size \| jobs \| score \| billed cost \| cached share \| compactions \| latency p50 \|\n\|---\|---\|---\|---\|---\|---\|---\|---\|---\|\n\| count-text \| rlm \| 8k \| 1 \| 0\.25 \|/);
  const rows = md.split('\n').filter((l) => /^\| (rlm|vanilla) \|/.test(l));
  assert.equal(rows.length, 4);
  assert.ok(rows.every((r) => r.split('|').length === 15), 'every row has the header\'s 13 columns');
});

test('cached share and compactions: prompt tokens the cache served over all prompt tokens; compactions summed', () => {
  const cached = (r: JobResult, cachedInputTokens: number): JobResult => ({ ...r, usage: { ...r.usage, total: { ...r.usage.total, cachedInputTokens } } });
  const [a, b] = RESULTS.filter((r) => r.mode === 'rlm' && r.sizeLabel === '8k');
  const report = buildReport([cached({ ...a!, compactions: 2 }, 3_000), cached({ ...b!, compactions: 1 }, 1_000)]);
  const group = report.groups[0]!;
  assert.equal(group.cachedShare, 4_000 / (a!.usage.total.inputTokens + b!.usage.total.inputTokens));
  assert.equal(group.compactions, 3);
  assert.match(reportMarkdown(report), /\| 40% \|.*\| 3 \|/);
});

test('jobs on a model with no known price: the cost reads as unknown, or as the priced part plus unknown', () => {
  const unpriced = (r: JobResult, calls: number): JobResult => ({ ...r, usage: { ...r.usage, total: { ...r.usage.total, costUsd: 0, unpriced: calls } } });
  const [a, b] = RESULTS.filter((r) => r.mode === 'rlm' && r.sizeLabel === '8k');
  const none = buildReport([unpriced(a!, 5), unpriced(b!, 3)]);
  assert.equal(none.unpriced, 8);
  assert.equal(none.groups[0]!.unpriced, 8);
  assert.match(reportMarkdown(none), /2 jobs, unknown in all/);
  assert.match(reportMarkdown(none), /\| rlm \| 8k \| 2 \| [\d.]+ \| unknown \| unknown \|/);
  const mixed = reportMarkdown(buildReport([a!, unpriced(b!, 3)]));
  assert.match(mixed, /\| rlm \| 8k \| 2 \| [\d.]+ \| \$0\.0200 \+ unknown \| \$0\.0100 \+ unknown \|/);
});

/** Parses strictly (sax throws on anything not well-formed) and collects elements with their attributes. */
function parseSvg(svg: string): Array<{ name: string; attributes: Record<string, string>; text: string }> {
  const parser = sax.parser(true, {});
  const elements: Array<{ name: string; attributes: Record<string, string>; text: string }> = [];
  const open: number[] = [];
  parser.onerror = (err) => { throw err; };
  parser.onopentag = (node) => { elements.push({ name: node.name, attributes: node.attributes as Record<string, string>, text: '' }); open.push(elements.length - 1); };
  parser.onclosetag = () => { open.pop(); };
  parser.ontext = (text) => { if (open.length) elements[open.at(-1)!]!.text += text; };
  parser.write(svg).close();
  return elements;
}

test('the SVG chart is well-formed XML: one line per mode through its sizes, a point per group, texts escaped', () => {
  const report = buildReport(RESULTS);
  const svg = scoreChartSvg(report);
  const elements = parseSvg(svg);
  assert.equal(elements[0]!.name, 'svg');
  assert.equal(elements[0]!.attributes.xmlns, 'http://www.w3.org/2000/svg');
  const lines = elements.filter((e) => e.name === 'polyline');
  assert.equal(lines.length, 2);
  assert.deepEqual(lines.map((l) => l.attributes.points!.split(' ').length), [2, 2]);
  assert.equal(elements.filter((e) => e.name === 'circle').length, 4);
  // Higher score is higher on the page: rlm at 8k (0.58) sits above vanilla at 8k (0.5).
  const y = (l: (typeof lines)[number], i: number) => Number(l.attributes.points!.split(' ')[i]!.split(',')[1]);
  assert.ok(y(lines[0]!, 0) < y(lines[1]!, 0));
  const texts = elements.filter((e) => e.name === 'text').map((e) => e.text);
  assert.ok(texts.includes('8k') && texts.includes('128k') && texts.includes('rlm') && texts.includes('vanilla'));
  assert.ok(texts.some((t) => t.includes('gpt-<root> & "co"')), 'the model name survives, escaped in the file');
  assert.ok(!svg.includes('gpt-<root>') && svg.includes('gpt-&lt;root&gt; &amp; &quot;co&quot;'));
  assert.equal(escapeXml(`<a href='x'>&</a>`), '&lt;a href=&apos;x&apos;&gt;&amp;&lt;/a&gt;');
  // One size only: the points sit in the middle, still well-formed.
  assert.doesNotThrow(() => parseSvg(scoreChartSvg(buildReport(RESULTS.filter((r) => r.sizeLabel === '8k')))));
});

test('the report files: Markdown, JSON that reads back, the chart, and one chart per suite when there are several', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-report-'));
  const files = writeReport(dir, buildReport(RESULTS));
  assert.deepEqual(files.map((f) => f.slice(dir.length + 1)), ['report.md', 'report.json', 'report.svg', 'report.count-text.svg', 'report.needle-text.svg']);
  const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  assert.equal(json.groups.length, 4);
  assert.deepEqual(Object.keys(json.groups[0]).sort(), ['cachedShare', 'compactions', 'costUsd', 'cut', 'estimatedTokens', 'jobs', 'latency', 'mode', 'score', 'sizeLabel', 'sizeTokens', 'stopReasons', 'tokens', 'unpriced']);
  for (const svg of files.filter((f) => f.endsWith('.svg'))) assert.doesNotThrow(() => parseSvg(readFileSync(svg, 'utf8')), svg);
});
