// The first indexing of a 100,000-file folder (generated: real-looking TypeScript and Python), through the
// product's way in (CodeWorkspace.start, real walk, real Tree-sitter threads, real ripgrep when installed):
// - while the walk runs, every answer that depends on the file list (files, grep, symbols, outline,
//   ast_query, read) either waits for it within its budget or says how much of the list is known;
// - a signal stops the first indexing within a second, during the walk, the cache load or the parsing, and
//   leaves no thread or process behind; the folder opens again afterwards, with what was parsed kept.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CodeWorkspace } from '../../../src/core/workspace/CodeWorkspace';
import { IndexingStopped } from '../../../src/core/workspace/FirstWalk';
import type { CallControl } from '../../../src/core/workspace/types';
import { childProcesses, generateBigTree, threadCount, timeUntil, type BigTree } from '../../support/bigTree';

const FILES = 100_000;
/** A call's budget is its cell's time left minus a 0.5 s grace: this gives a 1 s budget. */
const SHORT: CallControl = { timeBudgetMs: 1_500 };
const NOTE = /the workspace's file list is still being built \(([\d,]+) files found so far, ([\d,]+) folders not read yet\), so files in the rest of it are missing/;
const STOP_LIMIT_MS = 1_000;

let tree: BigTree;
let cacheDir: string;
/** Threads before any workspace opened (libuv's pool warmed up): what must remain once one is stopped. */
let baseThreads: number;
/** The event loop's handles and requests before any workspace opened (timers, sockets, watchers...). */
let baseResources: string;
const resources = () => process.getActiveResourcesInfo().sort().join(',');
const count = (text: string) => Number(text.replace(/,/g, ''));
const linux = process.platform === 'linux';

before(async () => {
  tree = generateBigTree(FILES, 'first-indexing-');
  cacheDir = mkdtempSync(join(tmpdir(), 'first-indexing-cache-'));
  await import('node:fs/promises').then((fs) => fs.readFile(__filename)); // start libuv's thread pool
  await new Promise((resolve) => setTimeout(resolve, 50)); // the read's own close request done
  if (linux) baseThreads = threadCount();
  baseResources = resources();
});

after(() => {
  rmSync(tree.root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

describe(`the first indexing of ${FILES.toLocaleString('en-US')} files`, { timeout: 300_000 }, () => {
  let workspace: CodeWorkspace;
  const stopParsing = new AbortController();
  let parsedBeforeStop = 0;

  test('while the walk runs, answers wait for it within their budget or say how much of the list is known', async (t) => {
    const walkStarted = Date.now();
    workspace = await CodeWorkspace.start(tree.root, { cacheDir, workers: 1, timeBudgetMs: 120_000, signal: stopParsing.signal });
    assert.equal(workspace.index.walking, true, 'the workspace answers before the walk is done');
    assert.equal(workspace.summary().incomplete, true);
    // A query worker started from the TypeScript sources takes a while on a busy machine: start one with a long
    // deadline, so the short budgets below measure the wait for the walk, not the thread's start.
    assert.equal((await workspace.queries.run({ kind: 'select', table: { name: 'files' }, patternKind: 'fileGlob', pattern: '*.none' }, { deadlineMs: 60_000 })).status, 'done');

    // Each answer is whole, or its note says the list is partial and how much of it is known.
    let partial = 0;
    const wholeOrSaysSo = (incomplete: string | undefined, what: string, whole: () => void) => {
      if (!incomplete || !/file list/.test(incomplete)) return whole();
      assert.match(incomplete, NOTE, what);
      partial++;
    };
    // The first answer comes a second into a walk of several seconds: partial, and it says how much is known.
    const listed = await workspace.files(undefined, SHORT);
    const [, found, left] = NOTE.exec(listed.incomplete ?? '') ?? assert.fail(`files() a second into the walk: ${listed.incomplete}`);
    assert.equal(listed.items.length, count(found), 'the note counts exactly what the answer holds');
    assert.ok(count(found) < FILES && count(left) > 0);
    partial++;
    // A glob or a grep runs in a query worker, which is sent the list as it is now (tens of thousands of rows): on a
    // busy machine that takes a good part of a second, so these get more time.
    const WORKER: CallControl = { timeBudgetMs: 3_500 };
    const python = await workspace.files('**/*.py', WORKER);
    wholeOrSaysSo(python.incomplete, 'files(glob)', () => assert.equal(python.items.length, FILES / 2));
    assert.ok(python.items.every((f) => f.path.endsWith('.py')));
    const grep = await workspace.grep('^class Handler', { maxResults: 100 }, WORKER);
    wholeOrSaysSo(grep.incomplete, 'grep', () => assert.equal(grep.matches.length, 100));
    const symbols = await workspace.symbols({ path: 'pkg01/', kind: 'class' }, SHORT);
    // With the whole list, it may still say how many files it could not parse in time.
    wholeOrSaysSo(symbols.incomplete, 'symbols', () => assert.ok(symbols.items.length > 0 || /^[\d,]+ matching files? (is|are) not parsed yet/.test(symbols.incomplete ?? ''), symbols.incomplete));
    // The query worker loads the Python grammar first: on a busy machine that alone can take a second.
    const ast = await workspace.astQuery('(class_definition name: (identifier) @name)', { language: 'python', maxResults: 10 }, { timeBudgetMs: 5_500 });
    // With the whole list, it may still say it ran out of time (the walk took most of the budget).
    wholeOrSaysSo(ast.incomplete, 'ast_query', () => assert.ok(ast.items.length === 10 || /ran out of time/.test(ast.incomplete ?? ''), ast.incomplete));

    // A file the walk has not reached: read() and outline() wait for it, then say it is not listed yet.
    const unlisted = [...Array(FILES).keys()].reverse().map(tree.pathOf).find((path) => !workspace.index.get(path)) ?? tree.pathOf(FILES - 1);
    const read = await workspace.read(unlisted, 1, 1, SHORT).catch((error: Error) => error);
    if (read instanceof Error) {
      assert.match(read.message, new RegExp(`read\\('${unlisted}'\\): not in the file list yet, the workspace's file list is still being built`));
      partial++;
    }
    const outline = await workspace.outline(unlisted, SHORT).catch((error: Error) => error);
    if (outline instanceof Error) assert.match(outline.message, new RegExp(`outline\\('${unlisted}'\\): not in the file list yet`));

    // With a budget long enough, the same calls wait for the walk and answer whole.
    const whole = await workspace.files();
    t.diagnostic(`the walk of ${FILES} files took ${Date.now() - walkStarted} ms (the calls above beside it); ${partial} answers said they were partial`);
    assert.equal(whole.incomplete, undefined);
    assert.equal(whole.items.length, FILES);
    assert.equal(workspace.summary().incomplete, undefined);
    assert.equal(workspace.summary().files, FILES);
    const one = await workspace.grep('^class Handler99999:', {});
    assert.deepEqual([one.matches.length, one.incomplete], [1, undefined]);
    assert.match(await workspace.read(unlisted, 1, 1), /^(import|export)/);
    const folder = await workspace.symbols({ path: 'pkg07/mod03/', kind: 'class' });
    assert.equal(folder.incomplete, undefined);
    assert.equal(folder.items.length, 50);
  });

  test('a signal stops the parsing within a second, a search in flight with it, and nothing is left running', { skip: !linux && 'reads /proc' }, async (t) => {
    // Background parsing starts once the list is whole (it would compete with the walk for the cores).
    assert.ok(await timeUntil(() => workspace.indexing().parsed > 500, 120_000) < Infinity, 'parsing goes on after the walk');
    assert.equal(workspace.indexing().done, false, 'the parser threads are still busy');
    // A search that reads every file: ripgrep (when installed) is running in a child process when the stop comes.
    const search = workspace.grep('no such text anywhere', { maxResults: 1 }).catch((error: Error) => error.message);
    await new Promise((resolve) => setTimeout(resolve, 100));
    parsedBeforeStop = workspace.indexing().parsed;
    const stopped = performance.now();
    stopParsing.abort();
    const gone = await timeUntil(() => threadCount() <= baseThreads && childProcesses().length === 0, 5_000);
    t.diagnostic(`stopped while parsing (${parsedBeforeStop} files parsed): threads and processes gone in ${Math.round(gone)} ms`);
    assert.ok(gone < STOP_LIMIT_MS, `threads/processes still there after ${gone} ms: ${threadCount()} threads (base ${baseThreads}), children ${childProcesses()}`);
    await search; // the search ends too (cancelled or with what it found), it does not hang
    await workspace.close(); // waits for the cache the stop began to write
    assert.ok(performance.now() - stopped < 10_000);
  });

  test('a signal stops the cache load and the walk within a second, leaving nothing behind', { skip: !linux && 'reads /proc' }, async (t) => {
    // During the cache load: the open itself fails.
    const early = new AbortController();
    const opening = CodeWorkspace.start(tree.root, { cacheDir, workers: 1, signal: early.signal });
    early.abort();
    let started = performance.now();
    await assert.rejects(opening, IndexingStopped);
    assert.ok(performance.now() - started < STOP_LIMIT_MS);

    // During the walk.
    const controller = new AbortController();
    const walking = await CodeWorkspace.start(tree.root, { cacheDir, workers: 1, signal: controller.signal });
    await timeUntil(() => walking.index.walkProgress().files > 1_000, 60_000);
    assert.equal(walking.index.walking, true);
    started = performance.now();
    controller.abort();
    await assert.rejects(walking.listed, IndexingStopped);
    await timeUntil(() => threadCount() <= baseThreads && childProcesses().length === 0, 5_000);
    const took = performance.now() - started;
    t.diagnostic(`stopped while walking (${walking.index.walkProgress().files} files listed): walk ended, threads and processes gone in ${Math.round(took)} ms`);
    assert.ok(took < STOP_LIMIT_MS, `took ${took} ms; ${threadCount()} threads (base ${baseThreads})`);
    const partial = await walking.files(undefined, SHORT);
    assert.match(partial.incomplete ?? '', /the workspace's file list is incomplete: indexing was stopped/, 'a stopped walk is never taken for a whole list');
    await walking.close();
    // An answer built in slices ends its last slice with an Immediate that runs in this turn of the loop: what is
    // checked is what outlives it.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(resources(), baseResources, 'no timer, handle or request left behind');
  });

  test('the folder opens again after a stop, with what was parsed kept in the cache', async () => {
    const again = await CodeWorkspace.openAsync(tree.root, { cacheDir, workers: 1 });
    try {
      assert.equal((await again.files()).items.length, FILES);
      const hits = again.symbolIndex.stats().cacheHits;
      assert.ok(hits >= parsedBeforeStop && hits > 0, `${hits} files from the cache, ${parsedBeforeStop} parsed before the stop`);
      const outline = await again.outline(tree.pathOf(FILES - 1));
      assert.match(outline, new RegExp(`class Handler${FILES - 1}`));
      assert.match(readFileSync(join(tree.root, tree.pathOf(0)), 'utf8'), /class Service0 /);
    } finally {
      await again.close();
    }
  });
});
