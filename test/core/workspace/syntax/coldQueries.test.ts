// A cold symbol index never answers in part silently (issue 17). A name query parses only the files whose text
// holds the name; the others are skipped for that query, and must stay "not parsed" for every later one: the
// unfiltered query, per-folder and per-kind queries, outlines and the cache on disk. Real Tree-sitter in worker
// threads on real code: the openai SDK's TypeScript sources (about 300 files) from this repo's node_modules.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { QueryWorkers } from '../../../../src/core/workspace/queries/QueryWorkers';
import { SymbolIndex } from '../../../../src/core/workspace/syntax/SymbolIndex';
import { SymbolQueries } from '../../../../src/core/workspace/syntax/SymbolQueries';
import type { CodeSymbol, SourceFileRecord } from '../../../../src/core/workspace/syntax/types';
import { OPENAI_SOURCES, scanTypeScript } from './openaiSources';

const ALL = { maxResults: 50_000 };
/** In few files: a name query for it skips almost every file. */
const RARE_NAME = 'Completions';

let root: string;
let cacheDir: string;
let files: SourceFileRecord[];
const open: Array<{ dispose(): void }> = [];
/** What a cold index answers when the unfiltered query is the first one (nothing skipped before it). */
let whole: CodeSymbol[];

async function openCold(options: { budgetMs?: number; cache?: boolean } = {}): Promise<{ index: SymbolIndex; queries: SymbolQueries }> {
  const index = await SymbolIndex.open({ root, files, workers: 2, cacheDir: options.cache ? cacheDir : undefined });
  const workers = new QueryWorkers({ assets: index.assets });
  open.push(index, workers);
  return { index, queries: new SymbolQueries(index, workers, options.budgetMs ?? 20_000) };
}

const key = (s: CodeSymbol) => `${s.path}:${s.line}:${s.kind}:${s.name}`;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'cold-queries-'));
  cacheDir = join(tmpdir(), `${root.split(/[\\/]/).pop()}-cache`);
  cpSync(OPENAI_SOURCES, root, { recursive: true });
  files = scanTypeScript(root);
  const { index, queries } = await openCold();
  const first = await queries.symbols(ALL);
  assert.equal(first.incomplete, undefined, 'a generous budget parses everything');
  whole = first.items;
  assert.equal(whole.length, index.stats().symbols);
  index.dispose();
});

after(() => {
  for (const item of open) item.dispose();
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('a cold index after a name query', { timeout: 120_000 }, () => {
  test('the corpus is big enough for the name query to skip most files', () => {
    assert.ok(files.length > 200, `${files.length} files`);
    assert.ok(whole.length > 2_000, `${whole.length} definitions`);
    const defining = new Set(whole.filter((s) => s.name === RARE_NAME).map((s) => s.path));
    assert.ok(defining.size >= 1 && defining.size < 10, `${defining.size} files define ${RARE_NAME}`);
  });

  test('the unfiltered query that follows a name query is whole', async () => {
    const { queries } = await openCold();
    const named = await queries.symbols({ name: RARE_NAME });
    assert.equal(named.incomplete, undefined);
    assert.deepEqual(named.items.map(key), whole.filter((s) => s.name === RARE_NAME).map(key));
    const all = await queries.symbols(ALL);
    assert.equal(all.incomplete, undefined);
    assert.equal(all.items.length, whole.length);
    assert.deepEqual(all.items.map(key), whole.map(key));
  });

  test('so are per-folder, per-kind and outline answers after a name that matches nothing', async () => {
    const { queries } = await openCold();
    assert.deepEqual((await queries.symbols({ name: 'NoSuchNameAnywhere' })).items, []);
    const folder = await queries.symbols({ ...ALL, path: 'resources/' });
    assert.equal(folder.incomplete, undefined);
    assert.deepEqual(folder.items.map(key), whole.filter((s) => s.path.startsWith('resources/')).map(key));
    const glob = await queries.symbols({ ...ALL, path: 'resources/beta/**' });
    assert.deepEqual(glob.items.map(key), whole.filter((s) => s.path.startsWith('resources/beta/')).map(key));
    const classes = await queries.symbols({ ...ALL, kind: ['class', 'interface'] });
    assert.deepEqual(classes.items.map(key), whole.filter((s) => s.kind === 'class' || s.kind === 'interface').map(key));
    const file = whole.find((s) => s.path.startsWith('resources/') && s.kind === 'class')!.path;
    const outline = await queries.outline(file);
    assert.match(outline, new RegExp(`^${file} \\(${whole.filter((s) => s.path === file).length} definitions\\)`));
  });

  test('past its budget, the answer says exactly how many files it could not wait for', async () => {
    const { index, queries } = await openCold({ budgetMs: 1 });
    await queries.symbols({ name: RARE_NAME });
    const all = await queries.symbols(ALL);
    const stats = index.stats(); // the same turn of the event loop as the answer: no parse result came in between
    const notParsed = stats.parseableFiles - stats.indexedFiles;
    assert.ok(notParsed > 0, 'a 1 ms budget leaves files unparsed');
    assert.match(all.incomplete ?? '', new RegExp(`^${notParsed} matching files are not parsed yet \\(indexing is still running\\)`));
    const parsed = new Set(all.items.map((s) => s.path));
    assert.ok(parsed.size <= stats.indexedFiles);
    await index.ready;
    assert.deepEqual((await queries.symbols(ALL)).items.map(key), whole.map(key), 'once indexing is done, the answer is whole');
  });

  test('the cache written after a name query holds only parsed files, and reopening answers whole', async () => {
    const { index } = await openCold({ cache: true });
    const workers = new QueryWorkers({ assets: index.assets });
    open.push(workers);
    await new SymbolQueries(index, workers, 20_000).symbols({ name: RARE_NAME });
    const parsedBeforeClose = index.stats().indexedFiles;
    await index.close(); // before background indexing is done: what is saved must be parsed, not skipped
    assert.ok(parsedBeforeClose < files.length, 'closed while files were still unparsed');
    const { index: again, queries } = await openCold({ cache: true });
    assert.ok(again.stats().cacheHits <= parsedBeforeClose, `${again.stats().cacheHits} cache hits for ${parsedBeforeClose} parsed files`);
    const all = await queries.symbols(ALL);
    assert.equal(all.incomplete, undefined);
    assert.deepEqual(all.items.map(key), whole.map(key));
  });

  test('a file changed while indexing is answered as it is now', async () => {
    const { index, queries } = await openCold();
    await queries.symbols({ name: RARE_NAME });
    const changed = whole.find((s) => s.name !== RARE_NAME && s.kind === 'class')!.path;
    const text = 'export class AddedWhileIndexing {\n  run(): void {}\n}\n';
    writeFileSync(join(root, changed), text, { flag: 'a' });
    const st = statSync(join(root, changed));
    index.update([{ path: changed, language: 'typescript', bytes: st.size, mtimeMs: st.mtimeMs }]);
    const inFile = await queries.symbols({ ...ALL, path: changed });
    assert.equal(inFile.incomplete, undefined);
    const before = whole.filter((s) => s.path === changed).map(key);
    assert.deepEqual(inFile.items.slice(0, before.length).map(key), before);
    assert.deepEqual(inFile.items.slice(before.length).map((s) => `${s.kind} ${s.name}`), ['class AddedWhileIndexing', 'method run']);
    const all = await queries.symbols(ALL);
    assert.equal(all.incomplete, undefined);
    assert.equal(all.items.length, whole.length + 2);
    writeFileSync(join(root, changed), readBack(changed, text));
    files = scanTypeScript(root);
  });

  test('ast_query after a name query sees every file (it parses in its own worker)', async () => {
    const { queries } = await openCold();
    const query = '(class_declaration name: (type_identifier) @name)';
    const cold = (await queries.astQuery(query, { maxResults: 10_000 })).items.length;
    await queries.symbols({ name: 'NoSuchNameAnywhere' });
    const after = await queries.astQuery(query, { maxResults: 10_000 });
    assert.equal(after.incomplete, undefined);
    assert.equal(after.items.length, cold);
    assert.ok(cold > 50, `${cold} classes`);
  });
});

/** The file's text without what a test appended. */
function readBack(path: string, appended: string): string {
  const text = readFileSync(join(root, path), 'utf8');
  return text.slice(0, text.length - appended.length);
}
