// The extension calls integrate(), toPatch() and pending() on its host thread: they must yield between files.
// 2,000 files, each changed by two partitions, take well over a second of CPU in all; no stretch of it may hold
// the event loop longer than the tests' stall limit (a bound for a shared machine; bench/edits.ts holds 50 ms).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeSet } from '../../../src/core/edits/ChangeSet';
import { integrate } from '../../../src/core/edits/integrate';
import { toPatch } from '../../../src/core/edits/patch';
import { HOST_STALL_LIMIT_MS, watchingTheEventLoop } from '../../support/eventLoop';

test('integrate, toPatch and pending yield to the event loop between files', { timeout: 120_000 }, async () => {
  const base = new Map<string, string>();
  for (let f = 0; f < 2_000; f++) base.set(`src/f${f}.ts`, Array.from({ length: 120 }, (_, i) => `export const v${f}_${i} = ${i};\n`).join(''));
  const read = async (p: string) => base.get(p);
  const a = new ChangeSet(read);
  const b = new ChangeSet(read);
  for (const [path, text] of base) {
    await a.proposeEdit(path, text.replace(/= 10;/, '= 1000;'));
    await b.proposeEdit(path, text.replace(/= 100;/, '= 100000;'));
  }
  const { value, took, longestGapMs } = await watchingTheEventLoop(async () => {
    const result = await integrate({ read, partitions: [{ partition: 'a', changes: a }, { partition: 'b', changes: b }] });
    const patch = await toPatch(result.changes);
    const pending = await result.changes.pending();
    return { result, patch, pending };
  });
  assert.equal(value.result.changes.size, 2_000);
  assert.equal(value.pending.length, 2_000);
  assert.equal((value.patch.match(/^diff --git/gm) ?? []).length, 2_000);
  assert.ok(longestGapMs < HOST_STALL_LIMIT_MS, `the event loop waited ${longestGapMs.toFixed(0)} ms (the whole took ${took} ms)`);
});
