// Keeping the index current: applyChange for single paths (as the editor reports them), .gitignore edits
// re-evaluating their subtree, onDidChange batches, and watch() on the real file system.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_MAX_FILE_BYTES, createFixture, write } from './fixtureWorkspace';
import { type IndexChange, WorkspaceIndex } from '../../../src/core/workspace/WorkspaceIndex';
import { WorkspaceWatcher } from '../../../src/core/workspace/WorkspaceWatcher';
import { HOST_STALL_LIMIT_MS, watchingTheEventLoop } from '../../support/eventLoop';

const fixture = createFixture();
after(() => fixture.cleanup());
const open = () => WorkspaceIndex.open(fixture.root, { maxFileBytes: FIXTURE_MAX_FILE_BYTES });
const at = (path: string) => join(fixture.root, path);
const summarize = (changes: readonly IndexChange[]) => changes.map((c) => `${c.kind} ${c.path}`).sort();

test('applyChange: created, changed and deleted update one record and notify listeners', () => {
  const index = open();
  const batches: string[][] = [];
  const subscription = index.onDidChange((changes) => batches.push(summarize(changes)));

  write(at('src/orders/Refund.ts'), 'export class Refund {}\n');
  const created = index.applyChange('src/orders/Refund.ts', 'created');
  assert.deepEqual(summarize(created), ['created src/orders/Refund.ts']);
  assert.deepEqual(created[0].file, { ...index.get('src/orders/Refund.ts') });
  assert.equal(index.get('src/orders/Refund.ts')!.lines, 1);
  assert.ok(index.list().some((f) => f.path === 'src/orders/Refund.ts'), 'the sorted list is refreshed');

  write(at('src/orders/Refund.ts'), 'export class Refund {\n  amount = 0;\n}\n');
  assert.deepEqual(summarize(index.applyChange('src/orders/Refund.ts', 'changed')), ['changed src/orders/Refund.ts']);
  assert.equal(index.get('src/orders/Refund.ts')!.lines, 3);

  unlinkSync(at('src/orders/Refund.ts'));
  assert.deepEqual(summarize(index.applyChange('src/orders/Refund.ts', 'deleted')), ['deleted src/orders/Refund.ts']);
  assert.equal(index.get('src/orders/Refund.ts'), undefined);

  subscription.dispose();
  write(at('src/orders/Refund.ts'), 'export class Refund {}\n');
  index.applyChange('src/orders/Refund.ts', 'created');
  assert.deepEqual(batches, [['created src/orders/Refund.ts'], ['changed src/orders/Refund.ts'], ['deleted src/orders/Refund.ts']]);
  unlinkSync(at('src/orders/Refund.ts'));
});

test('a throwing listener does not keep the others from hearing about a change', () => {
  const index = open();
  const heard: string[] = [];
  index.onDidChange(() => { throw new Error('consumer bug'); });
  index.onDidChange((changes) => heard.push(...summarize(changes)));
  write(at('src/heard.ts'), 'export {};\n');
  assert.throws(() => index.applyChange('src/heard.ts', 'created'), /consumer bug/);
  assert.deepEqual(heard, ['created src/heard.ts']);
  assert.ok(index.get('src/heard.ts'));
  unlinkSync(at('src/heard.ts'));
});

test('applyChange respects ignore rules and skip rules for the changed path', () => {
  const index = open();
  write(at('debug.log'), 'ignored\n');
  assert.deepEqual(index.applyChange('debug.log', 'created'), []);
  write(at('node_modules/left-pad/extra.js'), 'x\n');
  assert.deepEqual(index.applyChange('node_modules/left-pad/extra.js', 'created'), []);
  write(at('src/blob.bin'), Buffer.from([1, 0, 2]));
  assert.deepEqual(index.applyChange('src/blob.bin', 'created'), []);

  // A text file turning binary leaves the index.
  write(at('src/turns.ts'), 'export {};\n');
  index.applyChange('src/turns.ts', 'created');
  write(at('src/turns.ts'), Buffer.from([0x65, 0, 0x66]));
  assert.deepEqual(summarize(index.applyChange('src/turns.ts', 'changed')), ['deleted src/turns.ts']);
  for (const p of ['debug.log', 'node_modules/left-pad/extra.js', 'src/blob.bin', 'src/turns.ts']) unlinkSync(at(p));
  assert.throws(() => index.applyChange('../elsewhere.ts', 'created'), /outside the workspace/);
});

test('applyChange on folders: a new folder is walked, a deleted one drops everything under it', () => {
  const index = open();
  write(at('lib/a.ts'), 'export const a = 1;\n');
  write(at('lib/deep/b.py'), 'b = 2\n');
  write(at('lib/deep/skip.log'), 'log\n');
  assert.deepEqual(summarize(index.applyChange('lib', 'created')), ['created lib/a.ts', 'created lib/deep/b.py']);
  assert.ok(index.directories().has('lib/deep'));
  // A file event inside a folder the index has not seen yet walks that folder.
  write(at('lib2/inner/c.go'), 'package inner\n');
  assert.deepEqual(summarize(index.applyChange('lib2/inner/c.go', 'created')), ['created lib2/inner/c.go']);

  rmSync(at('lib'), { recursive: true });
  rmSync(at('lib2'), { recursive: true });
  assert.deepEqual(summarize(index.applyChange('lib', 'deleted')), ['deleted lib/a.ts', 'deleted lib/deep/b.py']);
  assert.deepEqual(summarize(index.applyChange('lib2', 'changed')), ['deleted lib2/inner/c.go'], "'changed' on a vanished path deletes");
  assert.ok(!index.directories().has('lib/deep'));
});

test('a .gitignore change re-evaluates only its own subtree', () => {
  const index = open();
  const before = index.list().filter((f) => !f.path.startsWith('src/legacy/')).map((f) => f.path);

  writeFileSync(at('src/legacy/.gitignore'), '*.js\n');
  const changes = index.applyChange('src/legacy/.gitignore', 'changed');
  assert.deepEqual(summarize(changes), ['changed src/legacy/.gitignore', 'created src/legacy/old.gen.ts', 'deleted src/legacy/parser.js']);
  assert.deepEqual(index.list().filter((f) => !f.path.startsWith('src/legacy/')).map((f) => f.path), before);

  unlinkSync(at('src/legacy/.gitignore'));
  assert.deepEqual(summarize(index.applyChange('src/legacy/.gitignore', 'deleted')), ['created src/legacy/parser.js', 'deleted src/legacy/.gitignore']);
  assert.ok(index.get('src/legacy/old.gen.ts'), 'no rules left in src/legacy');
  writeFileSync(at('src/legacy/.gitignore'), '*.gen.ts\n!keep.gen.ts\n');
  index.applyChange('src/legacy/.gitignore', 'created');
  assert.equal(index.get('src/legacy/old.gen.ts'), undefined);
});

test('a root .gitignore change can bring back a whole folder', () => {
  const index = open();
  assert.equal(index.get('dist/bundle.js'), undefined);
  writeFileSync(at('.gitignore'), '*.log\n!keep.log\nsecrets.txt\n');
  assert.deepEqual(summarize(index.applyChange('.gitignore', 'changed')), ['changed .gitignore', 'created dist/bundle.js']);
  writeFileSync(at('.gitignore'), 'dist/\n*.log\n!keep.log\nsecrets.txt\n');
  assert.deepEqual(summarize(index.applyChange('.gitignore', 'changed')), ['changed .gitignore', 'deleted dist/bundle.js']);
});

test('.git/info/exclude changes are applied too', () => {
  const index = open();
  writeFileSync(at('.git/info/exclude'), 'local-notes.md\n*.go\n');
  assert.deepEqual(summarize(index.applyChange('.git/info/exclude', 'changed')), ['deleted go/main.go']);
  writeFileSync(at('.git/info/exclude'), 'local-notes.md\n');
  assert.deepEqual(summarize(index.applyChange('.git/info/exclude', 'changed')), ['created go/main.go']);
  assert.deepEqual(index.applyChange('.git/objects/ab', 'created'), [], 'git internals are not files of the workspace');
});

/** Resolves with the first batch satisfying `predicate`, or rejects after a generous timeout. */
function nextBatch(index: WorkspaceIndex, predicate: (changes: readonly IndexChange[]) => boolean): Promise<readonly IndexChange[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { subscription.dispose(); reject(new Error('no matching change within 5 s')); }, 5000);
    const subscription = index.onDidChange((changes) => {
      if (!predicate(changes)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(changes);
    });
  });
}

for (const recursive of [false, true]) {
  test(`watch() (${recursive ? 'native recursive' : 'per-folder'}) picks up new, changed and deleted files and new folders`, async () => {
    const index = open();
    const watcher = new WorkspaceWatcher(index, { debounceMs: 30, recursive });
    try {
      let seen = nextBatch(index, (c) => c.some((x) => x.path === 'src/watched.ts' && x.kind === 'created'));
      write(at('src/watched.ts'), 'export const watched = 1;\n');
      await seen;
      assert.equal(index.get('src/watched.ts')?.lines, 1);

      seen = nextBatch(index, (c) => c.some((x) => x.path === 'src/watched.ts' && x.kind === 'changed'));
      writeFileSync(at('src/watched.ts'), 'export const watched = 1;\nexport const more = 2;\n');
      await seen;
      assert.equal(index.get('src/watched.ts')?.lines, 2);

      seen = nextBatch(index, (c) => c.some((x) => x.path === 'src/fresh/deeper/new.py'));
      mkdirSync(at('src/fresh/deeper'), { recursive: true });
      writeFileSync(at('src/fresh/deeper/new.py'), 'x = 1\n');
      await seen;
      // The new folder is watched too.
      seen = nextBatch(index, (c) => c.some((x) => x.path === 'src/fresh/deeper/second.py'));
      writeFileSync(at('src/fresh/deeper/second.py'), 'y = 2\n');
      await seen;

      seen = nextBatch(index, (c) => c.some((x) => x.path === 'src/watched.ts' && x.kind === 'deleted'));
      unlinkSync(at('src/watched.ts'));
      await seen;

      seen = nextBatch(index, (c) => c.some((x) => x.path === 'src/fresh/deeper/new.py' && x.kind === 'deleted'));
      rmSync(at('src/fresh'), { recursive: true });
      await seen;
      assert.ok(!index.list().some((f) => f.path.startsWith('src/fresh/')));
    } finally {
      watcher.dispose();
      rmSync(at('src/fresh'), { recursive: true, force: true });
      rmSync(at('src/watched.ts'), { force: true });
    }
  });
}

test('watch(): an edited .gitignore is applied', async () => {
  const index = open();
  const watcher = new WorkspaceWatcher(index, { debounceMs: 30 });
  try {
    const seen = nextBatch(index, (c) => c.some((x) => x.path === 'secrets.txt' && x.kind === 'created'));
    writeFileSync(at('.gitignore'), 'dist/\n*.log\n!keep.log\n');
    await seen;
    assert.ok(index.get('secrets.txt'));
  } finally {
    watcher.dispose();
    writeFileSync(at('.gitignore'), 'dist/\n*.log\n!keep.log\nsecrets.txt\n');
  }
});

test('applyChangesAsync: a root .gitignore edit that brings back a big folder re-walks it in slices', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-async-walk-'));
  mkdirSync(join(dir, 'gen'));
  for (let i = 0; i < 12_000; i++) writeFileSync(join(dir, 'gen', `f${i}.ts`), `export const v${i} = ${i};\n`);
  writeFileSync(join(dir, '.gitignore'), 'gen/\n');
  try {
    const sync = WorkspaceIndex.open(dir, { gitUserPaths: { home: dir } });
    const sliced = WorkspaceIndex.open(dir, { gitUserPaths: { home: dir } });
    assert.equal(sliced.size, 1);
    writeFileSync(join(dir, '.gitignore'), '# nothing ignored\n');
    // Every file of the folder is now read once (binary, minified and size checks, line count).
    const { value: changes, longestGapMs } = await watchingTheEventLoop(() => sliced.applyChangesAsync([{ path: '.gitignore', kind: 'changed' }]));
    assert.equal(changes.filter((c) => c.kind === 'created').length, 12_000);
    // The same re-walk in one piece, for scale: that is how long the thread was held before.
    const started = performance.now();
    sync.applyChanges([{ path: '.gitignore', kind: 'changed' }]);
    const inOnePiece = performance.now() - started;
    assert.equal(sync.size, sliced.size);
    assert.ok(longestGapMs < Math.max(HOST_STALL_LIMIT_MS / 5, inOnePiece / 2), `held ${Math.round(longestGapMs)} ms at a time, against ${Math.round(inOnePiece)} ms in one piece`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
