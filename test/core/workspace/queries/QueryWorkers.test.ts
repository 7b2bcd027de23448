// The query worker pool on its own: tables cross to a worker once per version, a stalled request has its
// worker replaced and names the row it stalled on, cancellation is immediate, and a request that finds no
// free worker in time says so instead of blaming its pattern.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { QueryWorkers } from '../../../../src/core/workspace/queries/QueryWorkers';

const pools: QueryWorkers[] = [];
after(() => pools.forEach((p) => p.dispose()));

function pool(maxWorkers: number, names: string[]): { workers: QueryWorkers; sent: () => number; bump: () => void } {
  const workers = new QueryWorkers({ maxWorkers });
  pools.push(workers);
  let version = 1;
  let sent = 0;
  workers.setTable('symbolNames', { version: () => version, rows: () => { sent++; return names; } });
  return { workers, sent: () => sent, bump: () => version++ };
}

const select = (pattern: string) => ({ kind: 'select' as const, table: { name: 'symbolNames' as const }, patternKind: 'symbolName' as const, pattern });

test('a table is sent once per version and worker; answers are the matching keys', async () => {
  const { workers, sent, bump } = pool(1, ['parseConfig', 'parseArgs', 'render']);
  assert.deepEqual(await workers.run(select('parse*'), { deadlineMs: 5_000 }), { status: 'done', answer: ['parseConfig', 'parseArgs'] });
  assert.deepEqual(await workers.run(select('/^r/'), { deadlineMs: 5_000 }), { status: 'done', answer: ['render'] });
  assert.equal(sent(), 1, 'the second request reused the worker\'s copy');
  bump();
  await workers.run(select('*'), { deadlineMs: 5_000 });
  assert.equal(sent(), 2, 'a new version is sent again');
});

test('a stalled request names its row and its worker is replaced; the next request works', async () => {
  const { workers } = pool(1, ['fine', 'a'.repeat(40) + 'b', 'also fine']);
  // A warm worker (starting one from the TypeScript sources takes longer than this test's deadline on a busy machine).
  await workers.run(select('fine'), { deadlineMs: 30_000 });
  const started = Date.now();
  const outcome = await workers.run(select('/^(a+)+$/'), { deadlineMs: 300 });
  assert.deepEqual(outcome, { status: 'stalled', row: 1 });
  assert.ok(Date.now() - started < 1_000);
  assert.deepEqual(await workers.run(select('fine'), { deadlineMs: 5_000 }), { status: 'done', answer: ['fine'] });
});

test('cancellation ends a running request at once', async () => {
  const { workers } = pool(1, ['a'.repeat(40) + 'b']);
  await workers.run(select('x'), { deadlineMs: 30_000 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const started = Date.now();
  assert.deepEqual(await workers.run(select('/^(a+)+$/'), { deadlineMs: 30_000, signal: controller.signal }), { status: 'cancelled' });
  assert.ok(Date.now() - started < 600);
});

test('a request that finds every worker busy until its deadline says it was queued', async () => {
  const { workers } = pool(1, ['a'.repeat(40) + 'b']);
  await workers.run(select('x'), { deadlineMs: 30_000 });
  const slow = workers.run(select('/^(a+)+$/'), { deadlineMs: 2_000 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(await workers.run(select('x'), { deadlineMs: 200 }), { status: 'stalled', queued: true });
  assert.equal((await slow).status, 'stalled');
});

test('a bad regex is an error from the worker, not a stall', async () => {
  const { workers } = pool(1, ['x']);
  await assert.rejects(workers.run(select('/(/'), { deadlineMs: 5_000 }), /Invalid name regex/);
});

test('an append-only table (the symbol index\'s strings) sends a worker only the rows added since the version it holds', async () => {
  const workers = new QueryWorkers({ maxWorkers: 1 });
  pools.push(workers);
  const names = ['parseConfig', 'render'];
  const sliced: Array<[number, number]> = [];
  // Watches what the pool cuts from the table (not enumerable, so the full send still clones a plain array).
  Object.defineProperty(names, 'slice', {
    enumerable: false,
    value(start: number, end: number) {
      sliced.push([start, end]);
      return Array.prototype.slice.call(names, start, end);
    },
  });
  workers.setTable('symbolNames', { version: () => names.length, rows: () => names, appendOnly: true });
  assert.deepEqual(await workers.run(select('parse*'), { deadlineMs: 30_000 }), { status: 'done', answer: ['parseConfig'] });
  assert.deepEqual(sliced, [], 'a worker holding nothing gets the whole table');
  names.push('parseArgs', 'paint');
  assert.deepEqual(await workers.run(select('parse*'), { deadlineMs: 5_000 }), { status: 'done', answer: ['parseConfig', 'parseArgs'] });
  assert.deepEqual(sliced, [[2, 4]], 'then only the two names added');
  assert.deepEqual(await workers.run(select('/^p/'), { deadlineMs: 5_000 }), { status: 'done', answer: ['parseConfig', 'parseArgs', 'paint'] });
  assert.equal(sliced.length, 1, 'an unchanged table is not sent again');
});
