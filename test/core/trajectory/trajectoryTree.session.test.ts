// The tree over a real run (QuickJS sandbox, official SDK over HTTP to the fake server), folded live as the
// events arrive: what it rolls up must be what the run reports, and nothing may be left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { Trajectory } from '../../../src/core/trajectory/Trajectory';
import { TraceSession } from '../../../src/core/trajectory/TraceSession';
import { TrajectoryTree, type TreeNode } from '../../../src/core/trajectory/TrajectoryTree';
import { code, scripted, SUB, withSession } from '../../support/scriptedModels';

test('folded live, a run with a batch, a failing sub-call and a child run adds up to what the run reports', async () => {
  let childTurns = 0;
  const s = await scripted(
    [
      code('Fan out, then delegate.', [
        'const parts = await llm_query_batched(["alpha", "beta", "please fail", "delta"]);',
        'const deeper = await rlm_query("Add 2 and 3", {context: "2 3"});',
        'print(parts.length, deeper);',
      ].join('\n')),
      code('Done.', 'FINAL("ok")'),
    ],
    (req) => {
      const prompt = req.messages.at(-1)!.content;
      if (req.model === SUB && /Your task comes from a parent/.test(req.messages[0]!.content)) {
        return childTurns++ === 0 ? code('Child looks.', 'const n = context.split(" ").map(Number);') : code('Child answers.', 'FINAL(n[0] + n[1])');
      }
      if (prompt.includes('please fail')) return { status: 400, text: 'bad request' };
      return `summary of ${prompt.slice(0, 10)}`;
    },
  );
  const tree = new TrajectoryTree();
  const folded: RlmEvent[] = [];
  const unchanged: string[] = [];
  const session = new TraceSession();
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'some text' }, limits: { maxDepth: 2 } }, async (rlm) => {
    const result = await rlm.ask('What is in it?', {
      trajectory: new Trajectory({ session }),
      onEvent: (e) => {
        folded.push(e);
        // Listeners' exceptions are swallowed (a UI must not break a run): note, then assert after.
        if (tree.apply(e).length === 0) unchanged.push(e.type);
      },
    });
    assert.deepEqual(unchanged, [], 'every event changed something to redraw');
    assert.equal(result.stopReason, 'final');
    const [root] = tree.roots;
    assert.equal(tree.roots.length, 1);
    assert.equal(root!.status, 'done');
    assert.equal(root!.total.inputTokens, result.usage.total.inputTokens);
    assert.equal(root!.total.outputTokens, result.usage.total.outputTokens);
    assert.ok(Math.abs(root!.total.costUsd - result.usage.total.costUsd) < 1e-9);
    assert.equal(root!.total.subCalls, result.subCalls, 'sub-call nodes and child runs, as the budget counts them');
    assert.equal(root!.total.errors, 1, 'the failed batch slot');
    const all: TreeNode[] = [];
    const walk = (n: TreeNode) => {
      all.push(n);
      n.children.forEach(walk);
    };
    walk(root!);
    assert.deepEqual(all.filter((n) => n.endTime === undefined).map((n) => n.id), [], 'every node that started ended');
    const child = all.find((n) => n.kind === 'run' && n.depth === 1)!;
    assert.equal(child.output, '5');
    assert.equal(tree.get(child.parentId!)!.kind, 'cell');
    const batch = all.filter((n) => n.kind === 'subcall' && n.fn === 'llm_query_batched');
    assert.equal(batch.length, 4);
    assert.deepEqual(batch.map((n) => n.status).sort(), ['done', 'done', 'done', 'error']);
    assert.deepEqual(tree.anomalies, { unknownTypes: {}, malformed: 0, unknownNode: 0, repeated: 0, late: 0, orphans: 0 });
    assert.deepEqual(TrajectoryTree.from(folded).roots, tree.roots, 'live and replayed folds agree');
  });
});
