// The first walk's InspectionCache: an unchanged file (same size and mtime, not changed within 2 s of the walk that
// saw it) is not opened again; anything else is looked at afresh; and nothing in the cache file can let a path in.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { InspectionCache, inspectionCacheFile, sweepInspectionCaches } from '../../../src/core/workspace/InspectionCache';
import { WorkspaceIndex } from '../../../src/core/workspace/WorkspaceIndex';
import { createFixture, FIXTURE_MAX_FILE_BYTES, write } from './fixtureWorkspace';

const dir = mkdtempSync(join(tmpdir(), 'rlm-inspection-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const LAST_WEEK = new Date(Date.now() - 7 * 86_400_000);

function file(name: string, content: string | Buffer, when: Date | null = LAST_WEEK): string {
  const path = join(dir, name);
  write(path, content);
  if (when) utimesSync(path, when, when);
  return path;
}

function walk(cacheFile: string, names: string[], maxFileBytes = 1024 * 1024) {
  const cache = InspectionCache.load(cacheFile, maxFileBytes);
  const seen = names.map((name) => cache.inspect(join(dir, name), name));
  cache.save();
  return { seen, hits: cache.hits };
}

test('an unchanged file is answered from the cache; a changed one is read again', () => {
  const cacheFile = join(dir, 'a.json');
  file('a.ts', 'const a = 1;\nconst b = 2;\n');
  file('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
  file('bundle.js', `var a=${'1+'.repeat(6000)}1;\n`);
  const first = walk(cacheFile, ['a.ts', 'image.png', 'bundle.js']);
  assert.equal(first.hits, 0);
  const second = walk(cacheFile, ['a.ts', 'image.png', 'bundle.js']);
  assert.equal(second.hits, 3, 'text, binary and bundle verdicts are all kept');
  assert.deepEqual(second.seen, first.seen);

  file('a.ts', 'const a = 1;\nconst b = 2;\nconst c = 3;\n'); // another size
  const third = walk(cacheFile, ['a.ts', 'image.png', 'bundle.js']);
  assert.equal(third.hits, 2);
  assert.equal(third.seen[0]!.kind === 'text' && third.seen[0]!.lines, 3);

  file('a.ts', 'const a = 1;\nconst b = 2;\nconst x = 3;\n', new Date(LAST_WEEK.getTime() + 60_000)); // same size, another mtime
  assert.equal(walk(cacheFile, ['a.ts']).hits, 0);
  // Files the last walk did not meet are dropped from the file it wrote.
  assert.equal(walk(cacheFile, ['image.png']).hits, 0, 'a.ts alone was met last time');
});

test('a walk that learnt nothing new leaves the file as it was; one that did rewrites it', () => {
  const cacheFile = join(dir, 'unchanged.jsonl');
  file('u1.ts', 'export const u1 = 1;\n');
  file('u2.ts', 'export const u2 = 2;\n');
  walk(cacheFile, ['u1.ts', 'u2.ts']);
  const written = readFileSync(cacheFile, 'utf8');
  utimesSync(cacheFile, LAST_WEEK, LAST_WEEK);
  const mtime = () => statSync(cacheFile).mtimeMs;
  const before = mtime();
  assert.equal(walk(cacheFile, ['u2.ts', 'u1.ts']).hits, 2);
  assert.equal(mtime(), before, 'every file met and unchanged: not written again');
  assert.equal(readFileSync(cacheFile, 'utf8'), written);
  assert.equal(walk(cacheFile, ['u1.ts', 'u2.ts']).hits, 2, 'and still answers the next walk');

  file('u3.ts', 'export const u3 = 3;\n');
  walk(cacheFile, ['u1.ts', 'u2.ts', 'u3.ts']);
  assert.notEqual(mtime(), before, 'a new file is learnt');
  assert.equal(walk(cacheFile, ['u1.ts', 'u2.ts', 'u3.ts']).hits, 3);
  walk(cacheFile, ['u1.ts', 'u3.ts']);
  assert.equal(walk(cacheFile, ['u1.ts', 'u2.ts', 'u3.ts']).hits, 2, 'a file not met is dropped: the file was written again');
  writeFileSync(cacheFile, readFileSync(cacheFile, 'utf8') + '\n["torn');
  walk(cacheFile, ['u1.ts', 'u2.ts', 'u3.ts']);
  assert.ok(!readFileSync(cacheFile, 'utf8').includes('torn'), 'a torn line makes the walk write a clean file');
});

test('the first walk makes the cache folder: the next one reads the files from its cache', () => {
  const cacheFile = join(dir, 'not', 'made', 'yet', 'files.jsonl');
  file('first.ts', 'export const first = 1;\n');
  walk(cacheFile, ['first.ts']);
  assert.equal(walk(cacheFile, ['first.ts']).hits, 1);
});

test('a file changed within 2 s of the walk that saw it is read again (its mtime may not show a second change)', () => {
  const cacheFile = join(dir, 'racy.json');
  file('racy.ts', 'let x = 1;\n', null); // modified just now
  walk(cacheFile, ['racy.ts']);
  assert.equal(walk(cacheFile, ['racy.ts']).hits, 0);
});

test('a torn cache, another format or another size limit is an empty cache, never an error', () => {
  file('b.ts', 'let b = 2;\n');
  const cacheFile = join(dir, 'b.json');
  walk(cacheFile, ['b.ts']);
  assert.equal(walk(cacheFile, ['b.ts']).hits, 1);
  assert.equal(walk(cacheFile, ['b.ts'], 512 * 1024).hits, 0, 'another maxFileBytes');
  const good = readFileSync(cacheFile, 'utf8').split('\n');
  writeFileSync(cacheFile, good[0]!.slice(0, 20));
  assert.equal(walk(cacheFile, ['b.ts']).hits, 0, 'torn');
  writeFileSync(cacheFile, [good[0], good[1]!.slice(0, 10)].join('\n'));
  assert.equal(walk(cacheFile, ['b.ts']).hits, 0, 'a torn line');
  const entry = JSON.parse(good[1]!);
  entry[4] = 'many';
  writeFileSync(cacheFile, [good[0], JSON.stringify(entry)].join('\n'));
  const bad = walk(cacheFile, ['b.ts']);
  assert.deepEqual([bad.hits, bad.seen[0]!.kind === 'text' && bad.seen[0]!.lines], [0, 1], 'a malformed entry is not trusted');
  assert.equal(walk(join(dir, 'no-such-dir', 'c.json'), ['b.ts']).hits, 0, 'an unwritable place costs nothing but the cache');
});

test('a warm first walk lists what a cold one does, and no cache entry lets in a path the rules leave out', async () => {
  const fixture = createFixture();
  const cacheDir = mkdtempSync(join(tmpdir(), 'rlm-inspection-dir-'));
  try {
    for (const path of ['src/index.ts', 'secrets.txt', 'dist/bundle.js']) {
      try { utimesSync(join(fixture.root, path), LAST_WEEK, LAST_WEEK); } catch { /* not every fixture file exists */ }
    }
    const cold = WorkspaceIndex.open(fixture.root, { maxFileBytes: FIXTURE_MAX_FILE_BYTES });
    const record = (f: { path: string; language: string; bytes: number; lines: number; mtimeMs: number; target?: string }) => [f.path, f.language, f.bytes, f.lines, f.mtimeMs, f.target];
    for (let run = 0; run < 2; run++) {
      const walked = WorkspaceIndex.start(fixture.root, { maxFileBytes: FIXTURE_MAX_FILE_BYTES, cacheDir, walkThreads: 1 });
      await walked.listed;
      assert.deepEqual(walked.list().map(record), cold.list().map(record), `run ${run}`);
    }
    // A cache that claims an ignored file and a credential file are plain text changes nothing: the rules are applied afresh.
    const cacheFile = inspectionCacheFile(cacheDir, cold.root, { index: 0, of: 1 });
    const lines = readFileSync(cacheFile, 'utf8').split('\n');
    const src = lines.slice(1).map((line) => JSON.parse(line)).find((entry: unknown[]) => entry[0] === 'src/index.ts');
    assert.ok(src, 'the walk kept src/index.ts');
    writeFileSync(join(fixture.root, '.env'), 'TOKEN=secret\n');
    lines.push(JSON.stringify(['secrets.txt', ...src.slice(1)]), JSON.stringify(['.env', ...src.slice(1)]));
    writeFileSync(cacheFile, lines.join('\n'));
    const warm = WorkspaceIndex.start(fixture.root, { maxFileBytes: FIXTURE_MAX_FILE_BYTES, cacheDir, walkThreads: 1 });
    await warm.listed;
    assert.equal(warm.get('secrets.txt'), undefined);
    assert.equal(warm.get('.env'), undefined);
    assert.deepEqual(warm.list().map(record), cold.list().map(record));
  } finally {
    fixture.cleanup();
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('a language the file name decides comes from the name, not the cache (the table of names may have grown)', () => {
  const cacheFile = join(dir, 'names.json');
  file('names.ts', 'export const n = 1;\n');
  file('script', '#!/usr/bin/env python3\nprint(1)\n');
  walk(cacheFile, ['names.ts', 'script']);
  const lines = readFileSync(cacheFile, 'utf8').split('\n');
  writeFileSync(cacheFile, lines.map((line) => line.replace('"typescript"', '"text"')).join('\n'));
  const again = walk(cacheFile, ['names.ts', 'script']);
  assert.equal(again.hits, 2);
  assert.deepEqual(again.seen.map((s) => s.kind === 'text' && s.language), ['typescript', 'python'], 'the shebang language is the cached one');
});

test('a walk removes the shares of another number of walk threads and killed saves, and keeps its own', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'rlm-inspection-sweep-'));
  try {
    const root = '/some/workspace';
    const mine = [0, 1].map((index) => inspectionCacheFile(cacheDir, root, { index, of: 2 }));
    const stale = [0, 1, 2].map((index) => inspectionCacheFile(cacheDir, root, { index, of: 3 }));
    const other = inspectionCacheFile(cacheDir, '/another/workspace', { index: 0, of: 3 });
    const killed = `${mine[0]}.4242.tmp`;
    const saving = `${mine[1]}.4343.tmp`;
    for (const path of [...mine, ...stale, other, killed, saving]) writeFileSync(path, '{}');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(killed, hourAgo, hourAgo);
    sweepInspectionCaches(mine[0]!);
    const left = readdirSync(cacheDir).sort();
    assert.deepEqual(left, [mine[0], mine[1], other, saving].map((path) => basename(path!)).sort(),
      'this walk\'s shares, another root\'s, and a save still under way stay');
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
