// The pieces a long answer is rendered in (webview/shared/markdownPieces.ts, pure TypeScript, so plain Node here):
// cuts fall between top-level blocks, so Markdown rendered piece by piece is what the whole text renders to; what
// is too big for Markdown comes as text pieces of bounded size; nothing is lost or repeated.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { BLOCK_CHARS, HIGHLIGHT_CHARS, markdownPieces, PIECE_CHARS, TEXT_PIECE_CHARS, type Piece } from '../../webview/shared/markdownPieces';
import { codeBlock, deeplyNested, lockfile, longProse, singleLine } from './largeAnswers';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
const texts = (pieces: Piece[]) => pieces.map((p) => p.text);

test('a short answer is one piece: the text as it is', () => {
  const answer = '## Where\n\nIn `src/retry.ts:2`.\n\n```ts\nconst x = 1;\n```\n';
  assert.deepEqual(markdownPieces(answer), [{ kind: 'markdown', text: answer }]);
  assert.deepEqual(markdownPieces(''), []);
});

test('a long ordinary answer: pieces of a few thousand characters, cut between blocks, rendering the same HTML as the whole', () => {
  const answer = longProse(300_000);
  const pieces = markdownPieces(answer);
  assert.ok(pieces.length > 50, `${pieces.length} pieces`);
  assert.ok(pieces.every((p) => p.kind === 'markdown'));
  assert.ok(pieces.every((p) => p.text.length < 2 * PIECE_CHARS + HIGHLIGHT_CHARS), `longest ${Math.max(...texts(pieces).map((t) => t.length))}`);
  assert.equal(texts(pieces).join('\n'), answer, 'nothing lost or repeated');
  assert.equal(pieces.map((p) => md.render(p.text)).join(''), md.render(answer), 'each cut is between top-level blocks');
});

test('a code fence with blank lines, a loose list and a quote are never cut inside', () => {
  const filler = Array.from({ length: 60 }, (_, i) => `Paragraph ${i} ${'words '.repeat(12)}`).join('\n\n');
  const fence = '```js\nfunction a() {\n\n  return 1;\n\n}\n```';
  const list = '- one\n\n  still one\n\n- two\n\n  still two';
  const answer = [filler, fence, filler, list, filler, '> quoted\n>\n> still quoted', filler].join('\n\n');
  const pieces = markdownPieces(answer);
  assert.ok(pieces.length > 3);
  for (const part of [fence, list, '> quoted\n>\n> still quoted']) assert.ok(pieces.some((p) => p.text.includes(part)), `kept whole: ${part.slice(0, 20)}`);
  assert.equal(pieces.map((p) => md.render(p.text)).join(''), md.render(answer));
});

test('a tight list of a thousand items (one block) is cut before items: lists of a few dozen, one after another', () => {
  const answer = `Every file:\n${Array.from({ length: 1_000 }, (_, i) => `- src/module${i}.ts:1 — ${'does a thing '.repeat(3)}`).join('\n')}\n\n| a | b |\n|---|---|\n| 1 | 2 |`;
  const pieces = markdownPieces(answer);
  assert.ok(pieces.length > 10 && pieces.every((p) => p.kind === 'markdown' && p.text.length < 2 * PIECE_CHARS + 200));
  assert.equal(texts(pieces).join('\n'), answer);
  const items = (html: string) => html.match(/<li>/g)?.length ?? 0;
  assert.equal(pieces.reduce((n, p) => n + items(md.render(p.text)), 0), 1_000, 'every item is a list item');
});

test('a package-lock.json (one 5 MB paragraph) comes as text pieces of a few thousand characters', () => {
  const answer = lockfile();
  const pieces = markdownPieces(answer);
  assert.ok(pieces.every((p) => p.kind === 'plain' && p.text.length <= TEXT_PIECE_CHARS));
  assert.ok(pieces.slice(1).every((p) => p.kind === 'plain' && p.continued));
  assert.equal(texts(pieces).join(''), answer.replace(/\n$/, ''), 'every character, in order');
});

test('one 5 MB line is split into text pieces; a surrogate pair is never split', () => {
  const answer = singleLine();
  const pieces = markdownPieces(answer);
  assert.ok(pieces.length > 600 && pieces.every((p) => p.kind === 'plain' && p.text.length <= TEXT_PIECE_CHARS));
  assert.equal(texts(pieces).join(''), answer);
  const emoji = '😀'.repeat(BLOCK_CHARS);
  const split = markdownPieces(emoji);
  assert.equal(texts(split).join(''), emoji);
  for (const p of split) assert.ok(!/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(p.text), 'no piece starts or ends inside a pair');
});

test('a 5 MB code fence: its body as uncoloured code pieces, the text around it as Markdown', () => {
  const answer = codeBlock();
  const pieces = markdownPieces(answer);
  assert.deepEqual(pieces[0], { kind: 'markdown', text: 'Here is the file:\n' });
  assert.deepEqual(pieces.at(-1), { kind: 'markdown', text: '\nThat was all.\n' });
  const code = pieces.slice(1, -1);
  assert.ok(code.every((p) => p.kind === 'code' && p.text.length <= TEXT_PIECE_CHARS && !p.text.includes('```')));
  assert.equal(texts(code).join(''), answer.slice(answer.indexOf('```ts\n') + 6, answer.lastIndexOf('\n```')));
  // An unclosed fence runs to the end, as Markdown reads it.
  const unclosed = markdownPieces(`Intro\n\n\`\`\`\n${'x = 1\n'.repeat(3_000)}`);
  assert.equal(unclosed[0]!.kind, 'markdown');
  assert.ok(unclosed.slice(1).every((p) => p.kind === 'code'));
});

test('deeply nested Markdown an adversary might plant: bounded pieces, every character kept', () => {
  const answer = deeplyNested(400_000);
  const pieces = markdownPieces(answer);
  assert.ok(pieces.every((p) => p.text.length <= Math.max(2 * PIECE_CHARS + HIGHLIGHT_CHARS, BLOCK_CHARS)), `longest ${Math.max(...texts(pieces).map((t) => t.length))}`);
  const kept = pieces.map((p) => p.text.replace(/\s/g, '')).join('');
  assert.equal(kept, answer.replace(/\s/g, ''));
});
