// Tags extraction per language on small real-code fixtures (test/fixtures/syntax). Each fixture has a
// golden `<file>.symbols` beside it, one definition a line: `kind name start-end [in container]`.
// Regenerate after a deliberate change with UPDATE_GOLDEN=1 and review the diff.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { Grammars } from '../../../../src/core/workspace/syntax/Grammars';
import { blankStandaloneMacros } from '../../../../src/core/workspace/syntax/cMacros';
import { extractSymbols } from '../../../../src/core/workspace/syntax/extractSymbols';
import { parseFileSymbols } from '../../../../src/core/workspace/syntax/parseFileSymbols';
import { unpackSymbols } from '../../../../src/core/workspace/syntax/SymbolStore';
import { locateSyntaxAssets } from '../../../../src/core/workspace/syntax/SyntaxAssets';
import type { FileSymbol } from '../../../../src/core/workspace/syntax/types';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'syntax');
const FILES: Array<[language: string, file: string]> = [
  ['typescript', 'sample.ts'], ['tsx', 'sample.tsx'], ['javascript', 'sample.js'], ['python', 'sample.py'], ['go', 'sample.go'],
  ['rust', 'sample.rs'], ['java', 'Sample.java'], ['c', 'sample.c'], ['cpp', 'sample.cpp'], ['csharp', 'Sample.cs'],
  ['ruby', 'sample.rb'], ['php', 'sample.php'], ['cpp', 'headers/widget.h'], ['c', 'headers/ring_buffer.h'],
];

let grammars: Grammars;
before(async () => {
  grammars = await Grammars.create(locateSyntaxAssets());
});

/** As the index does it (parseFileSymbols: C/C++ macros blanked first). */
function symbolsOf(language: string, text: string): FileSymbol[] {
  return unpackSymbols(parseFileSymbols(grammars, '(inline)', { path: '(inline)', language, bytes: 0, mtimeMs: 0 }, Infinity, text).symbols);
}

function render(symbols: FileSymbol[]): string {
  return symbols.map((s) => `${s.kind} ${s.name} ${s.line}-${s.endLine}${s.container ? ` in ${s.container}` : ''}`).join('\n') + '\n';
}

function find(symbols: FileSymbol[], kind: string, name: string, line?: number): FileSymbol {
  const hit = symbols.find((s) => s.kind === kind && s.name === name && (line === undefined || s.line === line));
  assert.ok(hit, `expected ${kind} ${name}${line ? ` at line ${line}` : ''} in:\n${render(symbols)}`);
  return hit;
}

describe('extractSymbols: golden outputs per language', () => {
  for (const [language, file] of FILES) {
    test(`${language} (${file})`, () => {
      const symbols = symbolsOf(language, readFileSync(join(FIXTURES, file), 'utf8'));
      const goldenPath = join(FIXTURES, `${file}.symbols`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(goldenPath, render(symbols));
      assert.equal(render(symbols), readFileSync(goldenPath, 'utf8'));
    });
  }
});

describe('extractSymbols: the gaps our extra patterns fill', () => {
  test('TypeScript: class, constructor, arrow-function field, enum, type alias, namespace', () => {
    const s = symbolsOf('typescript', readFileSync(join(FIXTURES, 'sample.ts'), 'utf8'));
    assert.deepEqual(find(s, 'class', 'TtlCache'), { name: 'TtlCache', kind: 'class', line: 14, endLine: 28 });
    assert.equal(find(s, 'method', 'get').container, 'TtlCache');
    assert.equal(find(s, 'method', 'onEvict').container, 'TtlCache');
    find(s, 'method', 'constructor');
    find(s, 'enum', 'Eviction');
    find(s, 'type', 'Clock');
    find(s, 'module', 'Defaults');
    find(s, 'interface', 'CacheEntry');
  });

  test('Python: methods are methods of their class, nested functions name their enclosing function', () => {
    const s = symbolsOf('python', readFileSync(join(FIXTURES, 'sample.py'), 'utf8'));
    assert.equal(find(s, 'method', 'describe').container, 'Task');
    assert.equal(find(s, 'function', 'key').container, 'push');
    assert.equal(find(s, 'function', 'run_all').container, undefined);
  });

  test('Go: struct and interface kinds, methods contained by their receiver type', () => {
    const s = symbolsOf('go', readFileSync(join(FIXTURES, 'sample.go'), 'utf8'));
    find(s, 'struct', 'Store');
    find(s, 'interface', 'Getter');
    assert.deepEqual(find(s, 'method', 'Get', 27), { name: 'Get', kind: 'method', line: 27, endLine: 32, container: 'Store' });
    assert.equal(find(s, 'method', 'Len').container, 'Store');
  });

  test('Rust: impl methods name the impl type, trait methods the trait', () => {
    const s = symbolsOf('rust', readFileSync(join(FIXTURES, 'sample.rs'), 'utf8'));
    assert.equal(find(s, 'method', 'new').container, 'Circle');
    assert.equal(find(s, 'method', 'area', 20).container, 'Circle');
    assert.equal(find(s, 'method', 'area', 6).container, 'Shape');
    find(s, 'struct', 'Circle');
    find(s, 'enum', 'Color');
    assert.ok(!s.some((x) => x.kind === 'impl'), 'impl blocks are containers, not symbols');
  });

  test('C: struct, enum, typedef, macros; a definition spans its body, a prototype its line', () => {
    const s = symbolsOf('c', readFileSync(join(FIXTURES, 'sample.c'), 'utf8'));
    find(s, 'struct', 'list_node');
    find(s, 'enum', 'color');
    find(s, 'type', 'size_t2');
    assert.deepEqual(find(s, 'macro', 'SQUARE'), { name: 'SQUARE', kind: 'macro', line: 4, endLine: 4 });
    assert.equal(find(s, 'function', 'count_nodes', 20).endLine, 25);
    assert.equal(find(s, 'function', 'list_push').line, 27, 'K&R-style return type on the line before the name');
  });

  test('C++: out-of-line methods name their class', () => {
    const s = symbolsOf('cpp', readFileSync(join(FIXTURES, 'sample.cpp'), 'utf8'));
    assert.deepEqual(find(s, 'method', 'area', 31), { name: 'area', kind: 'method', line: 31, endLine: 33, container: 'Rect' });
    assert.equal(find(s, 'method', 'name').container, 'Shape');
    find(s, 'struct', 'Point');
  });

  test('C++ headers: operators through references and pointers, conversions, specialisations, export macros', () => {
    const text = readFileSync(join(FIXTURES, 'headers', 'widget.h'), 'utf8');
    const s = symbolsOf('cpp', text);
    assert.equal(find(s, 'class', 'Widget').container, 'ui');
    assert.deepEqual(find(s, 'method', 'operator=', 41), { name: 'operator=', kind: 'method', line: 41, endLine: 44, container: 'Widget' });
    for (const name of ['operator==', 'operator bool', 'name', '~Widget']) assert.equal(find(s, 'method', name).container, 'Widget');
    assert.deepEqual(s.filter((x) => x.name === 'Traits').map((x) => `${x.kind} ${x.line}`), ['struct 32', 'struct 37']);
    find(s, 'function', 'MakeWidget');
    // Without blanking, `UI_NAMESPACE_BEGIN` and `class UI_EXPORT Widget` derail the parse: the class is lost.
    const raw = grammars.parse('cpp', text);
    try {
      assert.ok(!extractSymbols(raw, grammars.tagsQuery('cpp')!).some((x) => x.name === 'Widget' && x.kind === 'class'));
    } finally {
      raw.delete();
    }
    assert.equal(blankStandaloneMacros(text).length, text.length);
  });

  test('JS/TS: private and computed methods; object-literal tables only at module level', () => {
    const s = symbolsOf('javascript', [
      'const RETRY_POLICY = { attempts: 3 };',
      'exports.Codes = { ok: 0 };',
      'module.exports = { RETRY_POLICY };',
      'class Stream {',
      '  #flush() {}',
      '  [Symbol.iterator]() {}',
      '}',
      'function build() {',
      '  const local = { a: 1 };',
      '}',
    ].join('\n'));
    assert.deepEqual(s.map((x) => `${x.kind} ${x.name}`), [
      'constant RETRY_POLICY', 'constant Codes', 'class Stream', 'method #flush', 'method [Symbol.iterator]', 'function build',
    ]);
  });

  test('constants: module-level JS/TS consts (not functions, classes, imports or locals), Java static finals, C# consts, Ruby', () => {
    const kinds = (language: string, text: string) => symbolsOf(language, text).map((x) => `${x.kind} ${x.name}${x.container ? ` in ${x.container}` : ''}`);
    assert.deepEqual(kinds('typescript', [
      'import { x } from "./x";',
      'export const LIMIT = 10;',
      'export const handler = async (req: Request) => new Response();',
      'export const Model = class {};',
      'const pick = require("lodash.pick");',
      'const { a, b } = x;',
      'export declare const VERSION: string;',
      'let counter = 0;',
      'export function run() { const local = 1; return local; }',
      'if (x) { const blockScoped = 2; }',
    ].join('\n')), ['constant LIMIT', 'function handler', 'class Model', 'constant VERSION', 'function run']);
    assert.deepEqual(kinds('tsx', 'export const Theme = createTheme({ dark: true });\nexport const App = () => <div />;'),
      ['constant Theme', 'function App']);
    assert.deepEqual(kinds('java', [
      'interface Limits { int MAX = 3; }',
      'class Config {',
      '  public static final String NAME = "x";',
      '  private static int count;',
      '  private final int id = 1;',
      '  void run() { final int local = 2; }',
      '}',
    ].join('\n')), ['interface Limits', 'constant MAX in Limits', 'class Config', 'constant NAME in Config', 'method run in Config']);
    assert.deepEqual(kinds('csharp', [
      'class Config {',
      '  public const int Max = 3;',
      '  static readonly int Cached = 4;',
      '  int Run() { const int local = 2; return local; }',
      '}',
    ].join('\n')), ['class Config', 'constant Max in Config', 'method Run in Config']);
    assert.deepEqual(kinds('ruby', 'module Net\n  TIMEOUT = 30\n  RETRIES ||= 3\n  def self.get\n    x = 1\n  end\nend\nNet::PORT = 80\n'),
      ['module Net', 'constant TIMEOUT in Net', 'constant RETRIES in Net', 'method get in Net', 'constant PORT']);
  });

  test('a file with a syntax error still yields the definitions Tree-sitter recovers', () => {
    const broken = [
      'export class Parser {',
      '  parse(text: string) {',
      '    return text.split(;', // unbalanced
      '  }',
      '}',
      '',
      'export function tokenize(input: string): string[] {',
      '  return input.split(" ");',
      '}',
    ].join('\n');
    const s = symbolsOf('typescript', broken);
    find(s, 'class', 'Parser');
    find(s, 'function', 'tokenize', 7);
  });

  test('every language query compiles against its grammar', () => {
    for (const [language] of FILES) assert.ok(grammars.tagsQuery(language), language);
  });
});
