// A cold name query asks ripgrep which files contain the name (as a whole word for an exact identifier) and
// parses only those (issue 17: the first symbols({name}) on a 96,000-file monorepo). Its answer must equal the
// answer of a fully built index, whether rg narrows the files, cannot run, or is not there; and the files it
// skipped must stay unparsed for every later query. Real ripgrep, real Tree-sitter in worker threads, on the
// openai SDK's TypeScript sources (about 300 files) from this repo's node_modules.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { QueryWorkers } from '../../../../src/core/workspace/queries/QueryWorkers';
import { Ripgrep, type ContainingOptions } from '../../../../src/core/workspace/RipgrepSearch';
import type { FileListing } from '../../../../src/core/workspace/types';
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
async function openCold(rg: Ripgrep | undefined, complete = false, listing?: FileListing): Promise<{ index: SymbolIndex; queries: SymbolQueries }> {
  const index = await SymbolIndex.open({ root, files, workers: 2, complete });
  const workers = new QueryWorkers({ assets: index.assets });
  open.push(index, workers);
  return { index, queries: new SymbolQueries(index, workers, 20_000, listing, rg) };
}

/** The real rg, noting the options of each pre-filter it is asked for. */
function watched(calls: ContainingOptions[]): Ripgrep {
  return new (class extends Ripgrep {
    override filesContaining(...args: Parameters<Ripgrep['filesContaining']>): ReturnType<Ripgrep['filesContaining']> {
      calls.push(args[3]);
      return super.filesContaining(...args);
    }
  })(ripgrep!.executable);
}

const key = (s: CodeSymbol) => `${s.path}:${s.line}:${s.kind}:${s.name}`;

/** The folders a walk of the fixture reads: the root, every folder holding a listed file and their parents. */
function walkedFolders(): Set<string> {
  const folders = new Set(['']);
  for (const file of files) {
    const parts = file.path.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return folders;
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'name-prefilter-'));
  cpSync(OPENAI_SOURCES, root, { recursive: true });
  // The name inside a longer word only: an exact query must not need it, a glob query must find it.
  writeFileSync(join(root, 'lookalike.ts'), 'export class CompletionsLookalike {}\nexport const notCompletions_ = 1;\n');
  // What rg's own walk would not reach or must not keep: a folder its default rules hide (a .ignore file), a
  // symbolic link (rg does not follow them), and an excluded folder that is no file of the workspace.
  writeFileSync(join(root, '.ignore'), 'behind-dot-ignore/\n');
  mkdirSync(join(root, 'behind-dot-ignore'));
  writeFileSync(join(root, 'behind-dot-ignore', 'defs.ts'), 'export class Completions {}\n');
  mkdirSync(join(root, 'linked'));
  writeFileSync(join(root, 'linked', 'target.txt'), 'export interface Completions { linked: true }\n');
  symlinkSync(join('linked', 'target.txt'), join(root, 'link-to-defs.ts'));
  mkdirSync(join(root, 'node_modules', 'pkg'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'pkg', 'index.ts'), 'export class Completions {}\n');
  // A folder the walk leaves out (an ignored build output): no file of the workspace, never read.
  mkdirSync(join(root, 'ignored-build'));
  writeFileSync(join(root, 'ignored-build', 'bundle.ts'), 'export class Completions {}\n');
  files = scanTypeScript(root)
    .filter((f) => !f.path.startsWith('node_modules/') && !f.path.startsWith('ignored-build/'))
    .map((f) => (f.path === 'link-to-defs.ts' ? { ...f, target: 'linked/target.txt' } : f));
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

  test('when rg reads the folders the walk read: the same answer, with the files its own rules hide and the symbolic links, never a folder the walk left out', async () => {
    const calls: ContainingOptions[] = [];
    const folders = walkedFolders();
    assert.ok(!folders.has('ignored-build') && !folders.has('node_modules') && folders.has('behind-dot-ignore'));
    const listing: FileListing = { untilListed: async () => undefined, directories: () => folders };
    const { queries } = await openCold(watched(calls), false, listing);
    const cold = await queries.symbols({ name: 'Completions' });
    assert.deepEqual(calls.map((c) => c.folders && [...c.folders].sort()), [[...folders].sort()]);
    assert.equal(cold.incomplete, undefined);
    assert.deepEqual(cold.items.map(key), whole.filter((s) => s.name === 'Completions').map(key));
    const paths = cold.items.map((s) => s.path);
    for (const path of ['behind-dot-ignore/defs.ts', 'link-to-defs.ts']) assert.ok(paths.includes(path), `${path} in ${paths}`);
    assert.ok(!paths.some((p) => p.startsWith('node_modules/') || p.startsWith('ignored-build/')));
  });

  test('rg never enters a folder the walk left out', async () => {
    const found = await ripgrep!.filesContaining(root, files, 'Completions', { word: true, until: Date.now() + 20_000, folders: walkedFolders() });
    assert.ok(found && found.has('behind-dot-ignore/defs.ts') && found.has('link-to-defs.ts'));
    assert.ok(![...found].some((p) => p.startsWith('ignored-build/') || p.startsWith('node_modules/')), [...found].join(', '));
    const everywhere = await ripgrep!.filesContaining(root, files, 'Completions', { word: true, until: Date.now() + 20_000, folders: [''] });
    assert.ok(everywhere && ![...everywhere].some((p) => p.includes('/')), "one level deep: the root's own files only");
  });

  test('a narrow query names its files to rg; so does a listing that cannot say which folders it read', async () => {
    const calls: ContainingOptions[] = [];
    const listing: FileListing = { untilListed: async () => undefined, directories: () => walkedFolders() };
    const narrowed = await openCold(watched(calls), false, listing);
    // 81 of the 300 files: enough for rg's pre-filter, too few for rg to read every folder for them.
    const narrow = /^(internal|lib|resources\/beta)\//;
    assert.ok(files.filter((f) => narrow.test(f.path)).length >= PREFILTER_MIN_FILES);
    const part = await narrowed.queries.symbols({ name: 'Completions', path: '{internal,lib,resources/beta}/**' });
    assert.deepEqual(part.items.map(key), whole.filter((s) => s.name === 'Completions' && narrow.test(s.path)).map(key));
    const plain = await openCold(watched(calls), false, { untilListed: async () => undefined });
    assert.deepEqual((await plain.queries.symbols({ name: 'Completions' })).items.map(key), whole.filter((s) => s.name === 'Completions').map(key));
    assert.deepEqual(calls.map((c) => c.folders), [undefined, undefined]);
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
