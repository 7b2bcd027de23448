// The stale-base guard the CLI's --apply and the editor's review share: unchanged, merged, or refused with why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reapply } from '../../../src/core/edits/staleBase';

const base = 'a\nb\nc\nd\ne\n';

test('a file as the run read it takes the proposal as it is; a delete too', () => {
  assert.deepEqual(reapply('x.ts', base, base, 'a\nB\nc\nd\ne\n'), { kind: 'unchanged', text: 'a\nB\nc\nd\ne\n' });
  assert.deepEqual(reapply('x.ts', base, base, undefined), { kind: 'unchanged', text: undefined });
});

test('a file changed elsewhere gets the proposal merged onto it', () => {
  assert.deepEqual(reapply('x.ts', base, 'a\nb\nc\nd\nE\n', 'A\nb\nc\nd\ne\n'), { kind: 'merged', text: 'A\nb\nc\nd\nE\n' });
});

test('a change that overlaps the proposal, or any change under a delete, is refused with the lines', () => {
  assert.deepEqual(reapply('x.ts', base, 'a\nyours\nc\nd\ne\n', 'a\nmine\nc\nd\ne\n'),
    { kind: 'refused', why: 'x.ts changed since the run read it, and the changes overlap the proposal (line 2 of the file now)' });
  assert.deepEqual(reapply('x.ts', base, 'a\nb\nc\nd\nE\n', undefined), { kind: 'refused', why: 'x.ts changed since the run read it' });
});
