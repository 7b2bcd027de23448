// Every scorer against values computed by hand, on replies shaped like real models' answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { questionText } from '../../../src/core/eval/EvalTask';
import { readChoice, readItems, readLocations, readNumber, scoreReply, setF1 } from '../../../src/core/eval/scorers';

/** Equal to the last bits a float sum may lose. */
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} is not ${expected}`);

const score = (scorer: Parameters<typeof scoreReply>[0]['scorer'], answer: unknown, reply: string, tolerance?: number) =>
  scoreReply({ scorer, answer: answer as never, tolerance }, reply).score;

test('exact: case, spaces, quotes and end punctuation do not matter; anything else does', () => {
  assert.equal(score('exact', 'Blue Whale', '  "blue   whale." '), 1);
  assert.equal(score('exact', 'Blue Whale', 'The blue whale'), 0);
  assert.equal(score('exact', 42, '42'), 1);
});

test('contains: the answer as whole words inside the reply', () => {
  assert.equal(score('contains', '4821934', 'The special magic number is 4821934.'), 1);
  assert.equal(score('contains', '4821934', 'It is 94821934.'), 0, 'not inside a longer number');
  assert.equal(score('contains', 'New York', 'She moved to new york in 1990'), 1);
  assert.equal(score('contains', '4821934', ''), 0);
});

test('numeric: 0.75 to the power of the distance (OOLONG), the number after "answer" else the last one', () => {
  assert.equal(score('numeric', 42, '42'), 1);
  assert.equal(score('numeric', 42, 'There are 40 such questions.'), 0.75 ** 2); // 0.5625
  assert.equal(score('numeric', 42, 'Out of 1,000 records, the answer is 45 (I counted twice).'), 0.75 ** 3); // 0.421875
  assert.equal(score('numeric', 10, 'I found 3 in the first half and 9 in all.'), 0.75); // last number: 9
  assert.equal(score('numeric', 10, 'no idea'), 0);
  assert.equal(readNumber('Answer: 1,234'), 1234);
  assert.equal(readNumber('answer -3, final answer 7'), 7);
});

test('f1: set F1 over items, from a JSON list, (a, b) pairs or lines; pairs are unordered', () => {
  // gold {a, b, c}, predicted {a, b, d}: precision 2/3, recall 2/3, F1 2/3.
  close(score('f1', ['a', 'b', 'c'], '["a", "b", "d"]'), 2 / 3);
  // gold 4 pairs, predicted 2 right (one written backwards) + 1 wrong: P 2/3, R 2/4, F1 = 2*(2/3)(1/2)/(2/3+1/2) = 4/7.
  const pairs = [['1001', '1002'], ['1001', '1003'], ['1002', '1003'], ['1004', '1005']];
  close(score('f1', pairs, 'The pairs are (1002, 1001), (1001, 1003) and (1007, 1008).'), 4 / 7);
  assert.equal(score('f1', pairs, '[[1001, 1002], [1001, 1003], [1002, 1003], [1004, 1005]]'), 1);
  // Paths one per line, bullets and :line suffixes dropped: gold {src/a.ts, src/b.ts}, predicted {src/a.ts}: P 1, R 1/2, F1 2/3.
  close(score('f1', ['src/a.ts', 'src/b.ts'], '- src/a.ts:12\n- ./src/a.ts:40'), 2 / 3);
  assert.equal(score('f1', [], 'none'), 0);
  assert.equal(setF1([], []), 1);
  assert.deepEqual(readItems('1. alpha\n2. Beta', false), ['alpha', 'beta']);
});

test('choice: LongBench-v2 extraction, "answer: X", or a lone letter', () => {
  assert.equal(score('choice', 'B', 'The correct answer is (B)'), 1);
  assert.equal(score('choice', 'B', 'The correct answer is C'), 0);
  assert.equal(score('choice', 'D', '(D)'), 1);
  assert.equal(score('choice', 'A', 'Answer: A'), 1);
  assert.equal(score('choice', 'A', 'I think it depends.'), 0);
  assert.equal(readChoice('A. because the loader retries'), 'A');
  assert.equal(readChoice('B'), 'B');
});

test('location: path:line within the tolerance (default 3), any of several gold sites, any path form', () => {
  const gold = { path: 'src/retry.ts', line: 20 };
  assert.equal(score('location', gold, 'It is defined in `src/retry.ts:22`.'), 1);
  assert.equal(score('location', gold, 'src/retry.ts:24'), 0, '4 lines off');
  assert.equal(score('location', gold, 'src/retry.ts:24', 5), 1);
  assert.equal(score('location', gold, 'lib/src/retry.ts#L20'), 1, 'the path from another root');
  assert.equal(score('location', gold, 'src/retry.ts, line 19'), 1);
  assert.equal(score('location', gold, 'src/other.ts:20'), 0);
  assert.equal(score('location', [{ path: 'a.py', line: 1 }, gold], 'src/retry.ts:20'), 1);
  assert.deepEqual(readLocations('see a/b.ts:3 and c.go:10-12'), [{ path: 'a/b.ts', line: 3 }, { path: 'c.go', line: 10 }]);
});

test('a multiple-choice question lists its choices as (A)..(D) for both modes', () => {
  assert.equal(questionText({ question: 'Which?', choices: ['x', 'y'] }), 'Which?\n\nChoices:\n(A) x\n(B) y\n\nAnswer with the letter of the correct choice, e.g. "The correct answer is (A)".');
  assert.equal(questionText({ question: 'Plain?' }), 'Plain?');
});
