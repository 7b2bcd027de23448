// grep never holds a cell hostage: past its time budget it returns what it found, marked incomplete.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemWorkspace } from '../../../src/core/workspace/FileSystemWorkspace';

function manyFiles(count: number, line: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-grep-budget-'));
  for (let i = 0; i < count; i++) writeFileSync(join(dir, `f${String(i).padStart(3, '0')}.txt`), `${line}\n`.repeat(4));
  return dir;
}

test('V8 engine: a catastrophically backtracking pattern stops at the budget with partial results', () => {
  // (a+)+$ against "aaa…a!" backtracks exponentially: each line costs milliseconds.
  const ws = FileSystemWorkspace.open(manyFiles(150, 'a'.repeat(18) + '!'), { ripgrep: false, grepTimeBudgetMs: 300 });
  const started = Date.now();
  const result = ws.grep('(a+)+$|a!');
  const took = Date.now() - started;
  assert.equal(result.timedOut, true);
  assert.equal(result.capped, true);
  assert.ok(result.matches.length > 0 && result.matches.length < 600, `${result.matches.length} matches before the budget`);
  assert.ok(took < 2000, `took ${took} ms`);
});

test('ripgrep engine: the search process is stopped at the budget', () => {
  const dir = manyFiles(400, 'needle in a haystack');
  const ws = FileSystemWorkspace.open(dir, { grepTimeBudgetMs: 1 });
  const { result, engine } = ws.grepWithEngine('needle', { maxResults: 5000 });
  if (engine === 'v8') return; // no rg on this machine: the V8 test above covers the budget
  assert.equal(result.timedOut, true);
  assert.ok(result.matches.length < 1600);
  const unbounded = FileSystemWorkspace.open(dir, {}).grep('needle', { maxResults: 5000 });
  assert.equal(unbounded.timedOut, undefined);
  assert.equal(unbounded.matches.length, 1600);
});
