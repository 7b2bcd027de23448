// Discovery: which files the index holds and what it records about them, on a fixture with every kind of
// file that must be left out.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { EXPECTED_PATHS, FIXTURE_MAX_FILE_BYTES, FILES, createFixture } from './fixtureWorkspace';
import { WorkspaceIndex } from '../../../src/core/workspace/WorkspaceIndex';
import { DEFAULT_EXCLUDES } from '../../../src/core/workspace/IgnoreRules';
import { rmSync } from 'node:fs';
import { generateBigTree } from '../../support/bigTree';
import { shareOf } from '../../../src/core/workspace/FolderWalker';

const fixture = createFixture();
after(() => fixture.cleanup());
const index = WorkspaceIndex.open(fixture.root, { maxFileBytes: FIXTURE_MAX_FILE_BYTES });

test('indexes exactly the text files that no rule excludes, sorted by path', () => {
  assert.deepEqual(index.list().map((f) => f.path), EXPECTED_PATHS);
  assert.equal(index.size, EXPECTED_PATHS.length);
  assert.equal(index.name, 'shop');
});

test('records language, bytes, lines and mtime per file', () => {
  const http = index.get('src/server/http.ts')!;
  assert.equal(http.language, 'typescript');
  assert.equal(http.bytes, Buffer.byteLength(FILES['src/server/http.ts']));
  assert.equal(http.lines, 13);
  assert.ok(http.mtimeMs > 0);
  assert.equal(index.get('src/components/Button.tsx')!.language, 'tsx');
  assert.equal(index.get('py/app/models.py')!.language, 'python');
  assert.equal(index.get('go/main.go')!.language, 'go');
  assert.equal(index.get('rust/src/lib.rs')!.language, 'rust');
  assert.equal(index.get('public/styles.css')!.language, 'css');
  assert.equal(index.get('README.md')!.language, 'markdown');
  assert.equal(index.get('package.json')!.language, 'json');
  assert.equal(index.get('windows.txt')!.lines, 3, 'CRLF lines count once each');
  assert.equal(index.get('keep.log')!.language, 'text');
});

test('extensionless scripts get their language from the shebang', () => {
  assert.equal(index.get('scripts/deploy')!.language, 'shell');
  assert.equal(index.get('scripts/migrate')!.language, 'python');
  assert.equal(index.get('tools/run')!.language, 'javascript', '#!/usr/bin/env -S node --flags');
});

test('.gitignore at the root, nested .gitignore with a negation, and .git/info/exclude are honoured', () => {
  assert.equal(index.get('app.log'), undefined, '*.log');
  assert.ok(index.get('keep.log'), '!keep.log');
  assert.equal(index.get('secrets.txt'), undefined);
  assert.equal(index.get('dist/bundle.js'), undefined, 'dist/');
  assert.equal(index.get('src/legacy/old.gen.ts'), undefined, 'nested *.gen.ts');
  assert.ok(index.get('src/legacy/keep.gen.ts'), 'nested !keep.gen.ts');
  assert.equal(index.get('local-notes.md'), undefined, '.git/info/exclude');
  assert.equal(index.explain('src/legacy/old.gen.ts')?.message, 'it is excluded by src/legacy/.gitignore');
  assert.equal(index.explain('local-notes.md')?.message, 'it is excluded by .git/info/exclude');
});

test('default excludes leave out VCS folders, node_modules and __pycache__', () => {
  assert.ok(index.list().every((f) => !/^(\.git|node_modules|__pycache__)\//.test(f.path)));
  assert.deepEqual(index.explain('node_modules/left-pad/index.js'), { reason: 'ignored', message: 'it is excluded by the exclude option' });
  assert.ok(DEFAULT_EXCLUDES.includes('node_modules/'));
});

test('binary, oversized, minified and source-map files are skipped with a reason', () => {
  for (const path of ['assets/logo.png', 'data/big.txt', 'public/app.min.js', 'public/vendor.js', 'public/app.js.map']) {
    assert.equal(index.get(path), undefined, path);
  }
  assert.equal(index.explain('assets/logo.png')?.reason, 'binary');
  assert.equal(index.explain('data/big.txt')?.reason, 'too-large');
  assert.match(index.explain('data/big.txt')!.message, /over the 16384-byte limit/);
  assert.equal(index.explain('public/app.min.js')?.reason, 'minified');
  assert.equal(index.explain('public/vendor.js')?.reason, 'minified');
  assert.match(index.explain('public/vendor.js')!.message, /character line/);
});

test('symlinks: folder links are never followed, file links only when they stay inside the root', () => {
  assert.equal(index.get('link-out-dir/inner.ts'), undefined);
  assert.equal(index.get('link-in-dir/index.ts'), undefined, 'no duplicate tree through a folder link');
  assert.equal(index.get('link-out-file.txt'), undefined);
  assert.equal(index.explain('link-out-file.txt')?.message, 'it is a symlink that leads outside the workspace');
  assert.equal(index.get('link-in-file.ts')?.language, 'typescript');
  assert.ok(!index.directories().has('link-in-dir'));
});

test('a user exclude list replaces the defaults but version-control folders stay out', () => {
  const custom = WorkspaceIndex.open(fixture.root, { exclude: ['py/', '*.md'], maxFileBytes: FIXTURE_MAX_FILE_BYTES });
  const paths = custom.list().map((f) => f.path);
  assert.ok(!paths.some((p) => p.startsWith('py/') || p.endsWith('.md')));
  assert.ok(paths.includes('node_modules/left-pad/index.js'), 'node_modules is only excluded by default');
  assert.ok(!paths.some((p) => p.startsWith('.git/')));
});

test('openAsync builds the same index', async () => {
  const asyncIndex = await WorkspaceIndex.openAsync(fixture.root, { maxFileBytes: FIXTURE_MAX_FILE_BYTES });
  assert.deepEqual(asyncIndex.list(), index.list());
});

test('a missing or non-folder root is refused with a clear message', () => {
  assert.throws(() => WorkspaceIndex.open(fixture.root + '/nope'), /does not exist: pass an existing folder/);
  assert.throws(() => WorkspaceIndex.open(fixture.root + '/README.md'), /is not a folder/);
  assert.throws(() => WorkspaceIndex.open(fixture.root, { maxFileBytes: 0 }), /maxFileBytes must be a positive number/);
});

test('a first walk in the background: the list grows sorted, changes wait for its end, and it ends as open() would', async () => {
  const tree = generateBigTree(3_000, 'walk-order-');
  try {
    const walking = WorkspaceIndex.start(tree.root);
    const announced: string[] = [];
    walking.onDidChange((changes) => announced.push(...changes.map((c) => `${c.kind} ${c.path}`)));
    let looks = 0;
    while (walking.walking) {
      const now = walking.list().map((f) => f.path);
      assert.deepEqual(now, [...now].sort(), 'sorted at every look');
      assert.equal(now.length, walking.size, 'every record found so far');
      looks++;
      // A change during the walk waits for its end (the walk owns the folders' state until then).
      if (looks === 2) assert.deepEqual(walking.applyChange(tree.pathOf(0), 'changed'), []);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await walking.listed;
    assert.ok(looks > 2, `${looks} looks during the walk`);
    const whole = WorkspaceIndex.open(tree.root).list().map((f) => f.path);
    assert.deepEqual(walking.list().map((f) => f.path), whole);
    assert.deepEqual(announced.filter((a) => a.startsWith('created ')).map((a) => a.slice(8)).sort(), whole, 'each file announced once, as created');
    const { files, foldersLeft, done } = walking.walkProgress();
    assert.deepEqual({ files, foldersLeft, done }, { files: 3_000, foldersLeft: 0, done: true });
  } finally {
    rmSync(tree.root, { recursive: true, force: true });
  }
});

test('the walk threads, one or several, leave the index as the walk on this thread does: records, folders, rules, links and headers', async () => {
  for (const walkThreads of [1, 2, 3]) {
    const walked = WorkspaceIndex.start(fixture.root, { maxFileBytes: FIXTURE_MAX_FILE_BYTES, walkThreads });
    await walked.listed;
    const record = (f: { path: string; language: string; bytes: number; lines: number; target?: string }) => [f.path, f.language, f.bytes, f.lines, f.target];
    assert.deepEqual(walked.list().map(record), index.list().map(record), `${walkThreads} threads`);
    assert.deepEqual([...walked.directories()].sort(), [...index.directories()].sort());
    // What the host learnt from the threads' batches answers as the host's own walk would.
    for (const path of ['dist/bundle.js', 'secrets.txt', 'local-notes.md', 'link-out-file.txt', 'link-in-dir/index.ts', 'node_modules/left-pad/index.js', 'src/index.ts', 'nope.ts']) {
      assert.deepEqual(walked.explain(path), index.explain(path), `${path}, ${walkThreads} threads`);
    }
    assert.deepEqual(walked.explainNew('logs/new.log'), index.explainNew('logs/new.log'));
  }
});

test('several walk threads split a big tree between them and list each file once, in path order', async () => {
  const tree = generateBigTree(6_000, 'walk-split-');
  try {
    const one = WorkspaceIndex.start(tree.root, { walkThreads: 1 });
    const three = WorkspaceIndex.start(tree.root, { walkThreads: 3 });
    await Promise.all([one.listed, three.listed]);
    assert.equal(three.size, 6_000);
    assert.deepEqual(three.list().map((f) => [f.path, f.bytes, f.lines]), one.list().map((f) => [f.path, f.bytes, f.lines]));
    assert.deepEqual(three.walkProgress(), { ...one.walkProgress() });
    const shares = [0, 1, 2].map((share) => three.list().filter((f) => shareOf(f.path, 3) === share).length);
    assert.ok(shares.every((n) => n > 1_500), `each thread took a fair share: ${shares}`);
  } finally {
    rmSync(tree.root, { recursive: true, force: true });
  }
});

test('a stopped walk thread ends at once and keeps what it had sent', async () => {
  const tree = generateBigTree(20_000, 'walk-stop-');
  try {
    const walking = WorkspaceIndex.start(tree.root);
    while (walking.size === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopped = Date.now();
    walking.stop();
    await assert.rejects(walking.listed, /Indexing .* was stopped/);
    assert.ok(Date.now() - stopped < 100, 'the stop does not wait for the thread');
    const kept = walking.size;
    assert.ok(kept > 0 && kept < 20_000, `${kept} files kept`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(walking.size, kept, 'nothing arrives after the stop');
    assert.equal(walking.complete, false);
    assert.match((await walking.untilListed(Date.now() + 10)) ?? '', /indexing was stopped/);
  } finally {
    rmSync(tree.root, { recursive: true, force: true });
  }
});
