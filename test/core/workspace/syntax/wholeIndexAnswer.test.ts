// A whole-index answer on a big index (300,000 definitions, loaded from a real cache file): symbols() builds it
// in slices, so the host thread keeps running timers; it counts every definition, returns maxResults of them, and
// a call cancelled while it runs rejects.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { QueryWorkers } from '../../../../src/core/workspace/queries/QueryWorkers';
import { cacheFilePath, symbolCacheKey, writeSymbolCache, type CachedFile } from '../../../../src/core/workspace/syntax/SymbolCache';
import { SymbolIndex } from '../../../../src/core/workspace/syntax/SymbolIndex';
import { SymbolQueries } from '../../../../src/core/workspace/syntax/SymbolQueries';
import { packSymbols, StringTable } from '../../../../src/core/workspace/syntax/SymbolStore';
import { locateSyntaxAssets } from '../../../../src/core/workspace/syntax/SyntaxAssets';
import type { FileSymbol, SourceFileRecord } from '../../../../src/core/workspace/syntax/types';
import { HOST_STALL_LIMIT_MS, watchingTheEventLoop } from '../../../support/eventLoop';

const FILES = 300;
const PER_FILE = 1000;
const root = mkdtempSync(join(tmpdir(), 'rlm-whole-index-'));
const cacheDir = join(root, '.cache');
let index: SymbolIndex;
let workers: QueryWorkers;
let queries: SymbolQueries;

before(async () => {
  const assets = locateSyntaxAssets();
  mkdirSync(join(root, 'src'));
  const records: SourceFileRecord[] = [];
  const table = new StringTable();
  const entries: Array<[string, CachedFile]> = [];
  for (let f = 0; f < FILES; f++) {
    const path = `src/m${String(f).padStart(3, '0')}.ts`;
    writeFileSync(join(root, path), `// module ${f}\n`);
    const st = statSync(join(root, path));
    records.push({ path, language: 'typescript', bytes: st.size, mtimeMs: st.mtimeMs });
    const symbols: FileSymbol[] = [{ name: `Service${f}`, kind: 'class', line: 1, endLine: PER_FILE + 1 }];
    for (let i = 1; i < PER_FILE; i++) symbols.push({ name: `handle${f}_${i}`, kind: 'method', line: i + 1, endLine: i + 1, container: `Service${f}` });
    const packed = packSymbols(symbols);
    entries.push([path, { bytes: st.size, mtimeMs: st.mtimeMs, language: 'typescript', rows: table.adopt(packed.strings, packed.rows) }]);
  }
  // The index reads what it would have written after parsing these files: no parse is needed.
  await writeSymbolCache(cacheFilePath(cacheDir, root), symbolCacheKey(assets), table, entries);
  index = await SymbolIndex.open({ root, files: records, cacheDir, workers: 1, assets });
  workers = new QueryWorkers({ assets });
  queries = new SymbolQueries(index, workers, 30_000);
});

after(async () => {
  workers?.dispose();
  await index?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a whole-index answer', () => {
  test('is built in slices: every definition counted, maxResults returned, timers keep running', async () => {
    await index.ready;
    assert.equal(index.stats().cacheHits, FILES);
    assert.equal(index.stats().symbols, FILES * PER_FILE);
    const { value, longestGapMs } = await watchingTheEventLoop(() => queries.symbols({ maxResults: 50_000 }));
    assert.equal(value.items.length, 50_000);
    assert.match(value.incomplete ?? '', /showing the first 50000 of 300000 definitions/);
    assert.deepEqual(value.items[0], { name: 'Service0', kind: 'class', line: 1, endLine: 1001, path: 'src/m000.ts' });
    assert.deepEqual(value.items[1], { name: 'handle0_1', kind: 'method', line: 2, endLine: 2, container: 'Service0', path: 'src/m000.ts' });
    assert.ok(longestGapMs < HOST_STALL_LIMIT_MS, `the host thread was held ${longestGapMs.toFixed(0)} ms`);
  });

  test('filters by kind and by a name pattern through the interned strings', async () => {
    const classes = await queries.symbols({ kind: 'class', maxResults: 50_000 });
    assert.equal(classes.items.length, FILES);
    assert.equal(classes.incomplete, undefined);
    const { value, longestGapMs } = await watchingTheEventLoop(() => queries.symbols({ name: '/^handle7_99\\d$/' }));
    assert.deepEqual(value.items.map((s) => s.name), Array.from({ length: 10 }, (_, i) => `handle7_99${i}`));
    assert.ok(longestGapMs < HOST_STALL_LIMIT_MS, `the host thread was held ${longestGapMs.toFixed(0)} ms`);
    assert.deepEqual((await queries.symbols({ name: 'Service299', kind: 'function' })).items, [], 'the kind must match too');
    assert.deepEqual((await queries.symbols({ name: 'noSuchName' })).items, []);
  });

  test('a call cancelled while it runs rejects as cancelled', async () => {
    const controller = new AbortController();
    const answer = queries.symbols({ maxResults: 50_000 }, { signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(answer, /symbols was cancelled/);
  });
});
