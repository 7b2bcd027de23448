// The parser threads' queue (issue 17): a query that waits for files has the cores to itself (hold), urgent files
// go largest first and background files smallest first. Real worker threads parsing the openai SDK's sources.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { BACKGROUND_NICENESS } from '../../../../src/core/workers/backgroundPriority';
import { ParsePool, type ParseJob } from '../../../../src/core/workspace/syntax/ParsePool';
import { parseFileSymbols } from '../../../../src/core/workspace/syntax/parseFileSymbols';
import { Grammars } from '../../../../src/core/workspace/syntax/Grammars';
import { locateSyntaxAssets } from '../../../../src/core/workspace/syntax/SyntaxAssets';
import type { SourceFileRecord } from '../../../../src/core/workspace/syntax/types';
import { OPENAI_SOURCES, scanTypeScript } from './openaiSources';

let files: SourceFileRecord[];
const pools: ParsePool[] = [];

interface Seen { path: string; urgent: boolean; bytes: number }

function openPool(workers: number): { pool: ParsePool; seen: Seen[]; idle: Promise<void> } {
  const seen: Seen[] = [];
  let onIdle!: () => void;
  const idle = new Promise<void>((resolve) => { onIdle = resolve; });
  const assets = locateSyntaxAssets();
  const pool = new ParsePool({
    assets, root: OPENAI_SOURCES, maxBytes: 16 << 20, workers,
    wanted: () => true,
    onResult: (job, outcome) => {
      assert.equal(outcome.error, undefined, `${job.path}: ${outcome.error}`);
      seen.push({ path: job.path, urgent: job.urgent !== undefined, bytes: job.bytes });
    },
    onIdle: () => { if (seen.length > 0) onIdle(); },
    parseInline: (job) => Grammars.create(assets).then((g) => parseFileSymbols(g, OPENAI_SOURCES, job, 16 << 20)),
    parseTextInline: () => Promise.reject(new Error('not used')),
  });
  pools.push(pool);
  return { pool, seen, idle };
}

const job = (r: SourceFileRecord, urgent = false): ParseJob => ({ path: r.path, language: r.language, bytes: r.bytes, mtimeMs: r.mtimeMs, ...(urgent ? { urgent: {} } : {}) });

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

before(() => {
  files = scanTypeScript(OPENAI_SOURCES);
  assert.ok(files.length >= 200, `${files.length} files`);
});

after(() => {
  for (const pool of pools) pool.dispose();
});

for (const [mode, workers] of [['two worker threads', 2], ['inline (no worker thread)', 0]] as const) {
  describe(`a held pool, ${mode}`, { timeout: 120_000 }, () => {
    test('sends no background file while held, parses the urgent ones, and resumes the background when released', async () => {
      const { pool, seen, idle } = openPool(workers);
      const background = files.slice(0, 150);
      const urgent = files.slice(150, 170);
      const release = pool.hold();
      pool.enqueue(background.map((r) => job(r)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(seen.length, 0, 'nothing parsed while held with only background work');
      pool.enqueue(urgent.map((r) => job(r, true)));
      await until(() => seen.length === urgent.length, 'the urgent files');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(seen.length, urgent.length, 'still no background file after the urgent ones');
      assert.ok(seen.every((s) => s.urgent));
      assert.equal(pool.idle, false);
      release();
      release(); // a second call changes nothing
      await idle;
      assert.equal(seen.length, urgent.length + background.length);
      // Background files went smallest first. Inline, they come back in that order; threads return whole batches,
      // each when it is done, so there the order they come back in says little.
      const sizes = seen.slice(urgent.length).map((s) => s.bytes);
      if (workers === 0) assert.deepEqual(sizes, [...sizes].sort((a, b) => a - b));
    });

    test(workers === 0 ? 'urgent files go largest first' : 'urgent files are all parsed', async () => {
      const { pool, seen, idle } = openPool(workers);
      const urgent = files.slice(0, 60);
      pool.enqueue(urgent.map((r) => job(r, true)));
      await idle;
      assert.equal(seen.length, urgent.length);
      if (workers === 0) assert.deepEqual(seen.map((s) => s.bytes), seen.map((s) => s.bytes).sort((a, b) => b - a));
    });
  });
}

/** The nice value of each of this process's threads (Linux). */
function threadNice(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    // The fields after the command name (which may hold spaces), the state first: nice is the 17th of them.
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return out;
}

test('the parser threads yield the cores to the host thread: they run at a lower priority (Linux)', { skip: process.platform === 'linux' ? false : 'per-thread priorities are a Linux matter', timeout: 60_000 }, async () => {
  const before = new Set(threadNice().keys());
  const { pool, idle } = openPool(2);
  pool.enqueue(files.slice(0, 4).map((r) => job(r)));
  await idle;
  const started = [...threadNice()].filter(([tid]) => !before.has(tid));
  const host = getPriority();
  assert.equal(started.filter(([, nice]) => nice === Math.min(19, host + BACKGROUND_NICENESS)).length, 2, `host ${host}, started ${JSON.stringify(started)}`);
  assert.equal(threadNice().get(process.pid), host, 'the host thread keeps its priority');
});

