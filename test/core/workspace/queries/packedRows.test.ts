// The tables a query worker needs travel packed (one string of keys, typed arrays): what arrives must be the rows
// that left, strings or files, with the odd ones (empty keys, non-ASCII paths, symlink targets, many languages).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packRows, unpackRows } from '../../../../src/core/workspace/queries/packedRows';
import type { FileRow } from '../../../../src/core/workspace/queries/protocol';

test('strings arrive as they left, empty ones and non-ASCII ones included', () => {
  const strings = ['parse', '', 'Ünïcödé', '名前', 'a\0b', 'x'.repeat(10_000), '😀'];
  const packed = packRows(strings);
  assert.equal(packed.files, undefined);
  assert.deepEqual(unpackRows(structuredClone(packed)), strings);
  assert.deepEqual(unpackRows(packRows([])), []);
});

test('files arrive with their FileRow fields only; targets only on symlinks', () => {
  const files: Array<FileRow & { lines: number }> = [
    { path: 'src/a.ts', language: 'typescript', bytes: 120, mtimeMs: 1_733_000_000_123.5, lines: 9 },
    { path: 'docs/ü.md', language: 'markdown', bytes: 0, mtimeMs: 0, lines: 0 },
    { path: 'link.ts', language: 'typescript', bytes: 7, mtimeMs: 2, target: 'src/a.ts', lines: 1 },
  ];
  const rows = unpackRows(structuredClone(packRows(files))) as FileRow[];
  assert.deepEqual(rows, files.map(({ lines: _lines, ...row }) => row));
  assert.equal('target' in rows[0]!, false);
});

test('a large file table is one string and typed arrays, not one object per row', () => {
  const files: FileRow[] = Array.from({ length: 96_000 }, (_, i) => ({ path: `copy-${i % 18}/pkg/file${i}.go`, language: ['go', 'rust', 'c', 'cpp'][i % 4]!, bytes: i, mtimeMs: 1e12 + i }));
  const packed = packRows(files);
  assert.equal(typeof packed.keys, 'string');
  assert.ok(packed.ends instanceof Uint32Array && packed.files!.bytes instanceof Float64Array);
  assert.deepEqual(packed.files!.languages, ['go', 'rust', 'c', 'cpp']);
  const back = unpackRows(structuredClone(packed)) as FileRow[];
  assert.equal(back.length, files.length);
  assert.deepEqual(back[95_999], files[95_999]);
  assert.deepEqual(back[12_345], files[12_345]);
});
