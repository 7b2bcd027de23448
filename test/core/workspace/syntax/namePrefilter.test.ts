// A cold name query asks ripgrep which files contain the name (as a whole word for an exact identifier) and
// parses only those (issue 17: the first symbols({name}) on a 96,000-file monorepo). Its answer must equal the
// answer of a fully built index, whether rg narrows the files, cannot run, or is not there; and the files it
// skipped must stay unparsed for every later query. Real ripgrep, real Tree-sitter in worker threads, on the
// openai SDK's TypeScript sources (about 300 files) from this repo's node_modules.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { QueryWorkers } from '../../../../src/core/workspace/queries/QueryWorkers';
import { Ripgrep } from '../../../../src/core/workspace/RipgrepSearch';
import { PREFILTER_MIN_FILES, SymbolIndex } from '../../../../src/core/workspace/syntax/SymbolIndex';
import { SymbolQueries } from '../../../../src/core/workspace/syntax/SymbolQueries';
import type { CodeSymbol, SourceFileRecord } from '../../../../src/core/workspace/syntax/types';
import { OPENAI_SOURCES, scanTypeScript } from './openaiSources';

const ALL = { maxResults: 50_000 };
const ripgrep = Ripgrep.locate();

let root: string;
let files: SourceFileRecord[];
const open: Array<{ dispose(): void }> = [];
/** Every definition, from an index that parsed every file. */
let whole: CodeSymbol[];

/** `complete: false` holds background parsing back: whatever gets parsed, the queries asked for. */
async function openCold(rg: Ripgrep | undefined, complete = false): Promise<{ index: SymbolIndex; queries: SymbolQueries }> {
  const index = await SymbolIndex.open({ root, files, workers: 2, complete });
  const workers = new QueryWorkers({ assets: index.assets });
  open.push(index, workers);
  return { index, queries: new SymbolQueries(index, workers, 20_000, undefined, rg) };
}

const key = (s: CodeSymbol) => `${s.path}:${s.line}:${s.kind}:${s.name}`;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'name-prefilter-'));
  cpSync(OPENAI_SOURCES, root, { recursive: true });
  // The name inside a longer word only: an exact query must not need it, a glob query must find it.
  writeFileSync(join(root, 'lookalike.ts'), 'export class CompletionsLookalike {}\nexport const notCompletions_ = 1;\n');
  files = scanTypeScript(root);
  const { index, queries } = await openCold(undefined, true);
  await index.ready;
  whole = (await queries.symbols(ALL)).items;
  assert.equal(whole.length, index.stats().symbols);
  index.dispose();
});

after(() => {
  for (const item of open) item.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('a cold name query narrowed by ripgrep', { skip: ripgrep ? false : 'no rg on PATH', timeout: 120_000 }, () => {
  test('the corpus needs the narrowing', () => {
    assert.ok(files.length >= 4 * PREFILTER_MIN_FILES, `${files.length} files`);
  });

  for (const name of ['Completions', 'Completions*', '*Lookalike', 'APIPromise', 'NoSuchNameAnywhere']) {
    test(`symbols({name: "${name}"}) equals the answer of the whole index, and parses only files that hold it`, async () => {
      const { index, queries } = await openCold(ripgrep);
      const cold = await queries.symbols({ ...ALL, name });
      assert.equal(cold.incomplete, undefined);
      const matches = (s: string) => new RegExp(`^${name.replace(/\*/g, '.*')}$`).test(s);
      assert.deepEqual(cold.items.map(key), whole.filter((s) => matches(s.name)).map(key));
      const literal = name.replace(/\*/g, '');
      const holding = files.filter((f) => readFileSync(join(root, f.path), 'utf8').includes(literal)).length;
      assert.ok(index.stats().parsedUrgently <= holding, `${index.stats().parsedUrgently} parsed for ${holding} files holding "${literal}"`);
    });
  }

  test('an exact name skips files that hold it only inside a longer word; a glob does not', async () => {
    const { index, queries } = await openCold(ripgrep);
    await queries.symbols({ name: 'Completions' });
    assert.equal(index.symbolsOf('lookalike.ts'), undefined, 'no whole word "Completions" there: not parsed for the exact name');
    assert.deepEqual((await queries.symbols({ name: 'Completions*Lookalike' })).items.map((s) => s.name), ['CompletionsLookalike']);
  });

  test('what the name query skipped stays unparsed: the unfiltered query after it is whole', async () => {
    const { queries } = await openCold(ripgrep);
    await queries.symbols({ name: 'Completions' });
    const all = await queries.symbols(ALL);
    assert.equal(all.incomplete, undefined);
    assert.deepEqual(all.items.map(key), whole.map(key));
  });

  test('an rg that cannot run leaves the check to the parser threads, with the same answer', async () => {
    const { index, queries } = await openCold(new Ripgrep(join(root, 'no-such-rg')));
    const cold = await queries.symbols({ name: 'Completions' });
    assert.equal(cold.incomplete, undefined);
    assert.deepEqual(cold.items.map(key), whole.filter((s) => s.name === 'Completions').map(key));
    assert.ok(index.stats().parsedUrgently > 0);
  });

  test('a stop signal ends the rg search and the call at once', async () => {
    const { index, queries } = await openCold(ripgrep);
    const stop = new AbortController();
    stop.abort();
    const started = Date.now();
    await assert.rejects(queries.symbols({ name: 'Completions' }, { signal: stop.signal }), /cancelled/);
    assert.ok(Date.now() - started < 1_000, `${Date.now() - started} ms`);
    assert.equal(index.stats().parsedUrgently, 0);
  });
});
