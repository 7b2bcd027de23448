// The request cap (limits.maxRequests): requests to models without a known price (the editor's models, a model
// missing from the price table) are counted like cost, child runs and every slot of a batch included, and
// reaching the cap stops the run with its best answer, every node ended, as the cost cap does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CostOf } from '../../../src/core/loop/Budget';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { TrajectoryTree } from '../../../src/core/trajectory/TrajectoryTree';
import { code, ROOT, scripted, withSession } from '../../support/scriptedModels';

/** Neither model has a price: every request counts against the cap. */
const noPrices: CostOf = () => undefined;

/** Every node that started also ended, and nothing is left running in the tree. */
function assertAllEnded(events: RlmEvent[]): void {
  const started = new Set<string>();
  const ended = new Set<string>();
  for (const e of events) {
    if (e.type.endsWith('_start') && 'id' in e) started.add(e.id);
    if (e.type.endsWith('_end') && 'id' in e) ended.add(e.id);
  }
  assert.deepEqual([...started].filter((id) => !ended.has(id)), [], 'every started node ended');
  const tree = TrajectoryTree.from(events);
  const open: string[] = [];
  const walk = (nodes: ReturnType<typeof TrajectoryTree.prototype.get>[]) => {
    for (const n of nodes) {
      if (!n) continue;
      if (n.status === 'running' || n.status === 'queued') open.push(n.id);
      walk(n.children);
    }
  };
  walk(tree.roots);
  assert.deepEqual(open, []);
}

test('the cap is reached mid-batch: the rest of the batch is refused, the run stops with its best answer', async () => {
  const s = await scripted(
    [
      code('A first guess: FINAL("the retry delay doubles") . Now check all ten files.',
        'const r = await llm_query_batched(Array.from({length: 10}, (_, i) => "file " + i));\nprint(JSON.stringify(r));'),
      code('Never asked: the cap stops the run first.', 'FINAL("unreachable")'),
    ],
    async () => {
      await new Promise((r) => setTimeout(r, 20));
      return 'looked';
    },
  );
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' }, limits: { maxRequests: 6, concurrency: 2 }, costOf: noPrices }, async (session) => {
    const result = await session.ask('How is the delay chosen?', { onEvent: (e) => events.push(e) });
    assert.equal(result.stopReason, 'max_requests');
    assert.equal(result.detail, 'the run reached its limit of 6 requests to models without a known price');
    assert.equal(result.answer, 'the retry delay doubles', 'the best answer the run had');
  });
  assert.equal(s.rootRequests().length, 1, 'no root turn after the cap');
  assert.equal(s.subRequests().length, 5, 'one root request and five sub-calls make six; the other five slots never went out');
  const ends = events.filter((e): e is Extract<RlmEvent, { type: 'subcall_end' }> => e.type === 'subcall_end');
  assert.equal(ends.length, 10);
  assert.deepEqual(ends.map((e) => e.status).sort(), [...Array(5).fill('cancelled'), ...Array(5).fill('done')]);
  assert.ok(ends.filter((e) => e.status === 'cancelled').every((e) => /sub-call refused: the run reached its limit of 6 requests/.test(e.error ?? '')));
  assert.ok(ends.filter((e) => e.status === 'done').every((e) => e.unpriced === true && e.costUsd === 0), 'sent calls say their cost is unknown');
  assert.ok(ends.filter((e) => e.status === 'cancelled').every((e) => e.unpriced === undefined), 'a call never sent cost nothing');
  const end = events.find((e): e is Extract<RlmEvent, { type: 'run_end' }> => e.type === 'run_end')!;
  assert.equal(end.usage.total.unpriced, 6);
  assert.equal(end.usage.total.costUsd, 0);
  const start = events.find((e): e is Extract<RlmEvent, { type: 'run_start' }> => e.type === 'run_start')!;
  assert.equal(start.limits?.maxRequests, 6);
  assert.deepEqual(events.filter((e) => e.type === 'limit').map((e) => (e as { reason: string }).reason), ['max_requests']);
  assertAllEnded(events);
  assert.equal(TrajectoryTree.from(events).roots[0]!.total.unpriced, 6, 'the tree counts the calls it cannot price');
});

test('child runs count their own requests: the cap stops a child mid-way, then its parent', async () => {
  const s = await scripted(
    [
      code('FINAL("partial: config is parsed in two places") . Ask a child for the rest.',
        'const part = await rlm_query("Find where the config is parsed.", {context: "cfg"});\nprint(part);'),
      code('Never asked.', 'FINAL("unreachable")'),
    ],
    (req) => {
      // The child's root is the sub-model; its code makes one more request (llm_query), then the cap is reached.
      const turns = req.messages.filter((m) => m.role === 'assistant').length;
      if (req.messages.length === 1) return 'a sub answer';
      return turns === 0 ? code('Child: ask once.', 'print(await llm_query("where?"))') : code('Child: done.', 'FINAL("in src/config.ts")');
    },
  );
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' }, limits: { maxDepth: 2, maxRequests: 3 }, costOf: noPrices }, async (session) => {
    const result = await session.ask('Where is the config parsed?', { onEvent: (e) => events.push(e) });
    assert.equal(result.stopReason, 'max_requests');
    assert.equal(result.answer, 'partial: config is parsed in two places');
    assert.equal(result.subCalls, 2, 'the child run and its llm_query');
  });
  assert.equal(s.rootRequests().length, 1);
  assert.equal(s.subRequests().length, 2, "the child's first turn and its llm_query; its second turn was refused before it started");
  const runEnds = events.filter((e): e is Extract<RlmEvent, { type: 'run_end' }> => e.type === 'run_end');
  assert.deepEqual(runEnds.map((e) => [e.parentId ? 'child' : 'root', e.stopReason]), [['child', 'max_requests'], ['root', 'max_requests']]);
  assert.equal(events.filter((e) => e.type === 'turn_start').length, 2, 'a refused turn never starts');
  assertAllEnded(events);
});

test('a priced root model is left to the cost cap: only the unpriced sub-model\'s requests count', async () => {
  const s = await scripted(
    [
      code('Ask three times.', 'for (const q of ["a", "b", "c"]) print(await llm_query(q));'),
      code('And once more.', 'print(await llm_query("d"))'),
      code('Done.', 'FINAL("four answers")'),
    ],
    () => 'ok',
  );
  const events: RlmEvent[] = [];
  const costOf: CostOf = (model, usage) => (model === ROOT ? usage.inputTokens * 1e-6 : undefined);
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' }, limits: { maxRequests: 4 }, costOf }, async (session) => {
    const result = await session.ask('?', { onEvent: (e) => events.push(e) });
    assert.equal(result.stopReason, 'final', 'three root turns and four sub-calls: only the four count');
    assert.equal(result.answer, 'four answers');
    assert.equal(result.usage.total.unpriced, 4);
    assert.ok(result.usage.root.costUsd > 0);
    assert.equal(result.usage.root.unpriced, undefined);
  });
  const turnEnds = events.filter((e): e is Extract<RlmEvent, { type: 'turn_end' }> => e.type === 'turn_end');
  assert.ok(turnEnds.every((e) => e.unpriced === undefined && e.costUsd > 0));
  assertAllEnded(events);
});
