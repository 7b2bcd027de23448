import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transformCell } from '../../../src/core/sandbox/replTransform';

function ok(source: string) {
  const result = transformCell(source);
  assert.ok(result.ok, `expected ${JSON.stringify(source)} to parse`);
  return result;
}

test('top-level declarations of every kind are hoisted to global vars', () => {
  const result = ok(
    [
      'const a = 1, b = 2;',
      'let { c, d: [e = 5, ...f], ...g } = obj;',
      'var h;',
      'function fn() {}',
      'async function* gen() {}',
      'class K {}',
    ].join('\n'),
  );
  assert.deepEqual(result.declaredNames.sort(), ['a', 'b', 'c', 'e', 'f', 'fn', 'g', 'gen', 'h', 'K'].sort());
  assert.match(result.script, /^var [^;]*;\(async \(\) => \{/);
});

test('var inside top-level blocks and loops is global too; let inside them stays local', () => {
  const result = ok('if (x) { var inIf = 1; let local = 2 }\nfor (var i = 0; i < 2; i++) {}\nfor (var [k, v] of pairs) {}');
  assert.deepEqual(result.declaredNames.sort(), ['i', 'inIf', 'k', 'v']);
});

test('every statement stays on its line so engine line numbers are the model\'s', () => {
  const source = 'const a = 1;\nlet {b,\n  c} = o;\nclass K {}\nfunction f() {}\nf()';
  const result = ok(source);
  const lines = result.script.split('\n');
  assert.equal(lines.length, source.split('\n').length + 1, 'only the closing line is added');
  assert.match(lines[4], /function f\(\) \{\}/);
  assert.match(lines[5], /return \(f\(\)\);/);
});

test('only a last expression statement becomes the return value', () => {
  assert.match(ok('1;\n2').script, /1;\nreturn \(2\);/);
  assert.doesNotMatch(ok('const x = 1').script, /return/);
  assert.doesNotMatch(ok('x = 1;\nif (x) { x }').script, /return/);
});

test('a trailing line comment cannot swallow the wrapper', () => {
  assert.match(ok('const x = 1 // done').script, /\/\/ done\n\}\)\(\)$/);
});

test('syntax errors name the line and column of the model\'s code and point at it', () => {
  const result = transformCell('const a = 1;\nconst b = ;\n');
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.match(result.error, /^SyntaxError: Unexpected token at line 2, column 11/);
  assert.match(result.error, /2 \| const b = ;\n\s+\^/);
});

test('top-level await parses', () => {
  const result = ok('const r = await f();\nfor await (const x of xs) {}\nr');
  assert.match(result.script, /\(async \(\) => \{/);
});
