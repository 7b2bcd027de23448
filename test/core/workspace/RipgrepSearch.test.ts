// The rewrite of JavaScript regex source for ripgrep's default (Rust) engine.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ripgrep, toRustRegex } from '../../../src/core/workspace/RipgrepSearch';

test('identity escapes of plain punctuation lose their backslash; meaningful escapes stay', () => {
  assert.equal(toRustRegex('a\\/b\\:c\\"d\\ e'), 'a/b:c"d e');
  assert.equal(toRustRegex('\\d+\\.\\w*\\(\\)\\[\\]\\{\\}\\|\\^\\$\\-\\\\'), '\\d+\\.\\w*\\(\\)\\[\\]\\{\\}\\|\\^\\$\\-\\\\');
  assert.equal(toRustRegex('[\\/\\w]+'), '[/\\w]+');
});

test('named groups use the (?P<name> form; lookbehind is left alone', () => {
  assert.equal(toRustRegex('(?<year>\\d{4})'), '(?P<year>\\d{4})');
  assert.equal(toRustRegex('(?<=a)b(?<!c)'), '(?<=a)b(?<!c)');
});

test('an explicit ripgrep path must exist; false disables ripgrep', () => {
  assert.throws(() => Ripgrep.locate('/nonexistent/rg'), /ripgrep was not found at '\/nonexistent\/rg'/);
  assert.equal(Ripgrep.locate(false), undefined);
});
