// Reading one file: its first 64 KB only, line counts across chunk edges, binary and bundle detection.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectFile } from '../../../src/core/workspace/FileInspection';
import { write } from './fixtureWorkspace';

const dir = mkdtempSync(join(tmpdir(), 'rlm-inspect-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function inspect(name: string, content: string | Buffer, maxBytes = 1024 * 1024) {
  write(join(dir, name), content);
  return inspectFile(join(dir, name), name, maxBytes);
}
const lines = (name: string, content: string | Buffer) => {
  const result = inspect(name, content);
  assert.equal(result.kind, 'text', name);
  return result.kind === 'text' ? result.lines : -1;
};

test('counts lines like an editor: a final line without newline counts, an empty file has none', () => {
  assert.equal(lines('empty.txt', ''), 0);
  assert.equal(lines('one.txt', 'a'), 1);
  assert.equal(lines('one-nl.txt', 'a\n'), 1);
  assert.equal(lines('two.txt', 'a\nb'), 2);
  assert.equal(lines('blank.txt', '\n\n\n'), 3);
  assert.equal(lines('crlf.txt', 'a\r\nb\r\n'), 2);
});

test('a file over 64 KB is read on in 64 KB chunks to count its lines, whatever the chunk edges cut', () => {
  const line = 'const value = 1234567890; // some code\n'; // 39 bytes: lines straddle chunk edges
  const count = 5000;
  const result = inspect('big.ts', line.repeat(count) + 'tail');
  assert.deepEqual(result.kind === 'text' && [result.lines, result.bytes, result.language], [count + 1, line.length * count + 4, 'typescript']);
  const ending = inspect('ending.ts', line.repeat(count)); // the last chunk ends with a newline: no extra line
  assert.equal(ending.kind === 'text' && ending.lines, count);
  write(join(dir, 'exact.ts'), 'x\n'.repeat(32 * 1024)); // exactly 64 KB: one read
  const exact = inspectFile(join(dir, 'exact.ts'), 'exact.ts', 1024 * 1024);
  assert.equal(exact.kind === 'text' && exact.lines, 32 * 1024);
  write(join(dir, 'edge.ts'), 'x'.repeat(64 * 1024) + '\ny'); // the probe ends right before the newline
  const edge = inspectFile(join(dir, 'edge.ts'), 'edge.ts', 1024 * 1024);
  assert.equal(edge.kind === 'text' && edge.lines, 2);
});

test('a binary file is known by its first 8 KB without reading the rest', () => {
  const big = inspect('image.bin', Buffer.concat([Buffer.from([0x89, 0x50, 0, 0]), Buffer.alloc(300_000, 0x61)]));
  assert.deepEqual(big.kind === 'skipped' && big.reason, 'binary');
});

test('binary means a NUL in the first 8 KB', () => {
  assert.equal(inspect('early.dat', Buffer.from('abc\0def')).kind, 'skipped');
  assert.equal(lines('late.txt', Buffer.concat([Buffer.alloc(9000, 0x61), Buffer.from([0]), Buffer.from('\nz\n')])), 2);
});

test('JS/CSS bundles: one extremely long line, or a very long average line', () => {
  const long = inspect('bundle.js', `var a=${'1+'.repeat(6000)}1;\n`);
  assert.deepEqual(long.kind === 'skipped' && long.reason, 'minified');
  const dense = inspect('dense.css', Array.from({ length: 10 }, (_, i) => `.c${i}{${'color:red;'.repeat(50)}}`).join('\n'));
  assert.deepEqual(dense.kind === 'skipped' && dense.reason, 'minified');
  assert.equal(lines('normal.js', 'function f() {\n  return 1;\n}\n'.repeat(200)), 600);
  // The same long line in a non-bundle language is ordinary text (data files, fixtures).
  assert.equal(lines('long.txt', `${'x'.repeat(20_000)}\n`), 1);
});

test('size limit and non-files', () => {
  const large = inspect('large.txt', 'x'.repeat(2000), 1000);
  assert.deepEqual(large.kind === 'skipped' && large.reason, 'too-large');
  const folder = inspectFile(dir, 'folder', 1000);
  assert.deepEqual(folder.kind === 'skipped' && folder.reason, 'not-a-file');
  const missing = inspectFile(join(dir, 'nope'), 'nope', 1000);
  assert.deepEqual(missing.kind === 'skipped' && missing.reason, 'unreadable');
});
