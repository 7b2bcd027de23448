// Identical files share one parse in a worker (src/core/workspace/syntax/syntaxWorker.ts): every copy still
// gets its own, correct definitions, and a file of the same size but other text is parsed on its own.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { QueryWorkers } from '../../../../src/core/workspace/queries/QueryWorkers';
import { SymbolIndex } from '../../../../src/core/workspace/syntax/SymbolIndex';
import { SymbolQueries } from '../../../../src/core/workspace/syntax/SymbolQueries';
import type { SourceFileRecord } from '../../../../src/core/workspace/syntax/types';

const FIXTURE = join(__dirname, '..', '..', '..', 'fixtures', 'syntax', 'sample.ts');
let root: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'symbol-dups-'));
  copyFileSync(FIXTURE, join(root, 'a.d.ts'));
  copyFileSync(FIXTURE, join(root, 'a.d.mts'));
  // Same length, one name changed: must not be taken for a copy.
  writeFileSync(join(root, 'b.ts'), readFileSync(FIXTURE, 'utf8').replace('class TtlCache', 'class TtlStore'));
  // Same text, another language: parsed with its own grammar.
  copyFileSync(FIXTURE, join(root, 'c.tsx'));
});

after(() => rmSync(root, { recursive: true, force: true }));

function record(path: string, language: string): SourceFileRecord {
  const st = statSync(join(root, path));
  return { path, language, bytes: st.size, mtimeMs: st.mtimeMs };
}

test('copies of a file each get the definitions; same-size or other-language files are parsed on their own', { timeout: 60_000 }, async () => {
  const files = [record('a.d.ts', 'typescript'), record('a.d.mts', 'typescript'), record('b.ts', 'typescript'), record('c.tsx', 'tsx')];
  assert.equal(new Set(files.map((f) => f.bytes)).size, 1, 'all four files have the same size, so they share a batch');
  const index = await SymbolIndex.open({ root, files, workers: 1 });
  const workers = new QueryWorkers({ assets: index.assets });
  const queries = new SymbolQueries(index, workers, 10_000);
  try {
    await index.ready;
    const stats = index.stats();
    assert.equal(stats.parsedInBackground, 4);
    assert.equal(stats.failedFiles, 0);
    const without = async (path: string) => (await queries.symbols({ path })).items.map(({ path: _, ...s }) => s);
    const original = await without('a.d.ts');
    assert.ok(original.some((s) => s.name === 'TtlCache' && s.kind === 'class'));
    assert.deepEqual(await without('a.d.mts'), original);
    assert.deepEqual(await without('c.tsx'), original, 'the TSX grammar reads this file the same way');
    const renamed = await without('b.ts');
    assert.ok(renamed.some((s) => s.name === 'TtlStore' && s.kind === 'class'));
    assert.ok(!renamed.some((s) => s.name === 'TtlCache'));
    assert.ok(renamed.some((s) => s.name === 'get' && s.container === 'TtlStore'));
  } finally {
    workers.dispose();
    index.dispose();
  }
});
