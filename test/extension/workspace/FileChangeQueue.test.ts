// File events reach the index once per path per burst, in batches applied one at a time; and the tree of a big
// run goes to a page in slices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { WorkspaceIndex } from '../../../src/core/workspace/WorkspaceIndex';
import { treeMessages } from '../../../src/extension/treeMessages';
import { FileChangeQueue } from '../../../src/extension/workspace/FileChangeQueue';

test('a burst of events becomes one batch, one entry per path, with the kinds combined', async () => {
  const batches: Array<Array<{ path: string; kind: string }>> = [];
  const queue = new FileChangeQueue(async (b) => batches.push(b), (e) => assert.fail(String(e)), 20);
  queue.add('a.ts', 'created');
  queue.add('a.ts', 'changed');
  queue.add('b.ts', 'deleted');
  queue.add('b.ts', 'created');
  queue.add('c.ts', 'changed');
  queue.add('c.ts', 'deleted');
  queue.add('.git/objects/ab/cdef', 'created');
  queue.add('.git/index', 'changed');
  const started = Date.now();
  while (batches.length === 0 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(batches, [[{ path: 'a.ts', kind: 'created' }, { path: 'b.ts', kind: 'changed' }, { path: 'c.ts', kind: 'deleted' }]]);
});

test('batches are applied one after another; a failing batch is reported and the next still applies', async () => {
  let running = 0;
  let most = 0;
  const applied: string[] = [];
  const errors: unknown[] = [];
  const queue = new FileChangeQueue(async (b) => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 20));
    running--;
    if (b[0]!.path === 'bad') throw new Error('index broke');
    applied.push(b[0]!.path);
  }, (e) => errors.push(e), 5);
  queue.add('one', 'changed');
  void queue.flush();
  queue.add('bad', 'changed');
  void queue.flush();
  queue.add('two', 'changed');
  await queue.flush();
  assert.equal(most, 1);
  assert.deepEqual(applied, ['one', 'two']);
  assert.equal((errors[0] as Error).message, 'index broke');
});

test('the editor\'s events keep a real index current', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-changes-'));
  writeFileSync(join(dir, 'a.ts'), 'export const a = 1;\n');
  const index = await WorkspaceIndex.openAsync(dir);
  const queue = new FileChangeQueue((batch) => index.applyChangesAsync(batch), (e) => assert.fail(String(e)), 10);
  writeFileSync(join(dir, 'b.ts'), 'export const b = 2;\n');
  queue.add('b.ts', 'created');
  rmSync(join(dir, 'a.ts'));
  queue.add('a.ts', 'deleted');
  await queue.flush();
  assert.deepEqual(index.list().map((f) => f.path), ['b.ts']);
  queue.dispose();
  queue.add('c.ts', 'created');
  await queue.flush();
  assert.deepEqual(index.list().map((f) => f.path), ['b.ts'], 'nothing after dispose');
});

test('a tree goes as one reset and slices of events', () => {
  const events = Array.from({ length: 4500 }, (_, i) => ({ type: 'model_text', time: i, parentId: 'x', delta: 'a' }) as RlmEvent);
  const messages = treeMessages({ title: 't', events, live: false, source: { file: 'f', receipt: 'valid', skipped: {} } });
  assert.deepEqual(messages.map((m) => [m.type, m.events.length]), [['tree/reset', 2000], ['tree/events', 2000], ['tree/events', 500]]);
  assert.deepEqual(messages.flatMap((m) => m.events), events);
  assert.deepEqual(treeMessages({ title: 'empty', events: [], live: false, error: 'not a trace' }), [{ type: 'tree/reset', title: 'empty', events: [], live: false, error: 'not a trace' }]);
});
