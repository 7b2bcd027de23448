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

test('each partition\'s descriptions carry its label once, however many partitions are folded in after it', async () => {
  const edits = new RunEdits(base, undefined, new Trajectory({}));
  const partition = async (name: string, path: string) => {
    const changes = new RunEdits(base, undefined, new Trajectory({}));
    await changes.propose('c1', 10, (c) => c.proposeEdit(path, `// ${name}\n`, `${name} wrote ${path}`));
    return changes.changes;
  };
  assert.equal(await edits.partitionReturned(1, 'first', 'one', await partition('first', 'one.ts')), '[edits: 1 file proposed by this partition merged into your proposals.]');
  await edits.partitionReturned(2, 'second', 'two', await partition('second', 'two.ts'));
  await edits.partitionReturned(3, 'third', 'three', await partition('third', 'three.ts'));
  assert.deepEqual(edits.result().changes.files().map((f) => f.descriptions), [['[first] first wrote one.ts'], ['[third] third wrote three.ts'], ['[second] second wrote two.ts']]);
});
