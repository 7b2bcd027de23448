// Our sentence BLEU against the reference implementation's numbers: NLTK 3.8's sentence_bleu with
// SmoothingFunction().method4, as repoqa/metric.py calls it (whitespace tokens, one reference, the default
// uniform 4-gram weights). The expected values were printed by Debian's python3-nltk 3.8 (`apt-get install
// python3-nltk`); the short ones (one or two tokens) by NLTK's own nltk/translate/bleu_score.py at tag 3.8 (with
// nltk.util.ngrams beside it) under python3 3.11, which prints the longer ones' values too, all with
//   sentence_bleu([re.split(r"\s+", ref.strip())], re.split(r"\s+", cand.strip()), smoothing_function=SmoothingFunction().method4)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sentenceBleu, tokens } from '../../../src/core/eval/benchmarks/bleu';
import { firstCodeBlock, judgeNeedle, NEEDLE_PASS_SIMILARITY, removeComments } from '../../../src/core/eval/benchmarks/needleFunction';

const NLTK: Array<[candidate: string, reference: string, bleu: number]> = [
  ['def add(a, b):\n    return a + b', 'def add(a, b):\n    return a + b', 1.0],
  ['def add(a, b):\n    return a + b', 'def add(x, y):\n    return x + y', 0.042587297623443834],
  ['def add(a, b):\n    total = a + b\n    return total', 'def add(a, b):\n    return a + b', 0.22490198823673885],
  ['int main() { return 0; }', 'int main(int argc, char **argv) {\n  printf("hi");\n  return 0;\n}', 0.13636868332384872],
  ['foo bar', 'foo bar baz qux quux', 0.04939847123496026],
  ['completely different words here', 'def add(a, b):\n    return a + b', 0],
  ['a b c d e f g h', 'a b c d e f g h i j k l', 0.6065306597126334],
  ['a b c d x f g h i j k l m', 'a b c d e f g h i j k l', 0.6703420896351792],
  // Short candidates: method 4 smooths nothing for one token, and NLTK drops the zero precisions left.
  ['a', 'a b c', 0.1353352832366127],
  ['a', 'a', 1.0],
  ['a', 'a a a a a a a a', 0.0009118819655545162],
  ['return', 'def f():\n    return 1', 0.049787068367863944],
  ['   a  ', 'a b', 0.36787944117144233],
  ['', '', 1.0],
  ['a', 'b', 0],
  ['', 'a b c', 0],
  ['a b', 'a b', 0.2213885886251307],
  ['a b', 'a', 0.06754436142034707],
  ['b a', 'a b c', 0.04871911135426937],
];

test('sentence BLEU with smoothing method 4 gives NLTK 3.8 numbers', () => {
  for (const [candidate, reference, expected] of NLTK) {
    const got = sentenceBleu(tokens(reference), tokens(candidate));
    assert.ok(Math.abs(got - expected) < 1e-12, `${JSON.stringify(candidate)}: ${got} vs NLTK ${expected}`);
  }
});

test('a one-token answer scores its brevity penalty when it matches, as NLTK 3.8 (no math domain error)', () => {
  assert.equal(sentenceBleu(tokens('a b c'), tokens('a')), Math.exp(-2));
  assert.equal(sentenceBleu(tokens('a'), tokens('a')), 1);
  // An empty answer is one empty token (Python's re.split): it matches nothing of a reference with words.
  assert.equal(sentenceBleu(tokens('a b c'), tokens('')), 0);
});

test('the first code block is the answer; comments go, strings stay', () => {
  assert.equal(firstCodeBlock('Here it is:\n```python\ndef f():\n    return 1\n```\nand more\n```\nx\n```'), 'def f():\n    return 1\n');
  assert.equal(firstCodeBlock('no block'), 'no block');
  assert.equal(removeComments('x = "# not a comment"  # a comment\ny = 1', 'python'), 'x = "# not a comment"  \ny = 1');
  assert.equal(removeComments('const a = "//keep"; // drop\n/* drop\n too */ let b = `/* keep */`;', 'typescript'), 'const a = "//keep"; \n let b = `/* keep */`;');
});

test('the needle is the most similar function, and passes at 0.8 or more', () => {
  const needles = [
    { name: 'add', code: 'def add(a, b):\n    # sum them\n    return a + b' },
    { name: 'sub', code: 'def sub(a, b):\n    return a - b' },
  ];
  const bare = '```python\ndef add(a, b):\n    return a + b\n```';
  // RepoQA's default keeps comments: the needle's "# sum them" counts against an answer without it.
  const kept = judgeNeedle(bare, 'add', needles, 'python');
  // 0.3873479811032991 is NLTK 3.8's sentence BLEU of the two, as above; against sub it is 0.219.
  assert.deepEqual({ best: kept.best, pass: kept.pass, ignoreComments: kept.ignoreComments }, { best: 'add', pass: false, ignoreComments: false });
  assert.ok(Math.abs(kept.similarity - 0.3873479811032991) < 1e-12 && kept.similarity < NEEDLE_PASS_SIMILARITY, String(kept.similarity));
  assert.deepEqual(judgeNeedle('```python\n' + needles[0]!.code + '\n```', 'add', needles, 'python'), { best: 'add', similarity: 1, pass: true, ignoreComments: false });
  // --ignore-comments (RepoQA's --eval-ignore-comments): removed from both sides first.
  assert.deepEqual(judgeNeedle(bare, 'add', needles, 'python', true), { best: 'add', similarity: 1, pass: true, ignoreComments: true });
  const wrong = judgeNeedle('```python\ndef sub(a, b):\n    return a - b\n```', 'add', needles, 'python');
  assert.equal(wrong.best, 'sub');
  assert.equal(wrong.pass, false);
  const vague = judgeNeedle('It adds two numbers.', 'add', needles, 'python');
  assert.equal(vague.pass, false);
});
