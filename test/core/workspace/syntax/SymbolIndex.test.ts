// The symbol index on real files in a temp dir: background indexing in worker threads, the cache file,
// incremental updates, urgent parsing for queries made before indexing finishes, outlines and AST queries,
// all answered without parsing on this thread.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { QueryWorkers } from '../../../../src/core/workspace/queries/QueryWorkers';
import { SymbolIndex } from '../../../../src/core/workspace/syntax/SymbolIndex';
import { SymbolQueries } from '../../../../src/core/workspace/syntax/SymbolQueries';
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
const open: Array<{ dispose(): void }> = [];

function record(path: string, language: string): SourceFileRecord {
  const st = statSync(join(root, path));
  return { path, language, bytes: st.size, mtimeMs: st.mtimeMs };
}

function records(): SourceFileRecord[] {
  return LAYOUT.map(([path, , language]) => record(path, language));
}

interface Opened {
  index: SymbolIndex;
  queries: SymbolQueries;
}

async function openIndex(options: { workers?: number; cache?: boolean; budgetMs?: number } = {}): Promise<Opened> {
  const index = await SymbolIndex.open({ root, files: records(), workers: options.workers ?? 1, cacheDir: options.cache === false ? undefined : cacheDir });
  const workers = new QueryWorkers({ assets: index.assets });
  open.push(index, workers);
  return { index, queries: new SymbolQueries(index, workers, options.budgetMs ?? 10_000) };
}

const names = (result: { items: Array<{ name: string }> }) => result.items.map((s) => s.name);

before(() => {
  root = mkdtempSync(join(tmpdir(), 'symbol-index-'));
  cacheDir = join(root, '.cache');
  for (const [path, fixture] of LAYOUT) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    copyFileSync(join(FIXTURES, fixture), join(root, path));
  }
});

after(() => {
  for (const item of open) item.dispose();
  rmSync(root, { recursive: true, force: true });
});

// A broken pool would leave `ready` pending forever: fail instead.
describe('SymbolIndex', { timeout: 60_000 }, () => {
  test('indexes in worker threads, then a second open reparses nothing (cache hit)', async () => {
    const { index: first, queries } = await openIndex({ workers: 2 });
    await first.ready;
    const s1 = first.stats();
    assert.equal(s1.ready, true);
    assert.equal(s1.parseableFiles, 4);
    assert.equal(s1.parsedInBackground, 4);
    assert.equal(s1.parsedUrgently, 0);
    assert.equal(s1.failedFiles, 0);
    const go = (await queries.symbols({ path: 'store/store.go', kind: 'method' })).items;
    assert.deepEqual(go.map((s) => `${s.container}.${s.name}@${s.line}`), ['Getter.Get@10', 'Store.Get@27', 'Store.Len@34']);
    await first.close(); // saves the cache file

    const { index: second, queries: again } = await openIndex();
    const s2 = second.stats();
    assert.equal(s2.ready, true, 'everything came from the cache, so ready at once');
    assert.equal(s2.cacheHits, 4);
    assert.equal(s2.parsedInBackground + s2.parsedUrgently, 0);
    assert.deepEqual((await again.symbols({ path: 'store/store.go', kind: 'method' })).items, go);
  });

  test('answers before background indexing is done by parsing urgently only what the query needs', async () => {
    const { index, queries } = await openIndex({ cache: false, workers: 1 });
    assert.equal(index.stats().ready, false);
    const byName = await queries.symbols({ name: 'TaskQueue' });
    assert.deepEqual(byName, { items: [{ name: 'TaskQueue', kind: 'class', line: 22, endLine: 31, path: 'tasks/queue.py' }] });
    const byPath = await queries.symbols({ path: 'src/cache.ts', kind: ['enum', 'interface'] });
    assert.deepEqual(byPath.items.map((s) => `${s.kind} ${s.name}`), ['interface CacheEntry', 'enum Eviction']);
    await index.ready;
    const stats = index.stats();
    assert.equal(stats.parsedUrgently + stats.parsedInBackground, 4, 'each file parsed once: workers skip what was parsed urgently');
    assert.equal((await queries.symbols({ name: 'TaskQueue' })).items.length, 1, 'no duplicates once the workers are done');
  });

  test('concurrent name queries before ready each get their definitions (a file skipped for one name is not skipped for another)', async () => {
    const { index, queries } = await openIndex({ cache: false, workers: 1 });
    const [tasks, buses, all] = await Promise.all([
      queries.symbols({ name: 'TaskQueue' }),
      queries.symbols({ name: 'EventBus' }),
      queries.symbols({ kind: 'class' }),
    ]);
    assert.deepEqual(names(tasks), ['TaskQueue']);
    assert.deepEqual(names(buses), ['EventBus']);
    assert.ok(names(all).includes('TaskQueue') && names(all).includes('EventBus'));
    await index.ready;
  });

  test('a query with no filter before ready waits for the rest (in the workers), within its budget', async () => {
    const { index, queries } = await openIndex({ cache: false });
    const all = await queries.symbols();
    assert.equal(all.incomplete, undefined);
    assert.equal(index.stats().indexedFiles, 4);
    assert.ok(all.items.some((s) => s.name === 'EventBus' && s.path === 'src/bus.js'));
    assert.ok(all.items.some((s) => s.name === 'Store' && s.kind === 'struct'));
  });

  test('past its budget a query answers with what is parsed and says how many files are missing', async () => {
    const { index, queries } = await openIndex({ cache: false, budgetMs: 1 });
    const partial = await queries.symbols({ kind: 'class' });
    assert.match(partial.incomplete ?? '', /^[1-4] matching files? (is|are) not parsed yet \(indexing is still running\)/);
    await index.ready;
    assert.equal((await queries.symbols({ kind: 'class' })).incomplete, undefined);
  });

  test('name and path filters take globs and /regex/ (run in a query worker); bad ones are refused clearly', async () => {
    const { index, queries } = await openIndex();
    await index.ready;
    assert.deepEqual(names(await queries.symbols({ name: 'create*' })), ['createBus', 'createCache']);
    assert.deepEqual(names(await queries.symbols({ name: '/^(New|run_all)$/' })), ['New', 'run_all']);
    assert.deepEqual((await queries.symbols({ name: '/^get$/i', path: 'src/**/*.ts' })).items.map((s) => `${s.path}:${s.line}`), ['src/cache.ts:19']);
    assert.equal((await queries.symbols({ path: 'src' })).items.every((s) => s.path.startsWith('src/')), true);
    await assert.rejects(queries.symbols({ name: '/(/' }), /Invalid name regex \/\(\/.*\/source\/flags/);
    await assert.rejects(queries.symbols({ kind: 3 } as never), /symbols: kind must be a string or an array of strings/);
    await assert.rejects(queries.symbols('Task' as never), /symbols: the filter must be an object/);
    await assert.rejects(queries.symbols({ name: 5 } as never), /symbols: name must be a string/);
    await assert.rejects(queries.symbols({ maxResults: 0 }), /symbols: maxResults must be a whole number of at least 1/);
  });

  test('a name regex that backtracks for minutes fails within the budget, naming the pattern', async () => {
    const evil = 'a'.repeat(40) + 'b';
    writeFileSync(join(root, 'src/evil.js'), `function ${evil}() {}\n`);
    const { index, queries } = await openIndex({ cache: false, budgetMs: 500 });
    index.update([record('src/evil.js', 'javascript')]);
    await index.ready;
    await queries.symbols({ name: 'x*' }); // a warm query worker: the budget measures the match, not the thread's start
    const started = Date.now();
    await assert.rejects(queries.symbols({ name: '/^(a+)+$/' }), /symbols: the pattern "\/\^\(a\+\)\+\$\/" is too slow to match/);
    assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
    index.remove(['src/evil.js']);
    rmSync(join(root, 'src/evil.js'));
  });

  test('maxResults caps a large answer and says so', async () => {
    const { index, queries } = await openIndex();
    await index.ready;
    const capped = await queries.symbols({ maxResults: 3 });
    assert.equal(capped.items.length, 3);
    assert.match(capped.incomplete ?? '', /showing the first 3 of \d+ definitions/);
  });

  test('update() reindexes a changed file in the background; remove() drops it', async () => {
    const { index, queries } = await openIndex();
    await index.ready;
    writeFileSync(join(root, 'src/bus.js'), 'function renamedBus() {\n  return 1;\n}\n');
    index.update([record('src/bus.js', 'javascript')]);
    assert.equal(index.stats().ready, false);
    await index.ready;
    assert.deepEqual((await queries.symbols({ path: 'src/bus.js' })).items.map((s) => `${s.kind} ${s.name} ${s.line}-${s.endLine}`), ['function renamedBus 1-3']);
    assert.equal((await queries.symbols({ name: 'EventBus' })).items.length, 0);
    index.remove(['src/bus.js']);
    assert.equal((await queries.symbols({ name: 'renamedBus' })).items.length, 0);
    await assert.rejects(queries.outline('src/bus.js'), /not a file of this workspace.*files\(\)/);
    // Put it back for the other tests.
    copyFileSync(join(FIXTURES, 'sample.js'), join(root, 'src/bus.js'));
  });

  test('outline() indents definitions by nesting, with line ranges', async () => {
    const { index, queries } = await openIndex({ workers: 1, cache: false });
    assert.equal(await queries.outline('tasks/queue.py'), [
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
    assert.match(await queries.outline('store/store.go'), /\n {2}method Get \(Store\) {2}27-32\n/);
    assert.equal(await queries.outline('README.md'), 'README.md: no outline (no grammar for language "markdown")');
    await index.ready;
    assert.equal(index.stats().indexedFiles, 4);
  });

  test('astQuery() returns captures per match, stops at maxResults, names the position of a query error', async () => {
    const { index, queries } = await openIndex();
    await index.ready;
    const fns = (await queries.astQuery('(function_declaration name: (identifier) @fn) @decl', { language: 'typescript' })).items;
    assert.equal(fns.length, 1);
    assert.equal(fns[0].path, 'src/cache.ts');
    assert.equal(fns[0].language, 'typescript');
    const [decl, fn] = fns[0].captures;
    assert.deepEqual(fn, { name: 'fn', text: 'createCache', line: 30, endLine: 30 });
    assert.equal(decl.name, 'decl');
    assert.match(decl.text, /^function createCache<T>\(ttlMs: number\)/);
    assert.deepEqual([decl.line, decl.endLine], [30, 32]);

    // Without a language the query runs where it compiles (Go and JS have function_declaration; Python not).
    const anywhere = (await queries.astQuery('(function_declaration name: (identifier) @fn)')).items;
    assert.deepEqual(anywhere.map((m) => `${m.path}:${m.captures[0].text}`).sort(), ['src/bus.js:createBus', 'src/cache.ts:createCache', 'store/store.go:New']);
    const five = await queries.astQuery('(identifier) @id', { glob: 'tasks/*.py', maxResults: 5 });
    assert.equal(five.items.length, 5);
    assert.match(five.incomplete ?? '', /stopped at 5 matches \(maxResults\)/);

    await assert.rejects(queries.astQuery('(class_definition name: (identifer) @n)', { language: 'python' }),
      /invalid query for language "python" at line 1, column 26: Bad node name 'identifer'/);
    await assert.rejects(queries.astQuery('(function_definition', { language: 'python' }), /invalid query for language "python".*Bad syntax/);
    await assert.rejects(queries.astQuery('(x)', { language: 'cobol' }), /no grammar for language "cobol"\. Languages with grammars: typescript/);
    await assert.rejects(queries.astQuery(42 as never), /ast_query: query must be a Tree-sitter query string/);
    await assert.rejects(queries.astQuery('(x)', { maxResults: 'all' } as never), /ast_query: maxResults must be a whole number/);
  });

  test('an AST query whose #match? regex backtracks is stopped within its budget; the next query works', async () => {
    writeFileSync(join(root, 'src/evil.ts'), `const s = "${'a'.repeat(34)}!";\n`);
    const { index, queries } = await openIndex({ cache: false, budgetMs: 500 });
    index.update([record('src/evil.ts', 'typescript')]);
    await index.ready;
    await queries.astQuery('(string_fragment) @s', { language: 'typescript' }); // grammar loaded in a warm worker
    const started = Date.now();
    const slow = await queries.astQuery('((string_fragment) @s (#match? @s "^(a+)+$"))', { language: 'typescript' }).then((answer) => answer.incomplete, (error: Error) => error.message);
    // On a starved machine the thread may not reach the file within 0.5 s: then it says it ran out of time, blaming nothing.
    assert.match(slow ?? '', /^ast_query: the query did not finish within 0\.5 s and was stopped|^ran out of time before any file was searched \(0\.5 s budget\)/);
    assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
    assert.equal((await queries.astQuery('(string_fragment) @s', { glob: 'src/evil.ts' })).items.length, 1);
    index.remove(['src/evil.ts']);
    rmSync(join(root, 'src/evil.ts'));
  });

  test('a cached file whose language changed (a .h header turned C++) is reparsed with the new grammar', async () => {
    const dir = join(root, 'headers-cache');
    mkdirSync(join(dir, 'include'), { recursive: true });
    copyFileSync(join(FIXTURES, 'headers', 'config.h'), join(dir, 'include', 'config.h'));
    const st = statSync(join(dir, 'include', 'config.h'));
    const asLanguage = async (language: string) => {
      const index = await SymbolIndex.open({ root: dir, files: [{ path: 'include/config.h', language, bytes: st.size, mtimeMs: st.mtimeMs }], workers: 0, cacheDir });
      const workers = new QueryWorkers({ assets: index.assets });
      open.push(index, workers);
      await index.ready;
      const stats = index.stats();
      const hits = stats.cacheHits;
      const matches = (await new SymbolQueries(index, workers, 10_000).astQuery('(translation_unit) @unit', { language })).items.length;
      await index.close();
      workers.dispose();
      return { hits, matches, symbols: stats.symbols };
    };
    assert.deepEqual(await asLanguage('c'), { hits: 0, matches: 1, symbols: 7 });
    assert.deepEqual(await asLanguage('c'), { hits: 1, matches: 1, symbols: 7 });
    assert.deepEqual(await asLanguage('cpp'), { hits: 0, matches: 1, symbols: 7 }, 'not the C parse from the cache');
  });

  test('when workers cannot start (worker file missing), indexing falls back to this thread', async () => {
    const assets = { ...locateSyntaxAssets(), workerEntry: join(root, 'missing', 'syntaxWorker.js') };
    const index = await SymbolIndex.open({ root, files: records(), workers: 2, assets });
    const workers = new QueryWorkers({ assets: locateSyntaxAssets() });
    open.push(index, workers);
    await index.ready;
    const stats = index.stats();
    assert.equal(stats.indexedFiles, 4);
    assert.equal(stats.failedFiles, 0, 'a start failure is not the files\' fault');
    assert.equal((await new SymbolQueries(index, workers, 10_000).symbols({ name: 'EventBus', kind: 'class' })).items.length, 1);
  });
});

describe('a large file list reaches the index in slices, in order', () => {
  test('one update of 20,000 files holds the thread for one slice; the changes after it apply after it; queries wait for all of them', async () => {
    const index = await SymbolIndex.open({ root, files: records(), workers: 1, complete: false });
    const workers = new QueryWorkers({ assets: index.assets });
    open.push(index, workers);
    const queries = new SymbolQueries(index, workers, 10_000);
    // Files that are not there (markdown: never parsed) stand for a walk's many records.
    const many = Array.from({ length: 20_000 }, (_, i) => ({ path: `gen/${String(i).padStart(5, '0')}.md`, language: 'markdown', bytes: 10, mtimeMs: 1 }));
    const before = index.fileCount;
    let held = performance.now();
    index.update(many);
    held = performance.now() - held;
    assert.ok(index.fileCount < before + many.length, 'not all at once');
    assert.ok(held < 50, `update() held the thread ${held.toFixed(0)} ms`);
    // Given after it, applied after it: a removal, a change of language, the list complete.
    index.remove(['gen/00007.md']);
    index.update([{ ...many[8]!, language: 'typescript', bytes: 11 }]);
    index.completeFileList();
    assert.equal(index.record('gen/00008.md')?.language ?? 'not yet', 'not yet');
    const all = await queries.symbols({ path: 'gen/**', maxResults: 50_000 });
    assert.equal(index.fileCount, before + many.length - 1);
    assert.equal(index.record('gen/00007.md'), undefined);
    assert.equal(index.record('gen/00008.md')?.language, 'typescript');
    assert.equal(all.incomplete, undefined);
    await index.caughtUp();
    await index.ready;
  });
});
