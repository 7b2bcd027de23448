// A reasoning model can spend its output budget thinking, so its reply stops in the middle of a code block (the
// paper's "token starvation"). The loop reads the finish reason: a cut reply runs nothing, not even its complete
// blocks, the model is told where it was cut, and the trace records it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { TrajectoryTree } from '../../../src/core/trajectory/TrajectoryTree';
import { code, scripted, withSession } from '../../support/scriptedModels';

const HALF_WRITTEN = 'Let me set up.\n\n```repl\nconst x = 1;\nprint("ran")\n```\n\nNow the scan:\n\n```repl\nconst hits = context.split("\\n").filter((l) =>';

for (const [api, finishReason] of [['openai', 'length'], ['anthropic', 'max_tokens']] as const) {
  test(`${api}: a reply cut at the output limit (${finishReason}) runs none of its code; the model is told, the trace records it`, async () => {
    const s = await scripted([
      { text: HALF_WRITTEN, finishReason, usage: { input: 900, output: 4096, reasoning: 3900 } },
      (req) => {
        const last = req.messages.at(-1)!.content;
        assert.match(last, /Your reply was cut off at 4,096 output tokens \(the output limit, 3,900 of them thinking\), so none of its code ran/);
        assert.doesNotMatch(last, /had no ```repl block/);
        return code('Shorter.', 'print(typeof x)');
      },
      (req) => {
        assert.match(req.messages.at(-1)!.content, /\[cell 1 output\]\nundefined/, 'the complete block of the cut reply never ran');
        return code('Done.', 'FINAL("ok")');
      },
    ], undefined, { api });
    const events: RlmEvent[] = [];
    await withSession(s, { models: s.models, context: { kind: 'text', text: 'a\nb' } }, async (session) => {
      const result = await session.ask('?', { onEvent: (e) => events.push(e) });
      assert.equal(result.stopReason, 'final');
      assert.equal(result.answer, 'ok');
      assert.equal(result.usage.root.reasoningTokens, 3900, 'thinking tokens are reported apart');
    });
    const turns = events.filter((e): e is Extract<RlmEvent, { type: 'turn_end' }> => e.type === 'turn_end');
    assert.equal(turns[0]!.cut, true);
    assert.equal(turns[0]!.finishReason, finishReason);
    assert.equal(turns[0]!.usage.reasoningTokens, 3900);
    assert.equal(turns[1]!.cut, undefined);
    const firstTurn = turns[0]!.id;
    assert.ok(!events.some((e) => e.type === 'cell_start' && e.parentId === firstTurn), 'no cell started under the cut turn');
    const tree = TrajectoryTree.from(events);
    assert.equal(tree.get(firstTurn)!.label, 'turn 1 (cut at the output limit)');
  });
}

test('a model that is cut every time: the run ends after maxConsecutiveErrors turns, with a clear reason', async () => {
  const cut = { text: HALF_WRITTEN, finishReason: 'length', usage: { input: 100, output: 50 } };
  const s = await scripted([cut, cut, cut]);
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' }, limits: { maxConsecutiveErrors: 3 } }, async (session) => {
    const result = await session.ask('?');
    assert.equal(result.stopReason, 'error');
    assert.match(result.detail!, /3 turns in a row produced no working code/);
    assert.equal(s.rootRequests().length, 3);
  });
});
