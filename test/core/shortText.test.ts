// Text cut to one line with an ellipsis: notes, chat titles, tree rows, log lines, errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstLine, oneLine } from '../../src/core/shortText';

test('firstLine: the first line without the blank space around it, cut to max characters with its ellipsis', () => {
  assert.equal(firstLine('\n  const x = 1;  \nconst y = 2;', 40), 'const x = 1;');
  assert.equal(firstLine('abcdef', 4), 'abc…');
  assert.equal(firstLine('abcd', 4), 'abcd');
  assert.equal(firstLine(undefined, 4), '');
});

test('oneLine: every run of blank space one space, cut the same way', () => {
  assert.equal(oneLine('  a\n\tb   c ', 10), 'a b c');
  assert.equal(oneLine('a b c d e f', 6), 'a b c…');
});
