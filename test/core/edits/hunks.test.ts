// A change taken hunk by hunk: the blocks a reviewer sees, the text with some of them applied, and the line
// replacements an editor makes; CRLF, missing final newlines, created and emptied files, keys that survive the
// text moving, and random texts where every subset of hunks must agree with the replacements.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyHunks, changeHunks, lineReplacements, type LineReplacement } from '../../../src/core/edits/hunks';
import { linesOf } from '../../../src/core/edits/lineDiff';

/** Applies replacements to whole lines, from the last up, as an editor would. */
function replaceLines(text: string, replacements: readonly LineReplacement[]): string {
  const lines = linesOf(text);
  for (const r of [...replacements].reverse()) lines.splice(r.startLine, r.endLine - r.startLine, ...linesOf(r.text));
  return lines.join('');
}

describe('changeHunks / applyHunks / lineReplacements', () => {
  const base = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\n';
  const text = 'ONE\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n';

  test('one hunk per block of changed lines, with its counts and lines', () => {
    const hunks = changeHunks(base, text);
    assert.deepEqual(hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines, h.added, h.removed, h.lines]), [
      [1, 1, 1, 1, 1, 1, ['-one', '+ONE']],
      [8, 0, 8, 1, 1, 0, ['+eight']],
    ]);
    assert.deepEqual(changeHunks(base, base), []);
  });

  test('any subset applies: all gives the new text, none the old, one each the mix', () => {
    const [first, second] = changeHunks(base, text);
    assert.equal(applyHunks(base, text, () => true), text);
    assert.equal(applyHunks(base, text, () => false), base);
    assert.equal(applyHunks(base, text, (h) => h.key === first!.key), 'ONE\ntwo\nthree\nfour\nfive\nsix\nseven\n');
    assert.equal(applyHunks(base, text, (h) => h.key === second!.key), 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n');
  });

  test('CRLF lines and a missing final newline are kept as they are, in a partial apply too', () => {
    const crlf = 'a\r\nb\r\nc\r\nd\r\ne\r\nf\r\ng';
    const changed = 'a\r\nB\r\nc\r\nd\r\ne\r\nf\r\nG\nh';
    const [b, g] = changeHunks(crlf, changed);
    assert.deepEqual(g!.lines, ['-g', '\\ No newline at end of file', '+G', '+h', '\\ No newline at end of file']);
    assert.equal(applyHunks(crlf, changed, (h) => h.key === g!.key), 'a\r\nb\r\nc\r\nd\r\ne\r\nf\r\nG\nh', 'no CRLF forced on the LF the new text has');
    assert.equal(applyHunks(crlf, changed, (h) => h.key === b!.key), 'a\r\nB\r\nc\r\nd\r\ne\r\nf\r\ng');
    assert.equal(replaceLines(crlf, lineReplacements(crlf, changed)), changed);
  });

  test('a created file is one hunk from nothing; an emptied one, one hunk to nothing', () => {
    assert.deepEqual(changeHunks(undefined, 'x\ny\n').map((h) => [h.oldStart, h.oldLines, h.added]), [[1, 0, 2]]);
    assert.equal(applyHunks(undefined, 'x\ny\n', () => true), 'x\ny\n');
    assert.equal(applyHunks(undefined, 'x\ny\n', () => false), '');
    assert.deepEqual(lineReplacements('x\ny\n', ''), [{ startLine: 0, endLine: 2, text: '' }]);
  });

  test('a hunk keeps its key when lines are added above it; equal hunks are told apart by occurrence', () => {
    const before = changeHunks(base, text);
    const shifted = changeHunks(`zero\n${base}`, `zero\n${text}`);
    assert.deepEqual(shifted.map((h) => h.key), before.map((h) => h.key));
    assert.notEqual(shifted[0]!.oldStart, before[0]!.oldStart);
    const twice = changeHunks('x\na\nx\nb\n', 'y\na\ny\nb\n');
    assert.equal(twice.length, 2);
    assert.notEqual(twice[0]!.key, twice[1]!.key);
    assert.equal(twice[0]!.key.split('.')[0], twice[1]!.key.split('.')[0]);
  });

  test('random texts: the replacements rebuild the new text, and every subset of hunks agrees with them', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const words = ['a', 'b', 'c', 'd', 'e'];
    const randomText = (n: number) => {
      let out = '';
      for (let i = 0; i < n; i++) out += pick(words) + (random() < 0.15 ? '\r\n' : '\n');
      return random() < 0.3 ? out.replace(/\r?\n$/, '') : out;
    };
    for (let round = 0; round < 300; round++) {
      const oldText = randomText(Math.floor(random() * 12));
      let newText = oldText;
      const lines = linesOf(newText);
      for (let k = 0; k < 3; k++) {
        const at = Math.floor(random() * (lines.length + 1));
        if (random() < 0.5 && lines.length > 0) lines.splice(Math.min(at, lines.length - 1), 1);
        else lines.splice(at, 0, `${pick(words)}${pick(words)}\n`);
      }
      newText = random() < 0.2 ? lines.join('').replace(/\n$/, '') : lines.join('');
      const hunks = changeHunks(oldText, newText);
      const all = lineReplacements(oldText, newText, hunks);
      assert.equal(replaceLines(oldText, all), newText, `round ${round}: ${JSON.stringify([oldText, newText])}`);
      for (let mask = 0; mask < 2 ** hunks.length && mask < 16; mask++) {
        const chosen = (i: number) => (mask & (1 << i)) !== 0;
        const applied = applyHunks(oldText, newText, (h) => chosen(hunks.findIndex((x) => x.key === h.key)));
        const expected = replaceLines(oldText, all.filter((_, i) => chosen(i)));
        assert.equal(applied, expected, `round ${round}, hunks ${mask.toString(2)}: ${JSON.stringify([oldText, newText])}`);
      }
    }
  });
});
