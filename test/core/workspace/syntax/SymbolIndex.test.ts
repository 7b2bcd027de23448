// The symbol index on real files in a temp dir: background indexing in worker threads, the cache file,
// incremental updates, synchronous answers before indexing finishes, outlines and AST queries.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SymbolIndex } from '../../../../src/core/workspace/syntax/SymbolIndex';
import { locateSyntaxAssets } from '../../../../src/core/workspace/syntax/SyntaxAssets';
import type { SourceFileRecord } from '../../../../src/core/workspace/syntax/types';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'syntax');
// Four grammars keep worker start-up (grammar load + query compile per language) short.
const LAYOUT: Array<[string, string, string]> = [
  ['src/cache.ts', 'sample.ts', 'typescript'],
  ['src/bus.js', 'sample.js', 'javascript'],
  ['tasks/queue.py', 'sample.py', 'python'],
  ['store/store.go', 'sample.go', 'go'],
  ['README.md', 'sample.py', 'markdown'], // no grammar: no symbols, no error
];

let root: string;
let cacheDir: string;
const open: SymbolIndex[] = [];

function record(path: string, language: string): SourceFileRecord {
  const st = statSync(join(root, path));
  return { path, language, bytes: st.size, mtimeMs: st.mtimeMs };
}

function records(): SourceFileRecord[] {
  return LAYOUT.map(([path, , language]) => record(path, language));
}

async function openIndex(options: { workers?: number; cache?: boolean } = {}): Promise<SymbolIndex> {
  const index = await SymbolIndex.open({ root, files: records(), workers: options.workers ?? 1, cacheDir: options.cache === false ? undefined : cacheDir });
  open.push(index);
  return index;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'symbol-index-'));
  cacheDir = join(root, '.cache');
  for (const [path, fixture] of LAYOUT) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    copyFileSync(join(FIXTURES, fixture), join(root, path));
  }
});

after(() => {
  for (const index of open) index.dispose();
  rmSync(root, { recursive: true, force: true });
});

// A broken pool would leave `ready` pending forever: fail instead.
describe('SymbolIndex', { timeout: 60_000 }, () => {
  test('indexes in worker threads, then a second open reparses nothing (cache hit)', async () => {
    const first = await openIndex({ workers: 2 });
    await first.ready;
    const s1 = first.stats();
    assert.equal(s1.ready, true);
    assert.equal(s1.parseableFiles, 4);
    assert.equal(s1.parsedInBackground, 4);
    assert.equal(s1.parsedOnDemand, 0);
    assert.equal(s1.failedFiles, 0);
    const go = first.symbols({ path: 'store/store.go', kind: 'method' });
    assert.deepEqual(go.map((s) => `${s.container}.${s.name}@${s.line}`), ['Getter.Get@10', 'Store.Get@27', 'Store.Len@34']);
    first.dispose(); // flushes the cache file

    const second = await openIndex();
    const s2 = second.stats();
    assert.equal(s2.ready, true, 'everything came from the cache, so ready at once');
    assert.equal(s2.cacheHits, 4);
    assert.equal(s2.parsedInBackground + s2.parsedOnDemand, 0);
    assert.deepEqual(second.symbols({ path: 'store/store.go', kind: 'method' }), go);
  });

  test('answers synchronously before background indexing is done, parsing only what the query needs', async () => {
    const index = await openIndex({ cache: false });
    assert.equal(index.stats().ready, false);
    // No worker message can arrive during this synchronous code: these come from on-demand parsing.
    const byName = index.symbols({ name: 'TaskQueue' });
    assert.deepEqual(byName, [{ name: 'TaskQueue', kind: 'class', line: 22, endLine: 31, path: 'tasks/queue.py' }]);
    assert.equal(index.stats().parsedOnDemand, 1, 'the text prefilter left out the files that do not mention the name');
    const byPath = index.symbols({ path: 'src/cache.ts', kind: ['enum', 'interface'] });
    assert.deepEqual(byPath.map((s) => `${s.kind} ${s.name}`), ['interface CacheEntry', 'enum Eviction']);
    assert.equal(index.stats().parsedOnDemand, 2);
    await index.ready;
    const stats = index.stats();
    assert.equal(stats.parsedOnDemand + stats.parsedInBackground, 4, 'workers skip files already parsed on demand');
    assert.equal(index.symbols({ name: 'TaskQueue' }).length, 1, 'no duplicates once the workers are done');
  });

  test('a query with no filter before ready parses the rest on the calling thread', async () => {
    const index = await openIndex({ cache: false });
    const all = index.symbols();
    assert.equal(index.stats().indexedFiles, 4);
    assert.ok(all.some((s) => s.name === 'EventBus' && s.path === 'src/bus.js'));
    assert.ok(all.some((s) => s.name === 'Store' && s.kind === 'struct'));
    await index.ready;
  });

  test('name and path filters take globs and /regex/', async () => {
    const index = await openIndex();
    await index.ready;
    assert.deepEqual(index.symbols({ name: 'create*' }).map((s) => s.name), ['createCache', 'createBus']);
    assert.deepEqual(index.symbols({ name: '/^(New|run_all)$/' }).map((s) => s.name), ['run_all', 'New']);
    assert.deepEqual(index.symbols({ name: '/^get$/i', path: 'src/**/*.ts' }).map((s) => `${s.path}:${s.line}`), ['src/cache.ts:19']);
    assert.equal(index.symbols({ path: 'src' }).every((s) => s.path.startsWith('src/')), true);
    assert.throws(() => index.symbols({ name: '/(/' }), /Invalid name regex \/\(\/.*\/source\/flags/);
  });

  test('update() reindexes a changed file in the background; remove() drops it', async () => {
    const index = await openIndex();
    await index.ready;
    writeFileSync(join(root, 'src/bus.js'), 'function renamedBus() {\n  return 1;\n}\n');
    index.update([record('src/bus.js', 'javascript')]);
    assert.equal(index.stats().ready, false);
    await index.ready;
    assert.deepEqual(index.symbols({ path: 'src/bus.js' }).map((s) => `${s.kind} ${s.name} ${s.line}-${s.endLine}`), ['function renamedBus 1-3']);
    assert.equal(index.symbols({ name: 'EventBus' }).length, 0);
    index.remove(['src/bus.js']);
    assert.equal(index.symbols({ name: 'renamedBus' }).length, 0);
    assert.throws(() => index.outline('src/bus.js'), /not a file of this workspace.*files\(\)/);
    // Put it back for the other tests.
    copyFileSync(join(FIXTURES, 'sample.js'), join(root, 'src/bus.js'));
  });

  test('outline() indents definitions by nesting, with line ranges', async () => {
    const index = await openIndex({ workers: 0, cache: false });
    assert.equal(index.outline('tasks/queue.py'), [
      'tasks/queue.py (9 definitions)',
      '  constant MAX_RETRIES  5',
      '  class Priority  8-10',
      '  class Task  14-19',
      '    method describe  18-19',
      '  class TaskQueue  22-31',
      '    method __init__  23-24',
      '    method push  26-31',
      '      function key  27-28',
      '  function run_all  34-35',
    ].join('\n'));
    assert.match(index.outline('store/store.go'), /\n {2}method Get \(Store\) {2}27-32\n/);
    assert.equal(index.outline('README.md'), 'README.md: no outline (no grammar for language "markdown")');
    assert.equal(index.stats().parsedOnDemand, 2, 'outline parses just its file');
    await index.ready; // workers: 0 indexes the rest in slices on this thread
    assert.equal(index.stats().indexedFiles, 4);
  });

  test('astQuery() returns captures per match, stops at maxResults, names the position of a query error', async () => {
    const index = await openIndex();
    await index.ready;
    const fns = index.astQuery('(function_declaration name: (identifier) @fn) @decl', { language: 'typescript' });
    assert.equal(fns.length, 1);
    assert.equal(fns[0].path, 'src/cache.ts');
    assert.equal(fns[0].language, 'typescript');
    const [decl, fn] = fns[0].captures;
    assert.deepEqual(fn, { name: 'fn', text: 'createCache', line: 30, endLine: 30 });
    assert.equal(decl.name, 'decl');
    assert.match(decl.text, /^function createCache<T>\(ttlMs: number\)/);
    assert.deepEqual([decl.line, decl.endLine], [30, 32]);

    // Without a language the query runs where it compiles (Go and JS have function_declaration; Python not).
    const anywhere = index.astQuery('(function_declaration name: (identifier) @fn)');
    assert.deepEqual(anywhere.map((m) => `${m.path}:${m.captures[0].text}`).sort(), ['src/bus.js:createBus', 'src/cache.ts:createCache', 'store/store.go:New']);
    assert.equal(index.astQuery('(identifier) @id', { glob: 'tasks/*.py', maxResults: 5 }).length, 5);

    assert.throws(() => index.astQuery('(class_definition name: (identifer) @n)', { language: 'python' }),
      /invalid query for language "python" at line 1, column 26: Bad node name 'identifer'/);
    assert.throws(() => index.astQuery('(function_definition', { language: 'python' }), /invalid query for language "python".*Bad syntax/);
    assert.throws(() => index.astQuery('(x)', { language: 'cobol' }), /no grammar for language "cobol"\. Languages with grammars: typescript/);
  });

  test('a cached file whose language changed (a .h header turned C++) is reparsed with the new grammar', async () => {
    const dir = join(root, 'headers-cache');
    mkdirSync(join(dir, 'include'), { recursive: true });
    copyFileSync(join(FIXTURES, 'headers', 'config.h'), join(dir, 'include', 'config.h'));
    const st = statSync(join(dir, 'include', 'config.h'));
    const asLanguage = async (language: string) => {
      const index = await SymbolIndex.open({ root: dir, files: [{ path: 'include/config.h', language, bytes: st.size, mtimeMs: st.mtimeMs }], workers: 0, cacheDir });
      open.push(index);
      await index.ready;
      const stats = index.stats();
      const hits = stats.cacheHits;
      const matches = index.astQuery('(translation_unit) @unit', { language }).length;
      index.dispose();
      return { hits, matches, symbols: stats.symbols };
    };
    assert.deepEqual(await asLanguage('c'), { hits: 0, matches: 1, symbols: 7 });
    assert.deepEqual(await asLanguage('c'), { hits: 1, matches: 1, symbols: 7 });
    assert.deepEqual(await asLanguage('cpp'), { hits: 0, matches: 1, symbols: 7 }, 'not the C parse from the cache');
  });

  test('when workers cannot start (worker file missing), indexing falls back to this thread', async () => {
    const assets = { ...locateSyntaxAssets(), workerEntry: join(root, 'missing', 'syntaxWorker.js') };
    const index = await SymbolIndex.open({ root, files: records(), workers: 2, assets });
    open.push(index);
    await index.ready;
    const stats = index.stats();
    assert.equal(stats.indexedFiles, 4);
    assert.equal(stats.failedFiles, 0, 'a start failure is not the files\' fault');
    assert.ok(index.symbols({ name: 'EventBus', kind: 'class' }).length === 1);
  });
});
