// grep() through both engines: ripgrep (Debian's /usr/bin/rg, `apt-get install ripgrep`) and the V8
// fallback must give identical results on every case, and the cases pin down what those results are.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURE_MAX_FILE_BYTES, createFixture, write } from './fixtureWorkspace';
import { MAX_LINE_CHARS } from '../../../src/core/workspace/GrepQuery';
import { FileSystemWorkspace } from '../../../src/core/workspace/FileSystemWorkspace';
import { Ripgrep } from '../../../src/core/workspace/RipgrepSearch';
import type { GrepOptions, GrepResult } from '../../../src/core/workspace/types';

const fixture = createFixture();
after(() => fixture.cleanup());
const rgPath = Ripgrep.locate()?.executable;
const withRg = FileSystemWorkspace.open(fixture.root, { maxFileBytes: FIXTURE_MAX_FILE_BYTES });
const withV8 = new FileSystemWorkspace(withRg.index, { ripgrep: false });
const needsRg = { skip: rgPath ? false : 'ripgrep is not installed (apt-get install -y ripgrep)' };

/** Runs both engines, checks they agree and that rg (or the expected fallback) answered; returns the result. */
async function grepBoth(pattern: string, options: GrepOptions = {}, rgEngine = 'ripgrep'): Promise<GrepResult> {
  const v8 = await withV8.grepWithEngine(pattern, options);
  assert.equal(v8.engine, 'v8');
  if (rgPath) {
    const rg = await withRg.grepWithEngine(pattern, options);
    assert.equal(rg.engine, rgEngine, `engine for ${pattern}`);
    assert.deepEqual(rg.result, v8.result, `ripgrep and V8 disagree on ${pattern}`);
  }
  return v8.result;
}

const where = (result: GrepResult) => result.matches.map((m) => `${m.path}:${m.line}`);

test('ripgrep is installed for these tests', needsRg, async () => {
  assert.ok(rgPath);
});

test('finds matches in path order with line numbers and text, only in indexed files', async () => {
  const result = await grepBoth('TODO');
  assert.deepEqual(where(result), ['README.md:5', 'link-in-file.ts:5', 'py/app/models.py:10', 'src/index.ts:5']);
  assert.equal(result.matches[3].text, '// TODO: read the port from the environment');
  assert.equal(result.capped, false);
  assert.equal(result.matches[0].before, undefined, 'no context fields unless asked');
});

test('never reports ignored, excluded, binary or out-of-root files', async () => {
  assert.deepEqual(where(await grepBoth('ignored|hunter2|left-pad|outside|kept')), ['keep.log:1', 'src/legacy/keep.gen.ts:1']);
});

test('ignoreCase, and /re/flags literals', async () => {
  const expected = ['README.md:5', 'link-in-file.ts:5', 'py/app/models.py:10', 'src/index.ts:5', 'src/orders/OrderService.ts:17'];
  assert.deepEqual(where(await grepBoth('todo', { ignoreCase: true })), expected);
  assert.deepEqual(where(await grepBoth('/todo/i')), expected);
  assert.deepEqual(where(await grepBoth('/todo/gi')), expected, 'a RegExp from model code arrives as /source/flags');
});

test('glob filter uses the files() rules', async () => {
  assert.deepEqual(where(await grepBoth('Order', { glob: '*.py' })), ['py/app/models.py:5']);
  assert.deepEqual(where(await grepBoth('OrderService', { glob: 'src/server/**' })), ['src/server/http.ts:2', 'src/server/http.ts:4']);
  assert.deepEqual(await grepBoth('Order', { glob: 'nowhere/**' }, 'v8'), { matches: [], capped: false }, 'no files: nothing to run rg on');
});

test('maxResults caps the matches and says so; an exact fit is not capped', async () => {
  const all = await grepBoth('order', { ignoreCase: true });
  assert.ok(all.matches.length > 10);
  const capped = await grepBoth('order', { ignoreCase: true, maxResults: 3 });
  assert.deepEqual(capped.matches, all.matches.slice(0, 3));
  assert.equal(capped.capped, true);
  const exact = await grepBoth('order', { ignoreCase: true, maxResults: all.matches.length });
  assert.equal(exact.capped, false);
});

test('context lines before and after, cut at the file edges', async () => {
  const result = await grepBoth('statusCode', { context: 2 });
  assert.deepEqual(result.matches, [{
    path: 'src/server/http.ts',
    line: 10,
    text: '    res.statusCode = 404;',
    before: ['      return;', '    }'],
    after: ["    res.end('not found');", '  });'],
  }]);
  const first = (await grepBoth('^import \\* as http', { context: 3 })).matches[0];
  assert.deepEqual(first.before, []);
  assert.equal(first.after!.length, 3);
  const last = (await grepBoth('^}$', { context: 2, glob: 'src/orders/*' })).matches.at(-1)!;
  assert.deepEqual([last.line, last.after], [21, []]);
});

test('CRLF lines match like LF lines ($ anchors before \\r\\n)', async () => {
  assert.deepEqual((await grepBoth('line$', { glob: 'windows.txt' })).matches.map((m) => m.text), ['first line', 'second line', 'third line']);
});

test('JavaScript syntax that ripgrep rejects falls back: escapes, named groups, lookbehind, backreferences', async () => {
  assert.deepEqual(where(await grepBoth("'\\/orders'")), ['src/server/http.ts:6'], '\\/ is rewritten for rg');
  assert.deepEqual(where(await grepBoth('(?<kw>class) Order\\b')), ['py/app/models.py:5'], '(?<name> is rewritten for rg');
  assert.deepEqual(where(await grepBoth('(?<=import \\* as )http', {}, 'ripgrep-pcre2')), ['src/server/http.ts:1']);
  assert.deepEqual(where(await grepBoth('(?<!\\w)Order(?=Service \\})', {}, 'ripgrep-pcre2')), ['link-in-file.ts:2', 'src/index.ts:2', 'src/server/http.ts:2']);
  assert.deepEqual(where(await grepBoth('([\'"])node:(\\w+)\\1', { glob: '*' }, 'ripgrep-pcre2')), ['src/server/http.ts:1']);
  assert.deepEqual(where(await grepBoth('[^]ead', { glob: 'README.md' }, 'v8')), [], 'JS-only [^] goes to V8');
});

test('\\b next to a non-ASCII letter is a boundary, as in JavaScript (rg is given the ASCII boundary)', async () => {
  write(join(fixture.root, 'data/accents.txt'), 'éfoo\nfooé\nxfoo\n');
  withRg.index.applyChange('data/accents.txt', 'created');
  assert.deepEqual(where(await grepBoth('\\bfoo', { glob: 'data/accents.txt' })), ['data/accents.txt:1', 'data/accents.txt:2']);
  assert.deepEqual(where(await grepBoth('foo\\b', { glob: 'data/accents.txt' })), ['data/accents.txt:1', 'data/accents.txt:2', 'data/accents.txt:3']);
});

test('long matched lines are cut to a window around the match', async () => {
  write(join(fixture.root, 'data/long.txt'), `${'a'.repeat(1500)}needle${'b'.repeat(1500)}\nshort needle\n`);
  withRg.index.applyChange('data/long.txt', 'created');
  const [long, short] = (await grepBoth('needle', { glob: 'data/*', context: 1 })).matches;
  assert.ok(long.text.length <= MAX_LINE_CHARS + 2, 'cut to the limit plus the two markers');
  assert.match(long.text, /^…a+needleb+…$/);
  assert.equal(short.text, 'short needle');
  assert.equal(short.before![0].length, MAX_LINE_CHARS + 1, 'context lines are cut too');
});

test('bad patterns and options get messages that say what to do', async () => {
  await assert.rejects(withRg.grep('('), /not a valid JavaScript regex .*escape special characters/);
  await assert.rejects(withRg.grep(''), /needs a non-empty regex string/);
  await assert.rejects(withRg.grep('x', { maxResults: 0 }), /maxResults must be an integer >= 1/);
  await assert.rejects(withRg.grep('x', { context: -1 }), /context must be an integer >= 0/);
  await assert.rejects(withRg.grep('x', { glob: 3 as unknown as string }), /glob must be a string/);
});
