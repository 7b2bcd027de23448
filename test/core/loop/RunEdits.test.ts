// RunEdits on its own: the caps that keep model code in a loop from growing a run's proposals without bound
// (the host holds them in memory), and a failed proposal that neither counts nor emits an event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunEdits } from '../../../src/core/loop/RunEdits';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { Trajectory } from '../../../src/core/trajectory/Trajectory';

const base = async (path: string) => (path === 'a.ts' ? 'const a = 1;\n' : undefined);

test('proposals stop at the caps with a message saying what to do; failed ones do not count', async () => {
  const trajectory = new Trajectory({});
  const events: RlmEvent[] = [];
  trajectory.on((e) => events.push(e));
  const edits = new RunEdits(base, undefined, trajectory, new Set(), { proposals: 3, chars: 40 });
  await assert.rejects(edits.propose('c1', 5, (c) => c.proposeEdit('a.ts', [{ find: 'missing', replace: 'x' }])), /missing/);
  await edits.propose('c1', 12, (c) => c.proposeEdit('a.ts', 'const a = 2;\n'));
  await edits.propose('c1', 12, (c) => c.proposeEdit('b.ts', 'const b = 2;\n'));
  await assert.rejects(edits.propose('c1', 20, (c) => c.proposeEdit('c.ts', 'x'.repeat(20))), /over 0 MB of text, the most one run may propose: finish \(FINAL\)/);
  await edits.propose('c1', 0, (c) => c.proposeDelete('b.ts'));
  await assert.rejects(edits.propose('c1', 0, (c) => c.proposeRename('a.ts', 'z.ts')), /made 3 proposals, the most one run may make/);
  assert.deepEqual(events.filter((e) => e.type === 'edit_proposed').map((e) => (e as { path: string }).path), ['a.ts', 'b.ts', 'b.ts']);
  assert.equal(await edits.changes.textOf('a.ts'), 'const a = 2;\n');
  assert.equal(await edits.changes.textOf('c.ts'), undefined);
});
