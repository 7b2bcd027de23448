// The harness against the fake model server: scripted roots that answer right, answer wrong, and run out of
// iterations, in both modes; results on disk as they finish; --resume; the cost estimate against the spend;
// the cost cap stopping a run in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvalTask } from '../../../src/core/eval/EvalTask';
import { estimateCost } from '../../../src/core/eval/estimate';
import { readTrace } from '../../../src/core/trajectory/readTrace';
import { jobsToDo, RESULTS_FILE, runEval, type EvalOptions } from '../../../src/core/eval/runEval';
import { textSuiteTasks } from '../../../src/core/eval/suites';
import { parseSizes } from '../../../src/core/eval/suites/contextSizes';
import { createModel } from '../../../src/core/models/createModel';
import { PriceTable } from '../../../src/core/models/pricing';
import { FakeModelServer, type FakeResponder } from '../../fakes/FakeModelServer';
import { behaviourModels, needleModels } from '../../support/evalModels';

const KEY = 'sk-test-eval-0123456789abcdef';
const PRICES = new PriceTable({ 'root-model': { input: 1.25, output: 10, contextWindow: 32_000 }, 'sub-model': { input: 0.25, output: 2, contextWindow: 128_000 } });

async function harness(responder: FakeResponder) {
  const server = await FakeModelServer.start(responder, { models: ['root-model', 'sub-model'] });
  const common = { provider: 'openai' as const, baseUrl: server.openaiBaseUrl, apiKey: KEY, retries: 0, prices: PRICES };
  const root = await createModel({ ...common, model: 'root-model' });
  const sub = await createModel({ ...common, model: 'sub-model' });
  const options = (overrides: Partial<EvalOptions> = {}): EvalOptions => ({
    models: { root, sub }, costOf: (model, usage) => PRICES.costUsd(model, usage), limits: { maxIterations: 3 }, secrets: [KEY],
    outDir: mkdtempSync(join(tmpdir(), 'rlm-eval-')), workspaces: () => Promise.reject(new Error('no workspace here')),
    modes: ['rlm', 'vanilla'], trials: 1, concurrency: 2, resume: false, ...overrides,
  });
  return { server, options, close: () => server.close() };
}

const task = (id: string, behaviour: string, answer: string): EvalTask => ({
  id, suite: 'file', question: `${id} [${behaviour}]: what is the code word?`, context: { kind: 'text', text: `The code word is ${answer}. `.repeat(50) },
  answer, scorer: 'exact', sizeTokens: 300,
});

test('right, wrong and out of budget, in both modes: scored, recorded as they finish, with traces and answers on disk', async () => {
  const tasks = [task('t1', 'right', 'heron'), task('t2', 'wrong', 'otter'), task('t3', 'budget', 'lynx')];
  const answers = Object.fromEntries(tasks.map((t) => [t.question.split(':')[0]!, t.answer as string]));
  const h = await harness(behaviourModels(answers));
  try {
    const options = h.options();
    const seen: string[] = [];
    const outcome = await runEval(tasks, { ...options, onResult: (r, done, total) => seen.push(`${done}/${total} ${r.key}`) });
    assert.equal(outcome.ran, 6);
    assert.equal(outcome.planned, 6);
    assert.equal(outcome.stopped, undefined);
    assert.equal(seen.length, 6);
    const byKey = Object.fromEntries(outcome.results.map((r) => [r.key, r]));
    assert.equal(byKey['t1|rlm|1']!.score, 1);
    assert.equal(byKey['t1|rlm|1']!.answer, 'heron');
    assert.equal(byKey['t1|rlm|1']!.stopReason, 'final');
    assert.equal(byKey['t1|vanilla|1']!.score, 0, 'the plain model wrote a sentence; the exact scorer wants the word');
    assert.equal(byKey['t2|rlm|1']!.score, 0);
    assert.equal(byKey['t2|rlm|1']!.answer, 'not otter');
    assert.equal(byKey['t3|rlm|1']!.stopReason, 'max_iterations');
    assert.equal(byKey['t3|rlm|1']!.answer, 'I ran out of turns');
    assert.equal(byKey['t3|rlm|1']!.usage.root.calls, 4, 'three turns and the last call for an answer');
    assert.equal(byKey['t3|rlm|1']!.usage.sub.calls, 3);
    // On disk: one line per job, the trace of each RLM job (receipt valid, key redacted), every answer.
    const lines = readFileSync(join(options.outDir, RESULTS_FILE), 'utf8').trim().split('\n');
    assert.equal(lines.length, 6);
    for (const r of outcome.results) {
      assert.ok(existsSync(join(options.outDir, r.trace)), r.trace);
      assert.equal(readFileSync(join(options.outDir, r.trace.replace(/\.(rlm\.jsonl|call\.json)$/, '').replace(/(rlm|vanilla)\.1$/, '$1.1.answer.txt')), 'utf8'), r.answer);
      if (r.mode === 'rlm') assert.equal(readTrace(join(options.outDir, r.trace)).receipt, 'valid');
    }
    assert.ok(!readFileSync(join(options.outDir, byKey['t1|rlm|1']!.trace), 'utf8').includes(KEY));
    const total = outcome.results.reduce((n, r) => n + r.usage.total.costUsd, 0);
    assert.ok(Math.abs(outcome.spentUsd - total) < 1e-9, `spent ${outcome.spentUsd} = the results' ${total}`);
  } finally {
    await h.close();
  }
});

test('--resume skips finished jobs and redoes failed ones; a folder with results is not reused by accident', async () => {
  const tasks = [task('t1', 'right', 'heron'), task('t2', 'right', 'ibex')];
  const answers = { t1: 'heron', t2: 'ibex' };
  let down = true;
  const h = await harness((req) => (down && req.model === 'root-model' && req.messages.some((m) => m.content.includes('t2 [')) ? { status: 400, text: 'bad request' } : behaviourModels(answers)(req)));
  try {
    const options = h.options({ modes: ['rlm'] });
    const first = await runEval(tasks, options);
    assert.deepEqual(first.results.map((r) => [r.taskId, r.stopReason]).sort(), [['t1', 'final'], ['t2', 'error']]);
    await assert.rejects(runEval(tasks, options), /already holds the results of an eval: add --resume/);
    down = false;
    const requestsBefore = h.server.requests.length;
    const second = await runEval(tasks, { ...options, resume: true });
    assert.equal(second.skipped, 1);
    assert.equal(second.ran, 1, 'only the job that failed for the endpoint');
    assert.ok(h.server.requests.slice(requestsBefore).every((r) => !r.messages.some((m) => m.content.includes('t1 ['))));
    assert.deepEqual(second.results.map((r) => [r.taskId, r.stopReason]).sort(), [['t1', 'final'], ['t2', 'final']]);
    const third = await runEval(tasks, { ...options, resume: true });
    assert.equal(third.ran, 0);
    assert.equal(third.skipped, 2);
    assert.equal(jobsToDo(tasks, ['rlm'], 1, third.results).length, 0);
  } finally {
    await h.close();
  }
});

test('the cost estimate is within a factor of two of what the eval spends (needle-text, chunked sub-calls)', async () => {
  const h = await harness(needleModels({ chunkChars: 100_000 }));
  try {
    const tasks = textSuiteTasks('needle-text', parseSizes('8k,32k,128k'), 1, 2);
    const options = h.options({ limits: {} });
    const estimate = estimateCost({
      jobs: jobsToDo(tasks, options.modes, 1, []), root: options.models.root, sub: options.models.sub, costOf: options.costOf,
    });
    const outcome = await runEval(tasks, options);
    assert.equal(outcome.ran, 12);
    const actualCalls = outcome.results.reduce((n, r) => n + r.usage.total.calls, 0);
    const ratio = estimate.usd / outcome.spentUsd;
    assert.ok(ratio > 0.5 && ratio < 2, `estimated $${estimate.usd.toFixed(4)} for $${outcome.spentUsd.toFixed(4)} spent (${ratio.toFixed(2)}x)`);
    assert.ok(estimate.calls / actualCalls > 0.5 && estimate.calls / actualCalls < 2, `${estimate.calls} calls estimated, ${actualCalls} made`);
    const vanilla = estimate.byMode.vanilla!;
    const vanillaSpent = outcome.results.filter((r) => r.mode === 'vanilla').reduce((n, r) => n + r.usage.total.costUsd, 0);
    assert.ok(Math.abs(vanilla.usd / vanillaSpent - 1) < 0.15, `vanilla: the prompt is known, so the estimate is close ($${vanilla.usd.toFixed(4)} vs $${vanillaSpent.toFixed(4)})`);
    assert.equal(vanilla.calls, 6);
  } finally {
    await h.close();
  }
});

test('--max-cost stops the eval as the spend reaches it: jobs in flight are cancelled and left for --resume', async () => {
  const h = await harness(needleModels({ chunkChars: 20_000 }));
  try {
    const tasks = textSuiteTasks('needle-text', parseSizes('32k'), 1, 6);
    const options = h.options({ modes: ['rlm'], maxCostUsd: 0.05, concurrency: 2, limits: {} });
    const outcome = await runEval(tasks, options);
    assert.equal(outcome.stopped, 'max_cost');
    assert.ok(outcome.ran < 6, `${outcome.ran} jobs ran`);
    assert.ok(outcome.spentUsd >= 0.05 && outcome.spentUsd < 0.1, `spent $${outcome.spentUsd}`);
    const lines = readFileSync(join(options.outDir, RESULTS_FILE), 'utf8').trim().split('\n').filter(Boolean);
    assert.equal(lines.length, outcome.ran, 'only finished jobs are on record');
    const rest = await runEval(tasks, { ...options, maxCostUsd: undefined, resume: true });
    assert.equal(rest.ran + outcome.ran, 6);
    assert.equal(rest.results.length, 6);
    assert.ok(rest.results.every((r) => r.score === 1));
  } finally {
    await h.close();
  }
});
