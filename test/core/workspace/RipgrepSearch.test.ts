// The rewrite of JavaScript regex source for ripgrep's default (Rust) engine.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ripgrep, nextChunkSize, toRustRegex } from '../../../src/core/workspace/RipgrepSearch';

test('identity escapes of plain punctuation lose their backslash; meaningful escapes stay', () => {
  assert.equal(toRustRegex('a\\/b\\:c\\"d\\ e'), 'a/b:c"d e');
  assert.equal(toRustRegex('\\d+\\.\\w*\\(\\)\\[\\]\\{\\}\\|\\^\\$\\-\\\\'), '\\d+\\.\\w*\\(\\)\\[\\]\\{\\}\\|\\^\\$\\-\\\\');
  assert.equal(toRustRegex('[\\/\\w]+'), '[/\\w]+');
});

test('named groups use the (?P<name> form; lookbehind is left alone', () => {
  assert.equal(toRustRegex('(?<year>\\d{4})'), '(?P<year>\\d{4})');
  assert.equal(toRustRegex('(?<=a)b(?<!c)'), '(?<=a)b(?<!c)');
});

test('word boundaries become ASCII boundaries, as in JavaScript, outside classes only', () => {
  assert.equal(toRustRegex('\\bfoo\\B'), '(?-u:\\b)foo(?-u:\\B)');
  assert.equal(toRustRegex('[\\b\\]]\\b[^\\b]'), '[\\b\\]](?-u:\\b)[^\\b]', 'in a class \\b is a backspace');
  assert.equal(toRustRegex('\\bfoo', 'u'), '(?-u:\\b)foo');
  assert.equal(toRustRegex('\\bfoo', 'iu'), '\\bfoo', "with 'i' and 'u' JS word characters include U+017F and U+212A");
  assert.equal(toRustRegex('\\bfoo', 'v'), '\\bfoo');
});

test('chunks after the first are sized from the match rate, between 256 and 8192 files', () => {
  assert.equal(nextChunkSize(256, 0, 200), 8192, 'no match yet: no early stop in sight');
  assert.equal(nextChunkSize(256, 100, 200), 388, '101 more at 100 per 256 files is 259 files, times 1.5');
  assert.equal(nextChunkSize(256, 200, 200), 256, 'one more match needed: the smallest chunk');
  assert.equal(nextChunkSize(256, 50, 10_000), 8192);
});

test('an explicit ripgrep path must exist; false disables ripgrep', () => {
  assert.throws(() => Ripgrep.locate('/nonexistent/rg'), /ripgrep was not found at '\/nonexistent\/rg'/);
  assert.equal(Ripgrep.locate(false), undefined);
});
