// `.h` files: C++ by their text, else by the workspace's C-family majority, kept right as files come and go
// (the index relabels plain headers when the majority turns, and the symbol index follows).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CodeWorkspace } from '../../../src/core/workspace/CodeWorkspace';
import { inspectFile } from '../../../src/core/workspace/FileInspection';
import { HeaderMajority, headerLooksLikeCpp } from '../../../src/core/workspace/headerLanguage';
import { WorkspaceIndex } from '../../../src/core/workspace/WorkspaceIndex';
import { write } from './fixtureWorkspace';

const HEADERS = join(__dirname, '..', '..', 'fixtures', 'syntax', 'headers');
const header = (name: string) => readFileSync(join(HEADERS, name), 'utf8');
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-headers-'));
  dirs.push(dir);
  return dir;
}

describe('headerLooksLikeCpp', () => {
  test('a C++ header (classes, templates, namespaces) yes; a C header with C++ extras behind __cplusplus and a plain one no', () => {
    assert.equal(headerLooksLikeCpp(header('widget.h')), true);
    assert.equal(headerLooksLikeCpp(header('ring_buffer.h')), false);
    assert.equal(headerLooksLikeCpp(header('config.h')), false);
  });

  test('each construct on its own, at the start of a line', () => {
    for (const line of [
      'template <typename T> T max(T a, T b);', 'namespace llvm {', 'namespace std', 'inline namespace v1 {',
      'namespace fs = std::filesystem;', 'class Foo;', 'class LLVM_LIBRARY_VISIBILITY Foo : public Bar {',
      'struct Derived : public Base {', ' public:', 'using namespace std;', 'using Map = std::map<int, int>;',
      'using std::string;', '#include <vector>', '  virtual void run() = 0;', '  explicit Foo(int x);',
      '  friend class Bar;',
    ]) {
      assert.equal(headerLooksLikeCpp(`int a;\n${line}\n`), true, line);
    }
  });

  test('prose, C identifiers and C headers never look like C++', () => {
    for (const text of [
      ' * the class of the buffer is decided by its owner {see above}', // a comment line starts with *
      'int class_id; struct class_info { int public_count; };',
      '#include <stdio.h>\n#include <sys/types.h>',
      '\t\t\t\t   virtual interrupts */', // glibc's asm/vm86.h: prose that starts with a keyword
      '   explicit creation and manipulation of locale_t objects', // glibc's locale.h
      'extern "C++" int abs(int);', // a C header's C++ overloads (glibc) do not make it C++
    ]) {
      assert.equal(headerLooksLikeCpp(text), false, text);
    }
  });

  test('__cplusplus blocks: existence tests hide their lines, version tests do not, #else flips a negated test', () => {
    assert.equal(headerLooksLikeCpp('#if defined(__cplusplus) && !defined(NO_CXX)\nclass Guard {};\n#endif\n'), false);
    assert.equal(headerLooksLikeCpp('#if __cplusplus\nnamespace x {}\n#endif\n'), false);
    assert.equal(headerLooksLikeCpp('#if __cplusplus >= 201103L\ntemplate <class T> using Ptr = T *;\n#endif\n'), true);
    assert.equal(headerLooksLikeCpp('#ifndef __cplusplus\ntypedef int bool;\n#else\nclass Guard {};\n#endif\n'), false);
    assert.equal(headerLooksLikeCpp('#if !defined(__cplusplus)\nint x;\n#else\nclass Guard {};\n#endif\nclass After {};\n'), true);
    assert.equal(headerLooksLikeCpp('#ifdef __cplusplus\n#  ifdef X\n#  endif\nclass Inner {};\n#endif\n'), false, 'nested blocks');
    assert.equal(headerLooksLikeCpp('#ifdef __cplusplus\nint a;\n#elif defined(FOO)\nclass Elif {};\n#endif\n'), true);
    assert.equal(headerLooksLikeCpp('#endif\n#else\nclass Stray {};\n'), true, 'unbalanced directives (a window cut mid-file) are ignored');
  });
});

describe('HeaderMajority', () => {
  test('plain headers follow the C-family majority; the ones recorded before it turned are handed back to relabel', () => {
    const m = new HeaderMajority();
    assert.equal(m.record('a.h', 'c', true), 'c', 'no evidence: C, as the extension says');
    assert.equal(m.record('x.ts', 'typescript', false), 'typescript');
    assert.equal(m.record('b.cpp', 'cpp', false), 'cpp');
    assert.deepEqual(m.settle(), [], 'one C (the plain header) against one C++: a tie stays C');
    m.record('c.cc', 'cpp', false);
    assert.equal(m.headerLanguage, 'cpp');
    m.record('e.hpp', 'cpp', false);
    assert.equal(m.record('d.h', 'c', true), 'cpp', 'a plain header recorded now gets C++ at once (it counts as C: 3 to 2)');
    assert.deepEqual(m.settle(), [{ path: 'a.h', language: 'cpp' }]);
    assert.deepEqual(m.settle(), [], 'settled');
    m.forget('c.cc');
    assert.deepEqual(m.settle().map((r) => `${r.path} ${r.language}`).sort(), ['a.h c', 'd.h c']);
  });

  test('a file recorded again moves its vote; a majority that turns and turns back within a batch relabels nothing', () => {
    const m = new HeaderMajority();
    m.record('a.h', 'c', true);
    m.record('b.cpp', 'cpp', false);
    m.record('c.cpp', 'cpp', false);
    m.settle();
    m.record('c.cpp', 'c', false); // renamed in place to C? recorded again with another language
    m.record('c.cpp', 'cpp', false);
    assert.deepEqual(m.settle(), []);
    assert.equal(m.headerLanguage, 'cpp');
  });
});

describe('the index records headers by their text, then by the majority, and keeps them right', () => {
  test('inspectFile: a C++ header is cpp; a header showing neither is c, marked plain', () => {
    const dir = tempDir();
    for (const name of ['widget.h', 'ring_buffer.h', 'config.h']) write(join(dir, name), header(name));
    write(join(dir, 'empty.h'), '');
    const language = (name: string) => {
      const r = inspectFile(join(dir, name), name, 1 << 20);
      return r.kind === 'text' ? `${r.language}${r.plainHeader ? ' plain' : ''}` : r.kind;
    };
    assert.deepEqual(['widget.h', 'ring_buffer.h', 'config.h', 'empty.h'].map(language), ['cpp', 'c plain', 'c plain', 'c plain']);
  });

  test('watch-mode batches: C++ sources arriving turn the plain headers C++ (announced as changed), leaving turns them back', () => {
    const root = tempDir();
    write(join(root, 'include/config.h'), header('config.h'));
    write(join(root, 'include/ring_buffer.h'), header('ring_buffer.h'));
    write(join(root, 'include/widget.h'), header('widget.h'));
    write(join(root, 'src/ring.c'), '#include "ring_buffer.h"\nint ring_push(struct ring_buffer *rb, unsigned char b) { return 0; }\n');
    const index = WorkspaceIndex.open(root);
    const languages = () => Object.fromEntries(index.list().filter((f) => f.path.startsWith('include/')).map((f) => [f.path.slice(8), f.language]));
    assert.deepEqual(languages(), { 'config.h': 'c', 'ring_buffer.h': 'c', 'widget.h': 'cpp' }, 'C: ring.c and two plain headers against one C++ header');

    const news: string[] = [];
    index.onDidChange((changes) => news.push(...changes.map((c) => `${c.kind} ${c.path} ${c.file?.language ?? ''}`.trim())));
    const sources = ['app.cpp', 'main.cpp', 'view.cc', 'model.cxx'];
    for (const name of sources) write(join(root, 'src', name), `#include "widget.h"\nint ${name.replace('.', '_')}() { return 0; }\n`);
    index.applyChanges(sources.map((name) => ({ path: `src/${name}`, kind: 'created' as const })));
    assert.deepEqual(languages(), { 'config.h': 'cpp', 'ring_buffer.h': 'cpp', 'widget.h': 'cpp' });
    assert.deepEqual(news.sort(), [
      'changed include/config.h cpp', 'changed include/ring_buffer.h cpp',
      'created src/app.cpp cpp', 'created src/main.cpp cpp', 'created src/model.cxx cpp', 'created src/view.cc cpp',
    ]);

    news.length = 0;
    write(join(root, 'include/new.h'), '#define NEW 1\n');
    index.applyChange('include/new.h', 'created');
    assert.deepEqual(news, ['created include/new.h cpp'], 'a plain header arriving now is C++ from the start (5 to 4)');

    news.length = 0;
    for (const name of ['app.cpp', 'main.cpp']) unlinkSync(join(root, 'src', name));
    index.applyChanges([{ path: 'src/app.cpp', kind: 'deleted' }, { path: 'src/main.cpp', kind: 'deleted' }]);
    assert.equal(index.get('include/config.h')!.language, 'c', 'three plain headers and ring.c outvote two sources and widget.h');
    assert.deepEqual(news.sort(), [
      'changed include/config.h c', 'changed include/new.h c', 'changed include/ring_buffer.h c',
      'deleted src/app.cpp', 'deleted src/main.cpp',
    ]);

    // A fresh walk (headers met before or after the sources, as readdir has it) ends where the updates did.
    const fresh = WorkspaceIndex.open(root);
    assert.deepEqual(fresh.list().map((f) => `${f.path} ${f.language}`), index.list().map((f) => `${f.path} ${f.language}`));
    write(join(root, 'src/extra1.cpp'), 'int e1;\n');
    write(join(root, 'src/extra2.cpp'), 'int e2;\n');
    assert.equal(WorkspaceIndex.open(root).get('include/config.h')!.language, 'cpp', 'majority decided after the whole walk');
  });

  test('the symbol index parses a relabelled header with the grammar its record names', { timeout: 60_000 }, async () => {
    const root = tempDir();
    write(join(root, 'include/config.h'), header('config.h'));
    write(join(root, 'src/ring.c'), 'int ring_size(void) { return 0; }\n');
    const ws = await CodeWorkspace.openAsync(root, { cacheDir: false, workers: 1 });
    try {
      await ws.ready;
      const cppFiles = async () => [...new Set((await ws.astQuery('(translation_unit) @unit', { language: 'cpp' })).items.map((m) => m.path))];
      assert.deepEqual((await ws.files('*.h')).items.map((f) => f.language), ['c']);
      assert.deepEqual(await cppFiles(), []);
      const sources = ['a.cpp', 'b.cpp', 'c.cpp'];
      for (const name of sources) write(join(root, 'src', name), 'namespace app { int run() { return 0; } }\n');
      ws.index.applyChanges(sources.map((name) => ({ path: `src/${name}`, kind: 'created' as const })));
      await ws.ready;
      assert.deepEqual((await ws.files('*.h')).items.map((f) => f.language), ['cpp'], 'files() shows the new language');
      assert.deepEqual(await cppFiles(), ['include/config.h', 'src/a.cpp', 'src/b.cpp', 'src/c.cpp'], 'and the syntax layer uses it');
      assert.deepEqual((await ws.symbols({ path: 'include/config.h', kind: 'function' })).items.map((s) => s.name), ['ui_version']);
    } finally {
      ws.dispose();
    }
  });
});
