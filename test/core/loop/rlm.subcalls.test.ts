// Sub-calls from model code: llm_query, llm_query_batched, rlm_query, and the limits around them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RlmSession } from '../../../src/core/loop/RlmSession';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { code, scripted, withSession, SUB } from '../../support/scriptedModels';

const BOOK = Array.from({ length: 40 }, (_, i) => `Chapter ${i + 1}. ${i === 26 ? 'The treasure is buried under the old oak.' : 'Nothing happens.'} `.repeat(50)).join('\n');

const mapReduce = code(
  'Split the book into chapters and ask a sub-model about each, in parallel.',
  `const chapters = context.split('\\n');
const answers = await llm_query_batched(chapters.map((c, i) => 'Chapter ' + (i + 1) + '. Where is the treasure? Answer "none" if not said.\\n' + c));
const found = answers.map((a, i) => [i + 1, a]).filter(([, a]) => a !== 'none');
print(JSON.stringify(found));`,
);

test('map-reduce with llm_query_batched: prompts run in parallel, answers in order, events nested under the cell', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const s = await scripted(
    [mapReduce, (req) => {
      assert.match(req.messages.at(-1)!.content, /\[\[27,"under the old oak"\]\]/);
      return code('Chapter 27 says it.', 'FINAL("under the old oak (chapter " + found[0][0] + ")")');
    }],
    async (req) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      return req.messages[0]!.content.includes('treasure is buried') ? 'under the old oak' : 'none';
    },
  );
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: BOOK }, limits: { concurrency: 8 } }, async (session) => {
    const result = await session.ask('Where is the treasure?', { onEvent: (e) => events.push(e) });
    assert.equal(result.answer, 'under the old oak (chapter 27)');
    assert.equal(result.subCalls, 40);
    assert.equal(result.usage.sub.calls, 40);
    assert.equal(result.usage.root.calls, 2);
    assert.ok(maxInFlight > 1 && maxInFlight <= 8, `max in flight ${maxInFlight}`);
    const cell = events.find((e) => e.type === 'cell_start')!;
    const subStarts = events.filter((e) => e.type === 'subcall_start');
    assert.equal(subStarts.length, 40);
    assert.ok(subStarts.every((e) => e.type === 'subcall_start' && e.parentId === (cell as { id: string }).id));
    assert.ok(events.filter((e) => e.type === 'subcall_end').every((e) => e.type === 'subcall_end' && e.model === SUB && e.latencyMs >= 0));
  });
});

test('a failed slot in a batch is an "Error:" string; the batch still returns', async () => {
  const s = await scripted(
    [code('Ask three.', 'const r = await llm_query_batched(["ok 1", "fail please", "ok 3"]);\nprint(JSON.stringify(r));'), (req) => {
      const out = req.messages.at(-1)!.content;
      assert.match(out, /\["sub says ok 1","Error: .*?rejected the request.*?\(400: bad request\).*?","sub says ok 3"\]/);
      return code('Got two of three.', 'FINAL(r.filter(x => !x.startsWith("Error:")).length)');
    }],
    (req) => (req.messages[0]!.content.includes('fail') ? { status: 400, text: 'bad request' } : `sub says ${req.messages[0]!.content}`),
  );
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' } }, async (session) => {
    const result = await session.ask('?');
    assert.equal(result.answer, '2');
  });
});

test('llm_query throws into model code on failure; a prompt larger than the window is refused unsent', async () => {
  const s = await scripted(
    [code('Try a huge prompt.', `try { await llm_query('x'.repeat(50000)); } catch (e) { print('refused: ' + e.message); }
print(await llm_query('small'));`), (req) => {
      assert.match(req.messages.at(-1)!.content, /refused: prompt of 50,000 characters is larger than sub-model's context window \(1,000 tokens/);
      return 'FINAL(done)';
    }],
    () => 'small answer',
    { subContextWindow: 1000 },
  );
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' } }, async (session) => {
    const result = await session.ask('?');
    assert.equal(result.answer, 'done');
    assert.equal(s.subRequests().length, 1, 'the oversized prompt was never sent');
  });
});

test('max_sub_calls mid-batch: later prompts are refused, then one last root call gives the answer (not the chatter)', async () => {
  const s = await scripted([
    code('Let me fan out over the chapters.', 'const r = await llm_query_batched(["c1","c2","c3","c4","c5","c6"]);\nprint(r.filter(x => x.startsWith("Error:")).length + " refused");'),
    (req) => {
      const last = req.messages.at(-1)!.content;
      assert.match(last, /3 refused/);
      assert.match(last, /The run stopped because the run reached its limit of 3 sub-calls\. No more code will run/);
      return code('From the three chapters I read:', 'print("this must not run")') + '\nFINAL(dragons appear in 3 of the 6 chapters read so far)';
    },
  ], () => 'a dragon');
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' }, limits: { maxSubCalls: 3, concurrency: 2 } }, async (session) => {
    const result = await session.ask('?', { onEvent: (e) => events.push(e) });
    assert.equal(result.stopReason, 'max_sub_calls');
    assert.equal(result.answer, 'dragons appear in 3 of the 6 chapters read so far');
    assert.equal(s.subRequests().length, 3);
    assert.equal(s.rootRequests().length, 2);
    assert.match(result.detail!, /limit of 3 sub-calls/);
  });
  const ends = events.filter((e): e is Extract<RlmEvent, { type: 'subcall_end' }> => e.type === 'subcall_end');
  assert.deepEqual(ends.map((e) => e.status).sort(), ['cancelled', 'cancelled', 'cancelled', 'done', 'done', 'done']);
  assert.equal(events.filter((e) => e.type === 'cell_start').length, 1, 'the last call\'s code did not run');
  assert.equal(events.filter((e) => e.type === 'turn_start' && e.last).length, 1);
});

test('max_cost and max_tokens stop the run after the cell that crossed them', async () => {
  for (const [limits, reason] of [[{ maxTokens: 2000 }, 'max_tokens'], [{ maxCostUsd: 0.01 }, 'max_cost']] as const) {
    const s = await scripted(
      [
        { text: code('Spend.', 'await llm_query_batched(["a","b","c","d"]);'), usage: { input: 100, output: 10 } },
        { text: code('More.', 'print(1)'), usage: { input: 100, output: 10 } },
      ],
      () => ({ text: 'ok', usage: { input: 1000, output: 10 } }),
    );
    const session = await RlmSession.create({
      models: s.models, context: { kind: 'text', text: 'x' }, limits: { ...limits, concurrency: 1 },
      costOf: (model, usage) => (model === SUB ? usage.inputTokens * 5e-6 : 0),
    });
    try {
      const result = await session.ask('?');
      assert.equal(result.stopReason, reason);
      assert.equal(s.rootRequests().length, 1, 'no further root turn after the limit');
      assert.ok(s.subRequests().length < 4, 'sub-calls past the limit were refused');
    } finally {
      session.dispose();
      await s.close();
    }
  }
});

test('timeout: a run whose sub-calls hang ends at the deadline with its best answer (none yet, not the chatter)', async () => {
  const s = await scripted(
    [code('This will take a while.', 'print(await llm_query("slow"))')],
    () => ({ text: 'late', delayMs: 10_000 }),
  );
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' }, limits: { timeoutMs: 400 } }, async (session) => {
    const started = Date.now();
    const result = await session.ask('?');
    assert.equal(result.stopReason, 'timeout');
    assert.equal(result.answer, '');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });
});

test('cancellation stops in-flight sub-calls and the sandbox within a second', async () => {
  const s = await scripted(
    [code('Fan out.', 'const r = await llm_query_batched(Array.from({length: 64}, (_, i) => "q" + i));')],
    () => ({ text: 'slow', delayMs: 20_000 }),
  );
  const session = await RlmSession.create({ models: s.models, context: { kind: 'text', text: 'x' } });
  const controller = new AbortController();
  const events: RlmEvent[] = [];
  try {
    const pending = session.ask('?', {
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'subcall_start' && events.filter((x) => x.type === 'subcall_start').length === 16) setTimeout(() => controller.abort(), 50);
      },
    });
    const result = await pending;
    const abortedAt = events.find((e) => e.type === 'limit')!.time;
    assert.equal(result.stopReason, 'cancelled');
    const lastStart = events.filter((e) => e.type === 'subcall_start').at(-1)!.time;
    assert.ok(abortedAt - lastStart < 1000, 'the run ended within a second of the abort');
    assert.equal(events.at(-1)!.type, 'run_end');
  } finally {
    session.dispose();
    await s.close();
  }
});

test('a busy loop in model code is stopped by cancellation too', async () => {
  const s = await scripted([code('Spin.', 'while (true) {}')]);
  const session = await RlmSession.create({ models: s.models, context: { kind: 'text', text: 'x' } });
  const controller = new AbortController();
  try {
    const pending = session.ask('?', { signal: controller.signal, onEvent: (e) => { if (e.type === 'cell_start') setTimeout(() => controller.abort(), 100); } });
    const started = Date.now();
    const result = await pending;
    assert.equal(result.stopReason, 'cancelled');
    assert.ok(Date.now() - started < 2000);
  } finally {
    session.dispose();
    await s.close();
  }
});

test('a sub-call answered 429 with retry-after is retried and succeeds', async () => {
  let tries = 0;
  const s = await scripted(
    [code('Ask once.', 'FINAL(await llm_query("hello"))')],
    () => (++tries === 1 ? { status: 429, retryAfter: 0.2 } : 'hi there'),
  );
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' } }, async (session) => {
    const result = await session.ask('?');
    assert.equal(result.answer, 'hi there');
    assert.equal(tries, 2);
  });
});
