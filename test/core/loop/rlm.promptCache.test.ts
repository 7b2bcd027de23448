// Prompt caching pays only when every root request begins with the previous request, byte for byte: nothing
// that changes per turn (counters, time) may live before the newest message. Checked on the wire, through the
// official SDKs, over a 10-turn run that meets every kind of turn (output, an error, no code, sub-calls) and ends
// with the last call for an answer after the iterations ran out. Then the cache itself: root requests are marked
// for it, the provider's cache hits are read, priced at the cached rate, and the savings reported; and the same
// figures for sub-calls, apart from the root's, in their nodes, the run's usage and the trace.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PriceTable } from '../../../src/core/models/pricing';
import type { Usage } from '../../../src/core/models/types';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { TrajectoryTree } from '../../../src/core/trajectory/TrajectoryTree';
import type { FakeRequest } from '../../fakes/FakeModelServer';
import { code, ROOT, scripted, SUB, withSession } from '../../support/scriptedModels';

const TURNS = [
  code('Look at the size.', 'print(context.length)'),
  code('Split it.', 'const parts = context.split("\\n");\nprint(parts.length)'),
  'Let me think about this without code.',
  code('Ask a sub-model.', 'const a = await llm_query("What is in: " + parts[0]);\nprint(a)'),
  code('A mistake.', 'throw new Error("oops")'),
  code('Batch.', 'const many = await llm_query_batched(parts.slice(0, 3));\nprint(many.length)'),
  code('More.', 'print(parts.slice(0, 2).join("|"))'),
  code('Two cells.', 'const x = 1', 'print(x + 1)'),
  code('Almost.', 'print("nearly")'),
  code('Still going.', 'print("ten")'),
  'FINAL(the best I have)',
];

/** Each request's messages start with the previous request's, exactly (role and text). */
function assertPrefixStable(requests: FakeRequest[]): void {
  for (let i = 1; i < requests.length; i++) {
    const before = requests[i - 1]!.messages;
    const now = requests[i]!.messages;
    assert.ok(now.length > before.length, `request ${i + 1} has no more messages than request ${i}`);
    for (const [k, m] of before.entries()) {
      assert.deepEqual(now[k], m, `request ${i + 1}, message ${k + 1} differs from what request ${i} sent`);
    }
  }
}

for (const api of ['openai', 'anthropic'] as const) {
  test(`${api}: over 10 turns and the last call, every root request begins with the previous one, byte for byte`, async () => {
    const s = await scripted(TURNS, undefined, { api });
    await withSession(s, { models: s.models, context: { kind: 'text', text: 'alpha\nbeta\ngamma\ndelta' }, limits: { maxIterations: 10 } }, async (session) => {
      const result = await session.ask('What is in the context?');
      assert.equal(result.stopReason, 'max_iterations');
      assert.equal(result.answer, 'the best I have');
      const requests = s.rootRequests();
      assert.equal(requests.length, 11, 'ten turns and the last call');
      assertPrefixStable(requests);
      // The per-turn counter lives only in the newest message.
      assert.match(requests[5]!.messages.at(-1)!.content, /Turn 5 of 10 done/);
      assert.match(requests[10]!.messages.at(-1)!.content, /The run stopped because the run used all 10 iterations/);
    });
  });
}

test('a second question in the same session begins with the same system prompt', async () => {
  const s = await scripted([code('One.', 'FINAL(1)'), code('Two.', 'FINAL(2)')]);
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' } }, async (session) => {
    await session.ask('First?');
    await session.ask('Second?');
    const [first, second] = s.rootRequests();
    assert.deepEqual(second!.messages[0], first!.messages[0]);
  });
});

// GPT-5 and GPT-5 mini list prices (cached input a tenth of the input price), and Claude Sonnet's for Anthropic.
const PRICES = {
  openai: new PriceTable({ [ROOT]: { input: 1.25, cachedInput: 0.125, output: 10 }, [SUB]: { input: 0.25, cachedInput: 0.025, output: 2 } }),
  anthropic: new PriceTable({ [ROOT]: { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 }, [SUB]: { input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 5 } }),
};

for (const api of ['openai', 'anthropic'] as const) {
  test(`${api}: root requests are marked for the prompt cache, its hits are read, billed at the cached rate, and the savings reported`, async () => {
    const s = await scripted(TURNS.slice(0, 6).concat(code('Done.', 'FINAL("done")')), undefined, { api, server: { promptCache: true } });
    const prices = PRICES[api];
    const events: RlmEvent[] = [];
    await withSession(s, { models: s.models, context: { kind: 'text', text: 'alpha\nbeta\ngamma\ndelta' }, costOf: (m, u) => prices.costUsd(m, u) }, async (session) => {
      const result = await session.ask('What is in the context?', { onEvent: (e) => events.push(e) });
      assert.equal(result.stopReason, 'final');
      const turns = events.filter((e): e is Extract<RlmEvent, { type: 'turn_end' }> => e.type === 'turn_end');
      assert.equal(turns.length, 7);
      for (const [i, turn] of turns.entries()) {
        assert.equal(turn.costUsd, prices.costUsd(ROOT, turn.usage), `turn ${i + 1} is billed with its cached tokens at their price`);
        if (i > 0) assert.ok((turn.usage.cachedInputTokens ?? 0) > 1_024, `turn ${i + 1} read ${turn.usage.cachedInputTokens} cached tokens`);
        if (i > 0) assert.ok(turn.savedUsd! > 0, `turn ${i + 1} says what the cache saved`);
      }
      const root = result.usage.root;
      assert.equal(root.cachedInputTokens, turns.reduce((n, t) => n + (t.usage.cachedInputTokens ?? 0), 0));
      const list = turns.reduce((n, t) => n + prices.costUsd(ROOT, { ...t.usage, cachedInputTokens: 0, cacheWriteTokens: 0 })!, 0);
      assert.ok(Math.abs(root.costUsd + root.savedUsd! - list) < 1e-12, 'billed + saved = the list price');
      assert.ok(root.costUsd < 0.6 * list, `billed ${root.costUsd} of ${list} at list prices`);
      if (api === 'anthropic') assert.ok(root.cacheWriteTokens! > 0, 'Anthropic reports its cache writes');
    });
    const roots = s.rootRequests();
    const subs = s.subRequests();
    assert.ok(subs.length > 0);
    if (api === 'openai') {
      const keys = new Set(roots.map((r) => r.body.prompt_cache_key));
      assert.equal(keys.size, 1, 'one prompt_cache_key for the run');
      assert.match([...keys][0], /^rlm-s[0-9a-f]+-d0$/);
      assert.ok(subs.every((r) => !('prompt_cache_key' in r.body)), 'sub-calls are not marked');
    } else {
      for (const r of roots) {
        assert.equal(r.body.system[0].cache_control.type, 'ephemeral');
        assert.equal(r.body.messages.at(-1).content[0].cache_control.type, 'ephemeral');
      }
      assert.ok(subs.every((r) => !JSON.stringify(r.body).includes('cache_control')), 'sub-calls write nothing to the cache (a write costs 25% more)');
    }
  });
}

// What the sub-model's server reports for every sub-call, in its own wire format (OpenAI's
// prompt_tokens_details.cached_tokens; Anthropic's cache_read_input_tokens and cache_creation_input_tokens).
const SUB_USAGE = {
  openai: { input: 3_000, output: 40, cachedInput: 2_048 },
  anthropic: { input: 3_000, output: 40, cachedInput: 2_048, cacheWrite: 512 },
};

for (const api of ['openai', 'anthropic'] as const) {
  test(`${api}: sub-calls' cached tokens are reported apart from the root's, billed at the cached rate, with the savings, in the nodes, the usage and the trace`, async () => {
    const s = await scripted(
      [
        code('Ask one.', 'const a = await llm_query("What is in: alpha");\nprint(a)'),
        code('Batch.', 'const many = await llm_query_batched(["beta", "gamma"]);\nprint(many.length)'),
        code('Done.', 'FINAL("done")'),
      ],
      (req) => ({ text: `about ${req.messages.at(-1)!.content.slice(-5)}`, usage: SUB_USAGE[api] }),
      { api },
    );
    const prices = PRICES[api];
    const events: RlmEvent[] = [];
    const tree = new TrajectoryTree();
    const options = { models: s.models, context: { kind: 'text', text: 'alpha' } as const, costOf: (m: string, u: Usage) => prices.costUsd(m, u) };
    const result = await withSession(s, options, (session) => session.ask('What is in the context?', {
      onEvent: (e) => {
        events.push(e);
        tree.apply(e);
      },
    }));
    assert.equal(result.stopReason, 'final');

    const ends = events.filter((e): e is Extract<RlmEvent, { type: 'subcall_end' }> => e.type === 'subcall_end');
    assert.deepEqual(events.filter((e) => e.type === 'subcall_start').map((e) => 'fn' in e && e.fn), ['llm_query', 'llm_query_batched', 'llm_query_batched']);
    assert.equal(ends.length, 3);
    const read = SUB_USAGE[api].cachedInput;
    const written = api === 'anthropic' ? SUB_USAGE.anthropic.cacheWrite : undefined;
    const list = prices.costUsd(SUB, { inputTokens: 3_000, outputTokens: 40 })!;
    const billed = prices.costUsd(SUB, { inputTokens: 3_000, outputTokens: 40, cachedInputTokens: read, cacheWriteTokens: written })!;
    assert.ok(billed < list, `billed ${billed} below the list price ${list}`);
    for (const end of ends) {
      const usage = { inputTokens: 3_000, outputTokens: 40, estimated: false, cachedInputTokens: read, ...(written ? { cacheWriteTokens: written } : {}) };
      assert.deepEqual(end.usage, usage, `${end.id}: the trace event carries the cached tokens apart`);
      assert.equal(end.costUsd, billed, `${end.id}: billed with the cached discount`);
      assert.ok(Math.abs(end.savedUsd! - (list - billed)) < 1e-15, `${end.id}: says what the cache saved`);
      const node = tree.get(end.id)!;
      assert.equal(node.own.cachedInputTokens, read, `${end.id}: the node shows its cached tokens`);
      assert.equal(node.own.costUsd, billed);
      assert.ok(Math.abs(node.own.savedUsd - (list - billed)) < 1e-15);
    }

    const { root, sub, total } = result.usage;
    assert.equal(sub.calls, 3);
    assert.equal(sub.cachedInputTokens, 3 * read, 'the run reports sub-calls\' cached tokens');
    assert.equal(sub.cacheWriteTokens, written && 3 * written);
    assert.ok(Math.abs(sub.costUsd - 3 * billed) < 1e-15);
    assert.ok(Math.abs(sub.savedUsd! - 3 * (list - billed)) < 1e-15);
    assert.equal(root.cachedInputTokens, undefined, 'the root read nothing from the cache: the sub-calls\' tokens stay apart');
    assert.equal(total.cachedInputTokens, 3 * read);
    const [run] = tree.roots;
    assert.equal(run!.total.cachedInputTokens, 3 * read);
    assert.ok(Math.abs(run!.total.savedUsd - sub.savedUsd!) < 1e-15, 'the tree rolls the savings up to the run');
  });
}
