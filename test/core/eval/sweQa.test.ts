// SWE-QA through `rlm eval`'s runner: the fixture in SWE-QA-Bench's layout, answered by scripted models over
// the fake server, scored by a scripted judge that reads the benchmark's own prompt. The judge's verdict is kept
// beside each answer, its cost is counted toward the cap but apart from the modes' cost; an empty answer scores 0
// with no judge call, the reference answer scores 100% with a judge giving full marks; a judge reply that is not
// the asked-for JSON scores 0 with the reply kept; the prompt is SWE-QA-Bench's word for word; and the loader
// names what is missing and how to get it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgeMessages, judgePrompt, readVerdict } from '../../../src/core/eval/benchmarks/judge';
import { JUDGE_DIMENSIONS } from '../../../src/core/eval/JobResult';
import { SWEQA_CLONE, sweQaTasks } from '../../../src/core/eval/benchmarks/sweQa';
import { estimateCost } from '../../../src/core/eval/estimate';
import { buildReport, reportMarkdown } from '../../../src/core/eval/report';
import { runEval } from '../../../src/core/eval/runEval';
import { createModel } from '../../../src/core/models/createModel';
import { PriceTable } from '../../../src/core/models/pricing';
import { CodeWorkspace } from '../../../src/core/workspace/CodeWorkspace';
import { FakeModelServer, type FakeRequest } from '../../fakes/FakeModelServer';
import { isVanilla } from '../../support/evalModels';
import { judgeInput } from '../../support/judgeRequests';
import { code } from '../../support/scriptedModels';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'swe-qa');
const DATA = join(FIXTURE, 'SWE-QA-Bench');
const REPOS = join(FIXTURE, 'repos');
const KEY = 'sk-test-sweqa-0123456789abcdef';
const PRICES = new PriceTable({
  'root-model': { input: 1.25, output: 10, contextWindow: 64_000 }, 'sub-model': { input: 0.25, output: 2, contextWindow: 64_000 },
  'judge-model': { input: 3, output: 15, contextWindow: 64_000 },
});

const QUESTIONS = readFileSync(join(DATA, 'Benchmark', 'minishop.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { question: string; answer: string });

/**
 * By default the RLM finds the facts and the plain model answers vaguely; `answers: 'empty'` makes both say
 * nothing, `answers: 'reference'` both give the reference answer. The judge (found by its prompt's structure)
 * gives full marks to the reference answer itself and otherwise scores by the reference's key terms.
 */
function models(options: { judgeReply?: string; answers?: 'empty' | 'reference' } = {}) {
  return (req: FakeRequest) => {
    const judged = judgeInput(req);
    if (judged) {
      if (options.judgeReply !== undefined) return options.judgeReply;
      if (judged.candidate === judged.reference) return JSON.stringify({ correctness: 20, completeness: 20, relevance: 20, clarity: 20, reasoning: 20 });
      const good = /order_total|Cart\.add/.test(judged.candidate);
      return '```json\n' + JSON.stringify({ correctness: good ? 18 : 4, completeness: good ? 16 : 3, relevance: good ? 19 : 10, clarity: 17, reasoning: good ? 16 : 6 }) + '\n```';
    }
    const first = req.messages.find((m) => m.role === 'user')?.content ?? '';
    const fixed = options.answers === 'empty' ? '' : options.answers === 'reference' ? QUESTIONS.find((q) => first.includes(q.question))!.answer : undefined;
    if (isVanilla(req)) return fixed ?? 'Probably somewhere in the pricing code.';
    if (req.messages[0]?.role !== 'system') return 'unused';
    const answer = fixed ?? (first.includes('discount')
      ? 'In `order_total` (minishop/pricing.py): the subtotal times 1 - DISCOUNTS[tier]; gold is 0.15 in minishop/tiers.py.'
      : '`Cart.add` raises ValueError("quantity must be positive") for a quantity of zero or less.');
    return code('Read the code, then answer.', `print(grep("DISCOUNTS|quantity").length);\nFINAL(${JSON.stringify(answer)})`);
  };
}

/** The task folder of a result's trace. */
const outDirOf = (trace: string, outDir: string) => join(outDir, trace, '..');

async function harness(options: Parameters<typeof models>[0] = {}) {
  const server = await FakeModelServer.start(models(options), { models: ['root-model', 'sub-model', 'judge-model'] });
  const common = { provider: 'openai' as const, baseUrl: server.openaiBaseUrl, apiKey: KEY, retries: 0, prices: PRICES };
  const [root, sub, judge] = await Promise.all(['root-model', 'sub-model', 'judge-model'].map((model) => createModel({ ...common, model })));
  const open = new Map<string, Promise<CodeWorkspace>>();
  const workspaces = (path: string) => {
    if (!open.has(path)) open.set(path, CodeWorkspace.openAsync(path, { cacheDir: false, workers: 1 }));
    return open.get(path)!;
  };
  const close = async () => {
    for (const w of open.values()) (await w).dispose();
    await server.close();
  };
  return { server, root: root!, sub: sub!, judge: judge!, workspaces, close };
}

test('questions are answered in both modes and judged on the five dimensions; the judge\'s cost is apart', async () => {
  const h = await harness();
  try {
    const tasks = await sweQaTasks(DATA, { reposDir: REPOS });
    assert.deepEqual(tasks.map((t) => t.id), ['swe-qa/minishop/1', 'swe-qa/minishop/2']);
    const outDir = mkdtempSync(join(tmpdir(), 'rlm-eval-sweqa-'));
    const outcome = await runEval(tasks, {
      models: { root: h.root, sub: h.sub }, judge: h.judge, costOf: (m, u) => PRICES.costUsd(m, u), limits: { maxIterations: 3 }, secrets: [KEY],
      outDir, workspaces: h.workspaces, modes: ['rlm', 'vanilla'], trials: 1, concurrency: 1, resume: false,
    });
    assert.equal(outcome.ran, 4);
    const rlm = outcome.results.find((r) => r.key === 'swe-qa/minishop/1|rlm|1')!;
    assert.deepEqual(rlm.judge!.scores, { correctness: 18, completeness: 16, relevance: 19, clarity: 17, reasoning: 16 });
    assert.equal(rlm.score, 0.86);
    assert.equal(rlm.judge!.model, 'judge-model');
    const vanilla = outcome.results.find((r) => r.key === 'swe-qa/minishop/1|vanilla|1')!;
    assert.equal(vanilla.score, 0.4);
    // The judge's calls: one per job, on the judge model, priced apart from the job's own usage.
    assert.equal(h.server.requests.filter((r) => r.model === 'judge-model').length, 4);
    const judgeCost = outcome.results.reduce((n, r) => n + r.judge!.usage.costUsd, 0);
    const modeCost = outcome.results.reduce((n, r) => n + r.usage.total.costUsd, 0);
    assert.ok(judgeCost > 0);
    assert.ok(Math.abs(outcome.spentUsd - (modeCost + judgeCost)) < 1e-9, 'the cap counts the judge too');
    const report = buildReport(outcome.results);
    assert.ok(Math.abs(report.costUsd - modeCost) < 1e-12, 'the modes\' cost leaves the judge out');
    assert.ok(Math.abs(report.benchmarks!.judgeCostUsd - judgeCost) < 1e-12);
    const md = reportMarkdown(report);
    assert.match(md, /\| swe-qa \| rlm \| minishop \| 2 \| 0\.86 \|/);
    assert.match(md, /### Judge verdicts/);
    assert.match(md, /\| swe-qa\/minishop\/1 \| vanilla \| 0\.40 \| 4 \/ 3 \/ 10 \/ 17 \/ 6 \| Probably somewhere in the pricing code\. \|/);
    // Beside the answer on disk too.
    const judged = JSON.parse(readFileSync(join(outDirOf(outcome.results[0]!.trace, outDir), 'rlm.1.judge.json'), 'utf8'));
    assert.equal(judged.model, 'judge-model');
  } finally {
    await h.close();
  }
});

/** Both modes answer both questions once, judged by the judge model; with the calls the judge got. */
async function judgedRun(options: Parameters<typeof models>[0]) {
  const h = await harness(options);
  try {
    const tasks = await sweQaTasks(DATA, { reposDir: REPOS });
    const outcome = await runEval(tasks, {
      models: { root: h.root, sub: h.sub }, judge: h.judge, costOf: (m, u) => PRICES.costUsd(m, u), limits: { maxIterations: 3 }, secrets: [KEY],
      outDir: mkdtempSync(join(tmpdir(), 'rlm-eval-sweqa-')), workspaces: h.workspaces, modes: ['rlm', 'vanilla'], trials: 1, concurrency: 1, resume: false,
    });
    return { outcome, judgeCalls: h.server.requests.filter((r) => r.model === 'judge-model').length };
  } finally {
    await h.close();
  }
}

test('an empty answer scores 0 without calling the judge', async () => {
  const { outcome, judgeCalls } = await judgedRun({ answers: 'empty' });
  assert.equal(outcome.ran, 4);
  for (const r of outcome.results) {
    assert.deepEqual({ answer: r.answer, score: r.score, verdict: r.judge!.verdict, judgeCost: r.judge!.usage.costUsd }, { answer: '', score: 0, verdict: 'not judged: the answer is empty', judgeCost: 0 }, r.key);
  }
  assert.equal(judgeCalls, 0, 'no judge call');
  assert.match(reportMarkdown(buildReport(outcome.results)), /\| swe-qa \| rlm \| minishop \| 2 \| 0\.00 \|/);
});

test('a right answer scores 100% with a scripted judge giving full marks', async () => {
  const { outcome, judgeCalls } = await judgedRun({ answers: 'reference' });
  assert.equal(outcome.ran, 4);
  for (const r of outcome.results) {
    assert.equal(r.answer, r.expected, r.key);
    assert.deepEqual(r.judge!.scores, { correctness: 20, completeness: 20, relevance: 20, clarity: 20, reasoning: 20 }, r.key);
    assert.equal(r.score, 1, r.key);
  }
  assert.equal(judgeCalls, 4);
  const md = reportMarkdown(buildReport(outcome.results));
  assert.match(md, /\| swe-qa \| rlm \| minishop \| 2 \| 1\.00 \|/);
  assert.match(md, /\| swe-qa \| vanilla \| minishop \| 2 \| 1\.00 \|/);
});

test('the judge gets SWE-QA-Bench\'s own prompt: its principles, each dimension\'s score bands, the input, the JSON asked for, its instructions', () => {
  // Word for word: the SHA-256 of the script's f-string (llm-as-a-judge.py at d7bf283) rendered with
  // question="{question}", reference="{reference}", candidate="{candidate}".
  const template = judgePrompt('{question}', '{reference}', '{candidate}');
  assert.equal(createHash('sha256').update(template).digest('hex'), '2240406369e27c87541e055046c58265258f58bc92e29460aeae7c2da63f73c5');
  const prompt = judgePrompt('Where is X?', 'In x.py.', 'In y.py.');
  assert.ok(prompt.startsWith('You are a STRICT and RIGOROUS evaluator.'));
  const sections = ['CRITICAL EVALUATION PRINCIPLES:', 'Evaluation Criteria and Scoring Guidelines (each scored 1 to 20, total score 100):', 'INPUT:', 'OUTPUT:', 'SCORING INSTRUCTIONS:', 'REQUIREMENT:'];
  const at = sections.map((s) => prompt.indexOf(`\n${s}\n`));
  assert.ok(at.every((i, k) => i > 0 && (k === 0 || i > at[k - 1]!)), `sections in order: ${at.join(', ')}`);
  const part = (k: number) => prompt.slice(at[k]!, at[k + 1] ?? prompt.length);
  assert.deepEqual([...part(0).matchAll(/^(\d)\. /gm)].map((m) => m[1]), ['1', '2', '3', '4', '5', '6', '7'], 'seven principles');
  // Each of the five dimensions, in the JSON's order, with its six score bands from 20 down to 1-3.
  const dimensions = part(1).split(/\n {8}\d\. /).slice(1);
  assert.deepEqual(dimensions.map((d) => d.split(' ')[0]!.toLowerCase()), [...JUDGE_DIMENSIONS]);
  for (const d of dimensions) assert.deepEqual([...d.matchAll(/^ {12}([\d-]+) — /gm)].map((m) => m[1]), ['20', '16-19', '12-15', '8-11', '4-7', '1-3'], d.split('\n')[0]);
  assert.match(part(2), /^\nINPUT:\n {4}Question:Where is X\?\n {4}Reference Answer:In x\.py\.\n {4}Candidate Answer:In y\.py\.\n$/);
  assert.deepEqual([...part(3).matchAll(/"(\w+)": <1-20>/g)].map((m) => m[1]), [...JUDGE_DIMENSIONS]);
  assert.equal([...part(4).matchAll(/^- /gm)].length, 8, 'eight scoring instructions');
  assert.match(part(5), /No explanation, no extra text, no formatting other than valid JSON\. Be strict and conservative with your scores\.$/);
  assert.deepEqual(judgeInput({ messages: judgeMessages('Where is X?', 'In x.py.', 'In y.py.') } as FakeRequest), { question: 'Where is X?', reference: 'In x.py.', candidate: 'In y.py.' }, 'one user message, as the script sends it');
});

test('a judge reply that is not the JSON asked for scores 0, and the reply is kept', async () => {
  const h = await harness({ judgeReply: 'Both answers look fine to me.' });
  try {
    const tasks = (await sweQaTasks(DATA, { reposDir: REPOS })).slice(0, 1);
    const outcome = await runEval(tasks, {
      models: { root: h.root, sub: h.sub }, costOf: (m, u) => PRICES.costUsd(m, u), limits: { maxIterations: 3 }, secrets: [KEY],
      outDir: mkdtempSync(join(tmpdir(), 'rlm-eval-sweqa-')), workspaces: h.workspaces, modes: ['vanilla'], trials: 1, concurrency: 1, resume: false,
    });
    const r = outcome.results[0]!;
    assert.equal(r.score, 0);
    assert.equal(r.judge!.scores, undefined);
    assert.equal(r.judge!.verdict, 'Both answers look fine to me.');
    assert.equal(r.judge!.model, 'root-model', 'the root model judges when no judge is given');
  } finally {
    await h.close();
  }
  assert.equal(readVerdict('{"correctness": 21, "completeness": 5, "relevance": 5, "clarity": 5, "reasoning": 5}'), undefined, 'out of range');
  assert.deepEqual(readVerdict('{"correctness": 1, "completeness": 2, "relevance": 3, "clarity": 4, "reasoning": 5}'), { correctness: 1, completeness: 2, relevance: 3, clarity: 4, reasoning: 5 });
});

test('the loader names what is missing and the command that gets it, and checks the pinned commit of a clone', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'rlm-sweqa-'));
  await assert.rejects(sweQaTasks(empty, { reposDir: REPOS }), (err: Error) => err.message.includes('Benchmark/ (the questions, <repo>.jsonl) is missing') && err.message.includes(SWEQA_CLONE));
  await assert.rejects(sweQaTasks(DATA, { reposDir: empty }), (err: Error) => err.message.includes(`git clone https://github.com/example/minishop ${join(empty, 'minishop')} && git -C ${join(empty, 'minishop')} checkout 1a2b3c4`));
  await assert.rejects(sweQaTasks(DATA, { reposDir: REPOS, only: ['django'] }), /--only django: SWE-QA has no such repository; it has minishop/);
  // A real clone at another commit.
  const repos = mkdtempSync(join(tmpdir(), 'rlm-sweqa-repos-'));
  cpSync(join(REPOS, 'minishop'), join(repos, 'minishop'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', join(repos, 'minishop'), '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { stdio: 'pipe' }).toString().trim();
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'base');
  await assert.rejects(sweQaTasks(DATA, { reposDir: repos }), (err: Error) => /not at the pinned commit 1a2b3c4/.test(err.message) && err.message.includes(`git -C ${join(repos, 'minishop')} checkout 1a2b3c4`));
  const data = mkdtempSync(join(tmpdir(), 'rlm-sweqa-data-'));
  cpSync(DATA, data, { recursive: true });
  writeFileSync(join(data, 'repo_commit.txt'), `https://github.com/example/minishop ${git('rev-parse', 'HEAD').slice(0, 7)}\n`);
  assert.equal((await sweQaTasks(data, { reposDir: repos })).length, 2);
});

test('the estimate counts one judge call per job, on the judge\'s price', async () => {
  const h = await harness();
  try {
    const tasks = await sweQaTasks(DATA, { reposDir: REPOS });
    for (const t of tasks) t.sizeTokens = 500;
    const jobs = tasks.map((task) => ({ task, mode: 'vanilla' as const }));
    const withJudge = estimateCost({ jobs, root: h.root, sub: h.sub, judge: h.judge, costOf: (m, u) => PRICES.costUsd(m, u) ?? 0 });
    assert.equal(withJudge.judge!.calls, 2);
    assert.ok(withJudge.judge!.usd > 0);
    assert.match(withJudge.assumptions[0]!, /^judge: one call per SWE-QA job/);
  } finally {
    await h.close();
  }
});
