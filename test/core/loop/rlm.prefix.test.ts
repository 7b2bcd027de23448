// Prompt caching pays only when every root request begins with the previous request, byte for byte: nothing
// that changes per turn (counters, time) may live before the newest message. Checked on the wire, through the
// official SDKs, over a 10-turn run that meets every kind of turn (output, an error, no code, sub-calls) and ends
// with the last call for an answer after the iterations ran out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeRequest } from '../../fakes/FakeModelServer';
import { code, scripted, withSession } from '../../support/scriptedModels';

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
