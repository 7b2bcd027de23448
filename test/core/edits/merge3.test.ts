// merge3 beyond the golden fixtures: line ranges of conflicts, the shortcuts, files too large for node-diff3's
// quadratic LCS (split at sync points), sides rewritten wholesale.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { merge3 } from '../../../src/core/edits/merge3';

const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('');

describe('merge3', () => {
  test('a conflict carries base, ours, theirs and where the kept side sits, 1-based', () => {
    const base = 'a\nb\nc\nd\ne\n';
    const r = merge3(base, 'a\nb\nC1\nC2\nd\ne\n', 'x\nb\nc!\nd\ne\n');
    assert.equal(r.clean, false);
    if (r.clean) return;
    assert.equal(r.text, 'x\nb\nC1\nC2\nd\ne\n', 'the clean hunk (line 1) merged, the conflict keeps ours');
    assert.deepEqual(r.conflicts, [{
      base: { start: 3, lines: 1, text: 'c\n' },
      ours: { start: 3, lines: 2, text: 'C1\nC2\n' },
      theirs: { start: 3, lines: 1, text: 'c!\n' },
      merged: { start: 3, lines: 2, text: 'C1\nC2\n' },
    }]);
  });

  test('shortcuts: one side unchanged, both the same', () => {
    assert.deepEqual(merge3('a\n', 'a\n', 'b\n'), { clean: true, text: 'b\n' });
    assert.deepEqual(merge3('a\n', 'b\n', 'a\n'), { clean: true, text: 'b\n' });
    assert.deepEqual(merge3('a\n', 'b\n', 'b\n'), { clean: true, text: 'b\n' });
    assert.deepEqual(merge3('', 'x', 'x'), { clean: true, text: 'x' });
  });

  test('deleting everything on one side against an edit on the other is a conflict', () => {
    const r = merge3('a\nb\n', '', 'a\nB\n');
    assert.equal(r.clean, false);
  });

  test('a 100,000-line file with edits at both ends merges in well under a second', () => {
    const base = lines(100_000, (i) => (i % 7 === 0 ? '\n' : `  const v${i} = compute(${i});\n`));
    const ours = base.replace('const v1 =', 'let v1 =');
    const theirs = base.replace('const v99999 =', 'let v99999 =');
    const started = performance.now();
    const r = merge3(base, ours, theirs);
    const ms = performance.now() - started;
    assert.equal(r.clean, true);
    assert.ok(r.text.includes('let v1 =') && r.text.includes('let v99999 ='));
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });

  test('many scattered edits on both sides of a large file', () => {
    const base = lines(20_000, (i) => `line ${i}\n`);
    const ours = base.split('\n').map((l, i) => (i % 100 === 10 ? `${l} ours` : l)).join('\n');
    const theirs = base.split('\n').map((l, i) => (i % 100 === 60 ? `${l} theirs` : l)).join('\n');
    const r = merge3(base, ours, theirs);
    assert.equal(r.clean, true);
    assert.equal((r.text.match(/ ours/g) ?? []).length, 200);
    assert.equal((r.text.match(/ theirs/g) ?? []).length, 200);
  });

  test('a side rewritten wholesale (past the diff bound) conflicts with any edit as one stretch', () => {
    const base = lines(5_000, (i) => `old ${i}\n`);
    const ours = lines(5_000, (i) => `new ${i}\n`);
    const theirs = base.replace('old 2500\n', 'OLD 2500\n');
    const started = performance.now();
    const r = merge3(base, ours, theirs);
    assert.ok(performance.now() - started < 2000);
    assert.equal(r.clean, false);
    if (r.clean) return;
    assert.equal(r.conflicts.length, 1);
    assert.equal(r.conflicts[0].base.lines, 5_000);
    assert.equal(r.text, ours);
  });
});
