// The root history stays within the root model's window. Before a request would fill 85% of it, the turns
// after the question are replaced by a summary the model writes, naming the REPL variables that hold results;
// the REPL is kept, so a variable made before the compaction is used after it. A provider that refuses a prompt
// as too long (OpenAI, llama.cpp, Anthropic wording) gets it compacted and sent once more. No request is ever
// sent above the window. Through the official SDKs against the fake server, which counts characters / 4.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResult } from '../../../src/core/loop/RlmRun';
import { COMPACT_AT, readRefusal, rootWindow, UNKNOWN_WINDOW } from '../../../src/core/loop/RootHistory';
import { PriceTable } from '../../../src/core/models/pricing';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { TrajectoryTree } from '../../../src/core/trajectory/TrajectoryTree';
import type { FakeRequest } from '../../fakes/FakeModelServer';
import { counter, DELEGATE_COUNTING, SUMMARY } from '../../support/countingModel';
import { code, ROOT, scripted, SUB, withSession } from '../../support/scriptedModels';

const WINDOW = 8_192;

const ends = <T extends RlmEvent['type']>(events: RlmEvent[], type: T) => events.filter((e): e is Extract<RlmEvent, { type: T }> => e.type === type);

for (const api of ['openai', 'anthropic'] as const) {
  test(`${api}: past 85% of an 8k window the turns become a summary naming the variables; the REPL is kept; no request above the window`, async () => {
    const { script, summaryRequests } = counter(12, 6_000);
    const s = await scripted(script, undefined, { api, rootContextWindow: WINDOW });
    const events: RlmEvent[] = [];
    await withSession(s, { models: s.models, context: { kind: 'text', text: 'abc' }, limits: { maxIterations: 20 } }, async (session) => {
      const result = await session.ask('Count to eleven.', { onEvent: (e) => events.push(e) });
      assert.equal(result.stopReason, 'final', result.detail);
      assert.equal(result.answer, '11', 'the variable made before each compaction was used after it');
      assert.ok(result.compactions >= 2, `${result.compactions} compactions`);
      assert.equal(ends(events, 'run_end')[0]!.compactions, result.compactions);
    });
    const requests = s.rootRequests();
    assert.ok(requests.every((r) => r.promptTokens <= Math.floor(WINDOW * COMPACT_AT)), `largest prompt ${Math.max(...requests.map((r) => r.promptTokens))} tokens`);
    // The summary request lists the REPL's variables, and so does the history after the compaction.
    assert.match(summaryRequests[0]!.messages.at(-1)!.content, /REPL variables now:\n- counts \(object\)/);
    const after = requests[requests.indexOf(summaryRequests[0]!) + 1]!;
    assert.equal(after.messages[0]!.content, requests[0]!.messages[0]!.content, 'the system prompt stays (its cache still serves)');
    assert.equal(after.messages[1]!.content, requests[0]!.messages[1]!.content, 'the question stays');
    assert.equal(after.messages[2]!.role, 'assistant');
    assert.equal(after.messages[2]!.content, SUMMARY);
    assert.match(after.messages[3]!.content, /^\[Your last \d+ turns were replaced by the summary above .*\n- counts \(object\)/s);
    assert.match(after.messages[3]!.content, /\[cell 1 output\]\ny/, 'the last output follows the note');
    const starts = ends(events, 'compaction_start');
    const finished = ends(events, 'compaction_end');
    assert.equal(starts.length, finished.length);
    assert.deepEqual([starts[0]!.reason, starts[0]!.window, starts[0]!.model], ['window', WINDOW, ROOT]);
    assert.ok(starts[0]!.tokensBefore > WINDOW * COMPACT_AT);
    assert.equal(finished[0]!.status, 'done');
    assert.equal(finished[0]!.summary, SUMMARY);
    assert.ok(finished[0]!.tokensAfter < WINDOW / 2 + 100, `${finished[0]!.tokensAfter} tokens after`);
    assert.ok(finished[0]!.usage.inputTokens > 0, 'the summary call is counted');
    // The summary is a node of the trajectory, with its cost, under the run.
    const tree = TrajectoryTree.from(events);
    const node = tree.get(starts[0]!.id)!;
    assert.equal(node.kind, 'compaction');
    assert.equal(node.status, 'done');
    assert.equal(node.parentId, ends(events, 'run_start')[0]!.id);
    assert.equal(node.own.inputTokens, finished[0]!.usage.inputTokens);
  });
}

for (const [api, refusal] of [['openai', 'openai'], ['openai', 'llama.cpp'], ['anthropic', undefined]] as const) {
  test(`a server that refuses long prompts (${refusal ?? api} wording, window unknown to us): compacted and sent once more; the run ends on its answer`, async () => {
    const { script } = counter(15, 3_000);
    const s = await scripted(script, undefined, { api, server: { contextWindow: 4_000, refusal } });
    assert.equal(s.models.root.contextWindowKnown, false);
    const events: RlmEvent[] = [];
    await withSession(s, { models: s.models, context: { kind: 'text', text: 'abc' }, limits: { maxIterations: 20 } }, async (session) => {
      const result = await session.ask('Count.', { onEvent: (e) => events.push(e) });
      assert.equal(result.stopReason, 'final', result.detail);
      assert.equal(result.answer, '14');
      assert.ok(result.compactions >= 1);
    });
    const refused = s.server.requests.filter((r) => r.refused);
    assert.ok(refused.length >= 1, 'the server did refuse');
    const reasons = ends(events, 'compaction_start').map((e) => e.reason);
    assert.equal(reasons[0], 'refused');
    // Once the server said how long is too long, the history keeps under it.
    assert.ok(refused.length <= 2, `${refused.length} refusals`);
    const turnErrors = ends(events, 'turn_end').filter((e) => e.status === 'error');
    assert.equal(turnErrors.length, refused.length, 'each refused request ended its turn as an error, then the turn was asked again');
  });
}

test('compactWith sub: the sub-model writes the summary, and its cost counts as a sub-call\'s', async () => {
  const { script } = counter(8, 6_000);
  const subSummaries: FakeRequest[] = [];
  const s = await scripted(script, (req) => {
    subSummaries.push(req);
    return SUMMARY;
  }, { rootContextWindow: WINDOW });
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'abc' }, compactWith: 'sub' }, async (session) => {
    const result = await session.ask('Count.', { onEvent: (e) => events.push(e) });
    assert.equal(result.answer, '7');
    assert.ok(result.usage.sub.calls >= 1);
  });
  assert.ok(subSummaries.length >= 1);
  assert.match(subSummaries[0]!.messages.at(-1)!.content, /about to be compacted/);
  assert.equal(ends(events, 'compaction_start')[0]!.model, SUB);
});

test('a summary that cannot be written (the summarizer fails): the turns are dropped with a note, the run goes on', async () => {
  const { script } = counter(8, 6_000);
  const s = await scripted(script, () => ({ status: 500, text: 'summarizer down' }), { rootContextWindow: WINDOW, retries: 0 });
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'abc' }, compactWith: 'sub' }, async (session) => {
    const result = await session.ask('Count.', { onEvent: (e) => events.push(e) });
    assert.equal(result.stopReason, 'final', result.detail);
    assert.equal(result.answer, '7');
  });
  const end = ends(events, 'compaction_end')[0]!;
  assert.equal(end.status, 'error');
  assert.match(end.error!, /500/);
  const after = s.rootRequests().find((r) => /No summary of the earlier turns could be written/.test(r.messages[2]?.content ?? ''));
  assert.ok(after, 'the history says why there is no summary');
  assert.ok(s.rootRequests().every((r) => r.promptTokens <= Math.floor(WINDOW * COMPACT_AT)));
});

test('a window too small for the system prompt and the question: the run fails at once with what to do, and sends nothing', async () => {
  const s = await scripted([code('Never.', 'FINAL(1)')], undefined, { rootContextWindow: 1_000 });
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'abc' } }, async (session) => {
    const result = await session.ask('?');
    assert.equal(result.stopReason, 'error');
    assert.match(result.detail!, /the root model root-model has a window of 1,000 tokens, too small for the system prompt and the question .*--context-window, rlm\.contextWindow/);
    assert.equal(s.rootRequests().length, 0);
  });
});

test('a child run whose sub-model window is too small: the error names the sub-model\'s window setting', async () => {
  const s = await scripted(
    [code('Delegate.', 'try { await rlm_query("Count", {context: "abc"}) } catch (e) { print(e.message) }'), code('Done.', 'FINAL("no child")')],
    undefined,
    { subContextWindow: 1_000 },
  );
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'abc' }, limits: { maxDepth: 2 } }, async (session) => {
    assert.equal((await session.ask('?')).answer, 'no child');
    const seen = s.rootRequests()[1]!.messages.at(-1)!.content;
    assert.match(seen, /the sub-model sub-model has a window of 1,000 tokens, too small .*--sub-context-window, rlm\.subContextWindow/);
    assert.equal(s.subRequests().length, 0);
  });
});

test('child RLMs compact their own history, to their own model\'s window', async () => {
  const child = counter(8, 6_000);
  const s = await scripted(DELEGATE_COUNTING, child.reply, { subContextWindow: WINDOW });
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'abc' }, limits: { maxDepth: 2 } }, async (session) => {
    const result = await session.ask('Ask a child.', { onEvent: (e) => events.push(e) });
    assert.equal(result.answer, 'child said 7');
    assert.ok(result.compactions >= 1, 'the top-level result counts the child\'s compactions');
  });
  const childRun = ends(events, 'run_start').find((e) => e.depth === 1)!;
  const compaction = ends(events, 'compaction_start')[0]!;
  assert.equal(compaction.parentId, childRun.id);
  assert.equal(compaction.window, WINDOW);
  assert.ok(s.subRequests().every((r) => r.promptTokens <= Math.floor(WINDOW * COMPACT_AT)));
});

test('a tokenizer that counts twice our estimate: the engine scales its estimates from the reported usage, and no request goes over the window', async () => {
  const { script } = counter(14, 2_000);
  const s = await scripted(script, undefined, { rootContextWindow: WINDOW, server: { contextWindow: WINDOW, charsPerToken: 2 } });
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'abc' }, limits: { maxIterations: 20 } }, async (session) => {
    const result = await session.ask('Count.');
    assert.equal(result.stopReason, 'final', result.detail);
    assert.equal(result.answer, '13');
    assert.ok(result.compactions >= 2);
  });
  assert.ok(s.server.requests.every((r) => !r.refused), 'nothing was refused');
});

test('cancelled while the summary is being written: the run ends within a second, the compaction node ends cancelled', async () => {
  const { script } = counter(8, 6_000);
  const s = await scripted(script, () => ({ text: SUMMARY, delayMs: 10_000 }), { rootContextWindow: WINDOW });
  const events: RlmEvent[] = [];
  const controller = new AbortController();
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'abc' }, compactWith: 'sub' }, async (session) => {
    const asked = session.ask('Count.', { signal: controller.signal, onEvent: (e) => {
      events.push(e);
      if (e.type === 'compaction_start') setTimeout(() => controller.abort(), 100);
    } });
    const started = Date.now();
    const result = await asked;
    assert.equal(result.stopReason, 'cancelled');
    assert.ok(Date.now() - started < 10_000);
  });
  const end = ends(events, 'compaction_end')[0]!;
  assert.equal(end.status, 'cancelled');
  const tree = TrajectoryTree.from(events);
  const open = (nodes: typeof tree.roots): string[] => nodes.flatMap((n) => [...(n.status === 'running' || n.status === 'queued' ? [n.id] : []), ...open(n.children)]);
  assert.deepEqual(open(tree.roots), [], 'every node ended');
});

test('the summary\'s cost reaches the cost cap: the run stops with its best answer before another root call', async () => {
  const { script } = counter(8, 6_000);
  const s = await scripted(script, () => ({ text: SUMMARY, usage: { input: 7_000, output: 2_000_000 } }), { rootContextWindow: WINDOW });
  const prices = new PriceTable({ [SUB]: { input: 1, output: 1 } });
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'abc' }, compactWith: 'sub', limits: { maxCostUsd: 1 }, costOf: (m, u) => prices.costUsd(m, u) }, async (session) => {
    const before = () => s.rootRequests().length;
    const result = await session.ask('Count.');
    assert.equal(result.stopReason, 'max_cost');
    assert.match(result.detail!, /over its limit of \$1/);
    const summaryAt = s.server.requests.findIndex((r) => r.model === SUB);
    assert.equal(s.server.requests.slice(summaryAt + 1).filter((r) => r.model === ROOT).length, 0, `no root call after the summary (${before()} in all)`);
  });
});

test('the window: stated in a refusal, or a safe default for a model nobody knows', () => {
  assert.deepEqual(readRefusal("OpenAI refused the prompt as too long for m (400: This model's maximum context length is 8192 tokens. However, your messages resulted in 9,013 tokens.)"), { window: 8192, promptTokens: 9013 });
  assert.deepEqual(readRefusal('400: prompt is too long: 210000 tokens > 200000 maximum'), { window: 200_000, promptTokens: 210_000 });
  assert.deepEqual(readRefusal('request (9000 tokens) exceeds the available context size (8192 tokens)'), { window: 8192, promptTokens: 9000 });
  assert.deepEqual(readRefusal('the request exceeds the available context size, try increasing it'), { window: undefined, promptTokens: undefined });
  const model = (contextWindow: number, contextWindowKnown?: boolean) => ({ provider: 'x', name: 'm', contextWindow, contextWindowKnown, complete: async () => { throw new Error('unused'); } });
  assert.equal(rootWindow(model(128_000, false)), UNKNOWN_WINDOW);
  assert.equal(rootWindow(model(8_000, false)), 8_000);
  assert.equal(rootWindow(model(400_000, true)), 400_000);
  assert.equal(rootWindow(model(64_000)), 64_000, 'a provider that says nothing is taken at its word');
});

test('a compaction\'s summary is a request like any other: on a model without a price it counts against the request cap', async () => {
  const noPrices = () => undefined;
  const run = async (maxRequests: number) => {
    const { script, summaryRequests } = counter(12, 6_000);
    const s = await scripted(script, undefined, { rootContextWindow: WINDOW });
    const events: RlmEvent[] = [];
    let result: RunResult | undefined;
    await withSession(s, { models: s.models, context: { kind: 'text', text: 'abc' }, limits: { maxIterations: 20, maxRequests }, costOf: noPrices }, async (session) => {
      result = await session.ask('Count to eleven.', { onEvent: (e) => events.push(e) });
    });
    return { result: result!, sent: s.rootRequests().length, summaries: summaryRequests.length, events };
  };
  const free = await run(1_000);
  assert.equal(free.result.stopReason, 'final', free.result.detail);
  assert.ok(free.summaries >= 1);
  // One request fewer than the whole run needs, summaries included: the cap stops it, and nothing goes out past it.
  const capped = await run(free.sent - 1);
  assert.equal(capped.result.stopReason, 'max_requests', capped.result.detail);
  assert.equal(capped.sent, free.sent - 1, 'every request counted, the summaries too');
  const started = new Set(capped.events.filter((e) => e.type === 'compaction_start' || e.type === 'turn_start').map((e) => (e as { id: string }).id));
  const ended = new Set(capped.events.filter((e) => e.type === 'compaction_end' || e.type === 'turn_end').map((e) => (e as { id: string }).id));
  assert.deepEqual([...started].filter((id) => !ended.has(id)), [], 'every node that started ended');
});
