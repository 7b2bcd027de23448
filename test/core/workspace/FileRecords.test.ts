// FileRecords keeps the records in path order for answers: a record replaced at its path (the walk's end
// relabelling headers) takes the old one's place without sorting every path again, and a list handed out before
// stays as it was.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FileRecords, type IndexedFile } from '../../../src/core/workspace/FileRecords';

const record = (path: string, language = 'c'): IndexedFile => ({ path, language, bytes: 10, lines: 1, mtimeMs: 1 });
const paths = (list: readonly IndexedFile[]) => list.map((f) => f.path);

describe('FileRecords', () => {
  test('a replaced record keeps its place; the list handed out before is not changed under its holder', () => {
    const records = new FileRecords();
    for (const p of ['b/x.h', 'a/y.h', 'c/z.h']) records.set(record(p));
    const before = records.list();
    assert.deepEqual(paths(before), ['a/y.h', 'b/x.h', 'c/z.h']);
    const relabelled = record('b/x.h', 'cpp');
    assert.equal(records.set(relabelled)?.language, 'c');
    const after = records.list();
    assert.deepEqual(paths(after), ['a/y.h', 'b/x.h', 'c/z.h']);
    assert.equal(after[1], relabelled);
    assert.equal(before[1]!.language, 'c', 'the earlier list still holds what it held');
    // A second replacement before anyone asks again changes the list in place (it was not handed out since).
    const again = record('b/x.h', 'objective-c');
    records.set(again);
    assert.equal(records.list()[1], again);
    assert.equal(after[1], relabelled);
  });

  test('a record added since the last list() and then replaced is listed once, in order, with its new value', () => {
    const records = new FileRecords();
    records.set(record('m.c'));
    records.list();
    for (const p of ['z.c', 'a.c', 'q.c']) records.set(record(p));
    const replaced = record('a.c', 'cpp');
    records.set(replaced);
    records.set(record('b.c'));
    const list = records.list();
    assert.deepEqual(paths(list), ['a.c', 'b.c', 'm.c', 'q.c', 'z.c']);
    assert.equal(list[0], replaced);
    assert.equal(list.length, records.size);
  });

  test('many replacements after a walk of many files cost one merge, not a sort each', () => {
    const records = new FileRecords();
    records.list(); // asked once early: every later record is added, unsorted, since
    const n = 50_000;
    for (let i = 0; i < n; i++) records.set(record(`d${i % 97}/f${i}.h`));
    const started = performance.now();
    for (let i = 0; i < n; i += 10) records.set(record(`d${i % 97}/f${i}.h`, 'cpp'));
    const ms = performance.now() - started;
    const list = records.list();
    assert.equal(list.length, n);
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1]!.path < list[i]!.path, 'in path order');
    assert.equal(list.filter((f) => f.language === 'cpp').length, n / 10);
    // Sorting 50,000 paths for each of the 5,000 replacements would take minutes; the merge is once.
    assert.ok(ms < 2_000, `5,000 replacements took ${ms.toFixed(0)} ms`);
  });

  test('a deleted record leaves the list', () => {
    const records = new FileRecords();
    for (const p of ['a', 'b', 'c']) records.set(record(p));
    records.list();
    records.delete('b');
    assert.deepEqual(paths(records.list()), ['a', 'c']);
  });
});
