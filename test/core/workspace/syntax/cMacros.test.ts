// Blanking the C/C++ macros that derail a preprocessor-less parse, on lines taken from real headers.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { blankStandaloneMacros } from '../../../../src/core/workspace/syntax/cMacros';
import { Grammars } from '../../../../src/core/workspace/syntax/Grammars';
import { parseFileSymbols } from '../../../../src/core/workspace/syntax/parseFileSymbols';
import { unpackSymbols } from '../../../../src/core/workspace/syntax/SymbolStore';
import { locateSyntaxAssets } from '../../../../src/core/workspace/syntax/SyntaxAssets';

let grammars: Grammars;
before(async () => {
  grammars = await Grammars.create(locateSyntaxAssets());
});

const blanked = (text: string) => blankStandaloneMacros(text).split('\n').map((l) => l.trim());

test('macros alone on a line are blanked; offsets and lines stay where they were', () => {
  const text = [
    '__BEGIN_DECLS', // glibc
    'namespace std _GLIBCXX_VISIBILITY(default)',
    '{',
    '_GLIBCXX_BEGIN_NAMESPACE_VERSION  // libstdc++',
    '  GTEST_DISALLOW_COPY_AND_ASSIGN_(Foo)',
    '  ABSL_NAMESPACE_BEGIN\r',
    '  int x;',
    '}',
  ].join('\n');
  const out = blankStandaloneMacros(text);
  assert.equal(out.length, text.length);
  assert.deepEqual(out.split('\n').map((l) => l.trim()), ['', 'namespace std _GLIBCXX_VISIBILITY(default)', '{', '', '', '', 'int x;', '}']);
});

test('an upper-case return type on its own line stays (the next line names the function); short names and code stay', () => {
  assert.deepEqual(blanked('VALUE\nrb_ary_new(void)\n{\n  return Qnil;\n}'), ['VALUE', 'rb_ary_new(void)', '{', 'return Qnil;', '}']);
  assert.deepEqual(blanked('enum { A,\n  B,\n  LAST\n};\nFOO;\nX\nint y = MAX(1, 2);'), ['enum { A,', 'B,', '', '};', 'FOO;', 'X', 'int y = MAX(1, 2);']);
});

test('an export macro between class and name is blanked; a struct variable of an upper-case type is not', () => {
  const squeezed = (text: string) => blankStandaloneMacros(text).replace(/\s+/g, ' ');
  assert.equal(squeezed('class LLVM_LIBRARY_VISIBILITY Foo final : public Bar {'), 'class Foo final : public Bar {');
  assert.equal(squeezed('class GTEST_API_ ExpectationBase {'), 'class ExpectationBase {');
  assert.equal(squeezed('struct ABSL_ATTR(packed) Header<T> {'), 'struct Header<T> {');
  assert.equal(squeezed('struct FILE_T stream;\nstruct STAT *st = 0;'), 'struct FILE_T stream; struct STAT *st = 0;');
});

test('through parseFileSymbols: definitions after such macros are found, K&R upper-case return types keep theirs', () => {
  const cpp = [
    'namespace absl {',
    'ABSL_NAMESPACE_BEGIN',
    'template <typename T>',
    'class FixedArray {',
    ' public:',
    '  size_t size() const { return n_; }',
    '};',
    'ABSL_NAMESPACE_END',
    '}',
  ].join('\n');
  assert.deepEqual(unpackSymbols(parseFileSymbols(grammars, '(inline)', inline('cpp'), Infinity, cpp).symbols).map((s) => `${s.kind} ${s.name}`),
    ['module absl', 'class FixedArray', 'method size']);
  const c = 'VALUE\nrb_ary_new(void)\n{\n  return rb_ary_new_capa(0);\n}\n';
  assert.deepEqual(unpackSymbols(parseFileSymbols(grammars, '(inline)', inline('c'), Infinity, c).symbols), [{ name: 'rb_ary_new', kind: 'function', line: 1, endLine: 5 }]);
});

/** A file record for text passed in directly (nothing is read from disk). */
function inline(language: string) {
  return { path: '(inline)', language, bytes: 0, mtimeMs: 0 };
}
