// Seen: a file replaced by a symlink to outside the workspace after indexing was refused by read(), but
// grep, outline, symbols and ast_query followed the link and returned the outside text. Every reader now
// checks, when it opens the file, that it is still the file that was indexed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemWorkspace } from '../../../src/core/workspace/FileSystemWorkspace';
import { QueryWorkers } from '../../../src/core/workspace/queries/QueryWorkers';
import { Ripgrep } from '../../../src/core/workspace/RipgrepSearch';
import { SymbolIndex } from '../../../src/core/workspace/syntax/SymbolIndex';
import { SymbolQueries } from '../../../src/core/workspace/syntax/SymbolQueries';
import type { SourceFileRecord } from '../../../src/core/workspace/syntax/types';

let base: string;
let root: string;
let workspace: FileSystemWorkspace;
let v8: FileSystemWorkspace;
let record: SourceFileRecord;

before(() => {
  base = mkdtempSync(join(tmpdir(), 'rlm-swap-'));
  root = join(base, 'project');
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(root, 'src', 'a.ts'), 'export function inside() { return 1; }\n');
  writeFileSync(join(root, 'src', 'b.ts'), 'export const other = 2;\n');
  writeFileSync(join(base, 'outside', 'secret.ts'), 'export function leakedSecret() { return "SECRET_OUTSIDE"; }\n');
  workspace = FileSystemWorkspace.open(root);
  v8 = new FileSystemWorkspace(workspace.index, { ripgrep: false });
  const st = statSync(join(root, 'src', 'a.ts'));
  record = { path: 'src/a.ts', language: 'typescript', bytes: st.size, mtimeMs: st.mtimeMs };
  // After indexing: the file becomes a link to a file outside the workspace.
  unlinkSync(join(root, 'src', 'a.ts'));
  symlinkSync(join(base, 'outside', 'secret.ts'), join(root, 'src', 'a.ts'));
});

after(() => {
  workspace.dispose();
  v8.dispose();
  rmSync(base, { recursive: true, force: true });
});

test('read() refuses it and says why', async () => {
  await assert.rejects(workspace.read('src/a.ts'), /outside the workspace/);
});

test('grep through ripgrep and through V8 finds nothing of the outside file', async () => {
  if (Ripgrep.locate()) {
    const { result, engine } = await workspace.grepWithEngine('SECRET_OUTSIDE|leakedSecret');
    assert.equal(engine, 'ripgrep');
    assert.deepEqual(result.matches, []);
  }
  assert.deepEqual((await v8.grep('SECRET_OUTSIDE|leakedSecret')).matches, []);
  assert.equal((await v8.grep('other')).matches.length, 1, 'the other files are still searched');
});

test('symbols, outline and ast_query parse nothing of the outside file', { timeout: 60_000 }, async () => {
  const other = statSync(join(root, 'src', 'b.ts'));
  const index = await SymbolIndex.open({ root: workspace.index.root, files: [record, { path: 'src/b.ts', language: 'typescript', bytes: other.size, mtimeMs: other.mtimeMs }], workers: 1 });
  const workers = new QueryWorkers({ assets: index.assets });
  try {
    const queries = new SymbolQueries(index, workers, 10_000);
    await index.ready;
    const names = (await queries.symbols()).items.map((s) => s.name);
    assert.deepEqual(names, ['other']);
    assert.equal(index.stats().failedFiles, 1, 'the swapped file is reported as failed, not parsed');
    assert.doesNotMatch(await queries.outline('src/a.ts'), /leakedSecret/);
    const identifiers = (await queries.astQuery('(identifier) @id', { language: 'typescript' })).items.map((m) => m.captures[0].text);
    assert.ok(!identifiers.includes('leakedSecret'), `ast_query saw ${identifiers.join(', ')}`);
    assert.ok(identifiers.includes('other'));
  } finally {
    workers.dispose();
    index.dispose();
  }
});
