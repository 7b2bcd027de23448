import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractCodeBlocks, findTextFinal, proseOf } from '../../../src/core/loop/codeBlocks';

test('runs repl, js and javascript blocks in order and ignores other languages', () => {
  const reply = [
    'First I will look at the files.',
    '```repl',
    'const fs = files("*.ts");',
    'print(fs.length);',
    '```',
    'Then a shell example I should not run:',
    '```bash',
    'ls -la',
    '```',
    '```javascript',
    'print(read(fs[0].path, 1, 5));',
    '```',
    '```js',
    'SHOW_VARS()',
    '```',
  ].join('\n');
  assert.deepEqual(extractCodeBlocks(reply), [
    'const fs = files("*.ts");\nprint(fs.length);',
    'print(read(fs[0].path, 1, 5));',
    'SHOW_VARS()',
  ]);
});

test('nested fences inside a template literal do not end the block early', () => {
  const reply = '````repl\nconst md = `\n```js\nx\n```\n`;\nprint(md.length)\n````';
  assert.deepEqual(extractCodeBlocks(reply), ['const md = `\n```js\nx\n```\n`;\nprint(md.length)']);
});

test('a reply without code has no blocks; prose keeps the words', () => {
  assert.deepEqual(extractCodeBlocks('The answer is 42.'), []);
  assert.equal(proseOf('Look:\n```repl\nprint(1)\n```\nDone.'), 'Look:\n\nDone.');
});

test('text FINAL keeps nested parentheses and drops quotes', () => {
  assert.deepEqual(findTextFinal('I am confident.\nFINAL(The cache is built in `init()` (see src/a.ts))'), {
    kind: 'value',
    value: 'The cache is built in `init()` (see src/a.ts)',
  });
  assert.deepEqual(findTextFinal('FINAL("42")'), { kind: 'value', value: '42' });
  assert.deepEqual(findTextFinal('Done. FINAL_VAR(report)'), { kind: 'var', name: 'report' });
  assert.deepEqual(findTextFinal("FINAL_VAR('summary')"), { kind: 'var', name: 'summary' });
});

test('a FINAL inside a code block is not a text FINAL; an unrelated word is not either', () => {
  assert.equal(findTextFinal('```repl\nFINAL(x)\n```'), undefined);
  assert.equal(findTextFinal('I will call my_FINAL(x) later'), undefined);
  assert.equal(findTextFinal('No final answer yet.'), undefined);
});

test('every example in the system prompt is valid JavaScript (models copy them)', async () => {
  const { buildSystemPrompt } = await import('../../../src/core/loop/systemPrompt');
  const acorn = await import('acorn');
  for (const contextKind of ['text', 'workspace', 'child'] as const) {
    for (const [canRecurse, edits] of [[false, false], [true, false], [false, true], [true, true]]) {
      const prompt = buildSystemPrompt({ contextKind, hasWorkspace: contextKind !== 'text', edits: edits && contextKind !== 'text', outputChars: 20_000, subCallChars: 380_000, canRecurse, concurrency: 16 });
      const blocks = extractCodeBlocks(prompt);
      assert.ok(blocks.length >= 4, `${contextKind}: examples present`);
      for (const block of blocks) {
        // Wrapped in an async function so top-level await parses, as the REPL allows it.
        assert.doesNotThrow(() => acorn.parse(`(async () => {\n${block}\n})`, { ecmaVersion: 'latest' }), `${contextKind} example:\n${block}`);
      }
    }
  }
});
