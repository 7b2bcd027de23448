import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MAX_OUTPUT_CHARS, truncateOutput } from '../../../src/core/sandbox/truncate';

test('text that fits comes back unchanged', () => {
  assert.equal(truncateOutput('hello', 5), 'hello');
  assert.equal(truncateOutput('', 0), '');
  assert.equal(DEFAULT_MAX_OUTPUT_CHARS, 20_000);
  const atLimit = 'x'.repeat(DEFAULT_MAX_OUTPUT_CHARS);
  assert.equal(truncateOutput(atLimit), atLimit);
});

test('long text keeps head and tail and says how much was cut', () => {
  const text = 'H'.repeat(50) + 'm'.repeat(123_456) + 'T'.repeat(50);
  const out = truncateOutput(text, 100);
  assert.ok(out.startsWith('H'.repeat(50)), 'head kept');
  assert.ok(out.endsWith('T'.repeat(50)), 'tail kept');
  assert.match(out, /\[\.\.\. 123,456 characters cut; print less, or slice the output \.\.\.\]/);
  assert.ok(!out.includes('m'), 'middle removed');
});

test('odd budgets split head and tail without losing a character count', () => {
  const out = truncateOutput('abcdefghij', 3);
  assert.ok(out.startsWith('ab'));
  assert.ok(out.endsWith('j'));
  assert.match(out, /7 characters cut/);
  const none = truncateOutput('abcdef', 0);
  assert.match(none, /^\n\[\.\.\. 6 characters cut/);
});

test('a negative budget is a clear error', () => {
  assert.throws(() => truncateOutput('abc', -1), /maxChars must be a non-negative number/);
});
