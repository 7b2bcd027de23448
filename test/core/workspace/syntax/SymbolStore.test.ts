// The compact symbol store and its cache file: rows of integers with strings interned once, written and read back
// through a real file (read in its own thread), a torn line ending the read there, an outdated key giving an empty cache.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readSymbolCache, writeSymbolCache, type CachedFile } from '../../../../src/core/workspace/syntax/SymbolCache';
import { rowsText } from '../../../../src/core/workspace/syntax/SymbolCacheFile';
import { FIELDS, packSymbols, StringTable, unpackSymbols } from '../../../../src/core/workspace/syntax/SymbolStore';
import type { FileSymbol } from '../../../../src/core/workspace/syntax/types';
import { HOST_STALL_LIMIT_MS, watchingTheEventLoop } from '../../../support/eventLoop';

const dir = mkdtempSync(join(tmpdir(), 'rlm-symbol-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const router: FileSymbol[] = [
  { name: 'Router', kind: 'class', line: 1, endLine: 40 },
  { name: 'route', kind: 'method', line: 3, endLine: 9, container: 'Router' },
  { name: 'use', kind: 'method', line: 11, endLine: 20, container: 'Router' },
];
const connection: FileSymbol[] = [
  { name: 'Connection', kind: 'interface', line: 2, endLine: 8 },
  { name: 'route', kind: 'function', line: 10, endLine: 10 },
  { name: 'ünïcode_名前', kind: 'constant', line: 12, endLine: 12 },
];

/** As the index does it: a parser thread packs, the host adopts into its table. */
function indexed(table: StringTable, files: Record<string, FileSymbol[]>): Map<string, CachedFile> {
  const out = new Map<string, CachedFile>();
  for (const [path, symbols] of Object.entries(files)) {
    const packed = packSymbols(symbols);
    out.set(path, { bytes: 100, mtimeMs: 1.5, language: 'typescript', rows: table.adopt(packed.strings, packed.rows) });
  }
  return out;
}

describe('symbol store', () => {
  test('five integers per definition, each string once in the table; objects come back equal', () => {
    const packed = packSymbols(router);
    assert.equal(packed.rows.length, router.length * FIELDS);
    assert.deepEqual(packed.strings, ['Router', 'class', 'route', 'method', 'use'], 'each string once, in order of first use');
    assert.deepEqual(unpackSymbols(packed), router);
    const table = new StringTable();
    const files = indexed(table, { 'a.ts': router, 'b.ts': connection });
    assert.deepEqual(table.symbols(files.get('a.ts')!.rows), router);
    assert.deepEqual(table.symbols(files.get('b.ts')!.rows), connection);
    assert.equal(table.size, 10, "'route' is in both files: stored once");
  });

  test('a packed message reused for two files (one parse of identical texts) is adopted twice without harm', () => {
    const table = new StringTable();
    const packed = packSymbols(router);
    const first = table.adopt(packed.strings, packed.rows);
    const second = table.adopt(packed.strings, packed.rows);
    assert.notEqual(first, second, 'each file gets its own rows');
    assert.deepEqual(table.symbols(second), router);
  });

  test('the cache file round-trips through its thread; strings are written once, only those in use', async () => {
    const file = join(dir, 'round.jsonl');
    const table = new StringTable();
    table.intern('a name no file uses any more');
    const files = indexed(table, { 'src/router.ts': router, 'src/db/connection.ts': connection, 'src/empty.ts': [] });
    await writeSymbolCache(file, 'key-1', table, files);
    const text = readFileSync(file, 'utf8');
    assert.equal(text.split('"route"').length - 1, 1, 'a string shared by two files is written once');
    assert.ok(!text.includes('no file uses'), 'strings no written file uses are left out');

    const fresh = new StringTable();
    const read = await readSymbolCache(file, 'key-1', fresh);
    assert.deepEqual([...read.keys()], ['src/router.ts', 'src/db/connection.ts', 'src/empty.ts']);
    for (const [path, symbols] of [['src/router.ts', router], ['src/db/connection.ts', connection], ['src/empty.ts', []]] as const) {
      const entry = read.get(path)!;
      assert.deepEqual({ bytes: entry.bytes, mtimeMs: entry.mtimeMs, language: entry.language }, { bytes: 100, mtimeMs: 1.5, language: 'typescript' });
      assert.deepEqual(fresh.symbols(entry.rows), symbols);
    }
    assert.deepEqual((await readSymbolCache(file, 'another key (grammars changed)', new StringTable())).size, 0);
    assert.deepEqual((await readSymbolCache(join(dir, 'missing.jsonl'), 'key-1', new StringTable())).size, 0);
  });

  test('a torn or edited line ends the read there: the files before it are kept, the rest parsed again', async () => {
    const file = join(dir, 'torn.jsonl');
    const table = new StringTable();
    await writeSymbolCache(file, 'key-1', table, indexed(table, { 'a.ts': router, 'b.ts': connection, 'c.ts': router }));
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, [lines[0], lines[1], lines[2]!.slice(0, 20), lines[3], ''].join('\n'));
    const fresh = new StringTable();
    const read = await readSymbolCache(file, 'key-1', fresh);
    assert.deepEqual([...read.keys()], ['a.ts']);
    assert.deepEqual(fresh.symbols(read.get('a.ts')!.rows), router);

    // A line that refers to a string no line listed (edited by hand) is refused the same way.
    writeFileSync(file, [lines[0], JSON.stringify(['x.ts', 1, 1, 'typescript', rowsText(Int32Array.of(7, 0, 1, 1, -1)), []]), lines[1], ''].join('\n'));
    assert.deepEqual((await readSymbolCache(file, 'key-1', new StringTable())).size, 0);
    // So is one whose rows are not whole rows of integers.
    writeFileSync(file, [lines[0], JSON.stringify(['x.ts', 1, 1, 'typescript', rowsText(Int32Array.of(0, 0, 1)), []]), lines[1], ''].join('\n'));
    assert.deepEqual((await readSymbolCache(file, 'key-1', new StringTable())).size, 0);
  });

  test('a big cache is read in its own thread without holding this one, and the signal stops the read', async () => {
    const file = join(dir, 'big.jsonl');
    const table = new StringTable();
    const many: Record<string, FileSymbol[]> = {};
    for (let i = 0; i < 30_000; i++) many[`src/f${i}.ts`] = [...router, { name: `only${i}`, kind: 'function', line: 50, endLine: 60 }];
    await writeSymbolCache(file, 'key-1', table, indexed(table, many));
    const fresh = new StringTable();
    const { value: read, longestGapMs } = await watchingTheEventLoop(() => readSymbolCache(file, 'key-1', fresh));
    assert.equal(read.size, 30_000);
    assert.deepEqual(fresh.symbols(read.get('src/f29999.ts')!.rows), [...router, { name: 'only29999', kind: 'function', line: 50, endLine: 60 }]);
    assert.ok(longestGapMs < HOST_STALL_LIMIT_MS, `this thread was held ${Math.round(longestGapMs)} ms while 30,000 files were read`);
    const controller = new AbortController();
    const reading = readSymbolCache(file, 'key-1', new StringTable(), controller.signal);
    controller.abort(new Error('stopped'));
    await assert.rejects(reading, /stopped/);
  });
});
