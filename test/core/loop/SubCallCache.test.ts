// The sub-call cache file: answers survive a restart, the least recently used go first past the cap (uses
// count, also across restarts), a line cut short by a crash is skipped, the file is private to the user and
// never inside the workspace. (Lookup time: SubCallCache.serial.test.ts.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheFileFor, subCallKey, SubCallCacheFile, type CachedAnswer } from '../../../src/core/loop/SubCallCache';

const answer = (text: string, costUsd = 0.001): CachedAnswer => ({ text, model: 'gpt-5-mini', usage: { inputTokens: 100, outputTokens: 10, estimated: false }, costUsd });
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'rlm-subcalls-')), 'subcalls', 'w.jsonl');

test('answers survive a restart; the key is model, system text and prompt', async () => {
  const file = tempFile();
  const cache = new SubCallCacheFile(file);
  const key = subCallKey('gpt-5-mini', '', 'Summarise: export function f() {}');
  assert.equal(await cache.get(key), undefined);
  cache.set(key, answer('f does nothing'));
  assert.deepEqual(await cache.get(key), answer('f does nothing'));
  await cache.close();
  assert.equal((statSync(file).mode & 0o777).toString(8), '600', 'only the user reads it');
  const again = new SubCallCacheFile(file);
  assert.deepEqual(await again.get(key), answer('f does nothing'));
  assert.notEqual(subCallKey('gpt-5', '', 'Summarise: export function f() {}'), key, 'another model misses');
  assert.notEqual(subCallKey('gpt-5-mini', 'Be brief.', 'Summarise: export function f() {}'), key, 'other system text misses');
  assert.notEqual(subCallKey('gpt-5-mini', '', 'Summarise: export function f() { return 1; }'), key, 'an edited file misses');
  assert.notEqual(subCallKey('ab', '', 'c'), subCallKey('a', '', 'bc'), 'the parts cannot run into each other');
});

test('past the cap the least recently used answers go; a use counts, also across a restart', async () => {
  const file = tempFile();
  const big = 'x'.repeat(900);
  const cache = new SubCallCacheFile(file, 3_500); // room for three answers of about 1 kB
  for (const k of ['a', 'b', 'c']) cache.set(k, answer(big + k));
  await cache.get('a'); // a is used: b is now the oldest
  cache.set('d', answer(big + 'd'));
  assert.equal(await cache.get('b'), undefined, 'the least recently used went');
  assert.ok(await cache.get('a'));
  await cache.close();
  const reopened = new SubCallCacheFile(file, 3_500);
  assert.equal(await reopened.size(), 3);
  assert.equal(await reopened.get('b'), undefined);
  // The order of use was replayed: c, d, a (a was used again after d came); using c leaves d the oldest.
  await reopened.get('c');
  reopened.set('e', answer(big + 'e'));
  assert.equal(await reopened.get('d'), undefined);
  assert.ok(await reopened.get('a'), 'a, used before the restart, stays');
  assert.ok(await reopened.get('c'));
  assert.ok(await reopened.get('e'));
  await reopened.close();
});

test('the file stays bounded: rewritten once the lines it no longer needs outweigh the answers it keeps', async () => {
  const file = tempFile();
  const cache = new SubCallCacheFile(file, 10_000);
  for (let round = 0; round < 30; round++) {
    for (let i = 0; i < 5; i++) cache.set(`k${round}-${i}`, answer('y'.repeat(500)));
    await cache.close();
  }
  assert.ok(statSync(file).size < 25_000, `${statSync(file).size} bytes on disk for a 10 kB cap`);
  const reopened = new SubCallCacheFile(file, 10_000);
  assert.ok(await reopened.get('k29-4'), 'the newest answers are there');
  assert.equal(await reopened.get('k0-0'), undefined);
});

test('a line cut short by a crash, or garbage, is skipped; the rest loads', async () => {
  const file = tempFile();
  const cache = new SubCallCacheFile(file);
  cache.set('good', answer('kept'));
  await cache.close();
  appendFileSync(file, '{"k":"half","a":{"text":"cut sh');
  appendFileSync(file, '\nnot json\n{"k":1}\n{"k":"x","a":{"text":5}}\n');
  const reopened = new SubCallCacheFile(file);
  assert.deepEqual(await reopened.get('good'), answer('kept'));
  assert.equal(await reopened.size(), 1);
  reopened.set('later', answer('after the damage'));
  await reopened.close();
  assert.deepEqual(await new SubCallCacheFile(file).get('later'), answer('after the damage'));
});

test('a cache that cannot be written costs reuse, never the run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-subcalls-'));
  writeFileSync(join(dir, 'subcalls'), 'a file where the folder should be');
  const cache = new SubCallCacheFile(join(dir, 'subcalls', 'w.jsonl'));
  cache.set('k', answer('v'));
  assert.deepEqual(await cache.get('k'), answer('v'), 'kept in memory for this session');
  await cache.close();
  assert.equal(readFileSync(join(dir, 'subcalls'), 'utf8'), 'a file where the folder should be');
});

test('the cache file is named by a hash, never inside the workspace', () => {
  const file = cacheFileFor('/home/u/.cache/rlm', 'workspace:/home/u/project', '/home/u/project')!;
  assert.match(file, /^\/home\/u\/\.cache\/rlm\/subcalls\/[0-9a-f]{32}\.jsonl$/);
  assert.ok(!file.includes('project'));
  assert.equal(cacheFileFor('/home/u/project/.cache', 'workspace:/home/u/project', '/home/u/project'), undefined);
  assert.equal(cacheFileFor('/home/u/project', 'workspace:/home/u/project', '/home/u/project'), undefined);
  assert.equal(cacheFileFor('/home/u', 'workspace:/home/u/project', '/home/u/project')?.startsWith('/home/u/subcalls/'), true, 'a folder above the workspace is fine');
  assert.ok(cacheFileFor('/home/u/project2', 'x', '/home/u/project'), 'a sibling whose name starts the same is outside');
});

test('a cache folder inside the workspace by a symlink is refused too, whichever way the link goes', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'rlm-subcalls-links-'));
  const ws = join(tmp, 'ws');
  mkdirSync(join(ws, '.c'), { recursive: true });
  mkdirSync(join(tmp, 'outside'));
  const link = (name: string, target: string) => {
    symlinkSync(target, join(tmp, name));
    return join(tmp, name);
  };
  assert.equal(cacheFileFor(link('into-ws', join(ws, '.c')), 'w', ws), undefined, 'RLM_CACHE_DIR a link into the workspace');
  assert.equal(cacheFileFor(link('into-ws-not-made', join(ws, '.later')), 'w', ws), undefined, 'a link to a folder in it not made yet');
  assert.equal(cacheFileFor(join(link('to-ws', ws), 'cache', 'rlm'), 'w', ws), undefined, 'under a link to the workspace, not made yet');
  assert.equal(cacheFileFor(join(ws, '.c'), 'w', link('ws-by-link', ws)), undefined, 'the workspace named by a link');
  assert.equal(cacheFileFor(join(tmp, 'outside'), 'w', link('outside-link', join(tmp, 'outside'))), undefined, 'a workspace that is the cache folder');
  assert.ok(cacheFileFor(link('elsewhere', join(tmp, 'outside')), 'w', ws), 'a link that leads outside the workspace is fine');
  assert.ok(cacheFileFor(join(tmp, 'outside'), 'w', link('ws-link', ws)), 'and so is a folder outside a workspace named by a link');
});

test('clear forgets every answer and deletes the file, queued writes included; the cache works on afterwards', async () => {
  const file = tempFile();
  const cache = new SubCallCacheFile(file);
  cache.set('old', answer('kept before'));
  await cache.close();
  cache.set('queued', answer('not yet written'));
  await cache.clear();
  assert.equal(await cache.get('old'), undefined);
  assert.equal(await cache.get('queued'), undefined);
  assert.equal(await cache.size(), 0);
  await new Promise((resolve) => setTimeout(resolve, 300)); // past the flush delay: nothing queued comes back
  assert.throws(() => statSync(file), /ENOENT/, 'the file is gone');
  cache.set('new', answer('after the clear'));
  await cache.close();
  assert.deepEqual(await new SubCallCacheFile(file).get('new'), answer('after the clear'));
  assert.equal(await new SubCallCacheFile(file).get('old'), undefined, 'nothing of before comes back on a restart');
});
