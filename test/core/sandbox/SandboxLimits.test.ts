// Limits and failures of the real sandbox: each ends only its cell, and the sandbox stays usable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox } from '../../../src/core/sandbox/Sandbox';

const delay = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('limits', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await Sandbox.create({
      limits: { cellTimeoutMs: 300, memoryBytes: 32 * 1024 * 1024 },
      functions: {
        thinkFor: { fn: (ms: unknown) => delay(Number(ms), 'model answer'), kind: 'model' },
        fetchFor: { fn: (ms: unknown) => delay(Number(ms), 'plain answer') },
      },
    });
  });
  after(() => sandbox.dispose());

  async function assertStillUsable(): Promise<void> {
    const result = await sandbox.run('print("alive"); 6 * 7');
    assert.equal(result.error, undefined);
    assert.equal(result.value, '42');
  }

  test('an infinite loop ends at the deadline with an error naming it', async () => {
    const result = await sandbox.run('while (true) {}');
    assert.equal(result.timedOut, true);
    assert.match(result.error ?? '', /^cell exceeded its 0\.3 s deadline/);
    assert.ok(result.durationMs < 5000, `took ${result.durationMs} ms`);
    await assertStillUsable();
  });

  test('the deadline is paused while the cell only waits on model calls', async () => {
    const result = await sandbox.run('const answers = await Promise.all([thinkFor(700), thinkFor(600)]); answers[0]');
    assert.equal(result.error, undefined);
    assert.equal(result.value, '"model answer"');
    assert.ok(result.durationMs >= 600, 'the model call really took longer than the deadline');
  });

  test('time waiting on plain host calls counts toward the deadline', async () => {
    const result = await sandbox.run('await fetchFor(1500)');
    assert.equal(result.timedOut, true);
    assert.match(result.error ?? '', /deadline/);
    await assertStillUsable();
  });

  test('a memory bomb ends with an out-of-memory error and the memory can be freed', async () => {
    const result = await sandbox.run('const hoard = []; while (true) hoard.push("y".repeat(1 << 20) + hoard.length)');
    assert.match(result.error ?? '', /out of memory/);
    assert.match(result.error ?? '', /Free big variables/);
    assert.equal((await sandbox.run('hoard = null; "freed"')).value, '"freed"');
    await assertStillUsable();
  });

  test('deep recursion ends with a stack overflow error', async () => {
    const result = await sandbox.run('function down(n) { return down(n + 1) + 1 }\ndown(0)');
    assert.match(result.error ?? '', /stack overflow/i);
    await assertStillUsable();
  });

  test('awaiting a promise that can never settle ends at once', async () => {
    const started = performance.now();
    const result = await sandbox.run('await new Promise(() => {})');
    assert.match(result.error ?? '', /can never settle/);
    assert.ok(performance.now() - started < 250, 'did not wait for the deadline');
    await assertStillUsable();
  });
});

describe('cancellation', () => {
  let sandbox: Sandbox;
  let lateResults = 0;
  before(async () => {
    sandbox = await Sandbox.create({
      functions: {
        slowModel: {
          fn: async (ms: unknown) => {
            const value = await delay(Number(ms), 'late');
            lateResults++;
            return value;
          },
          kind: 'model',
        },
      },
    });
  });
  after(() => sandbox.dispose());

  test('a busy loop is cancelled within a second', async () => {
    const controller = new AbortController();
    const running = sandbox.run('let spins = 0; while (true) { spins++ }', { signal: controller.signal });
    await delay(200, null);
    const abortedAt = performance.now();
    controller.abort();
    const result = await running;
    assert.equal(result.error, 'cancelled');
    assert.ok(performance.now() - abortedAt < 1000, 'ended within a second');
    assert.equal((await sandbox.run('spins > 0')).value, 'true', 'the same sandbox keeps its state');
  });

  test('a cell waiting on a host call is cancelled within a second, and the late result is ignored', async () => {
    const controller = new AbortController();
    const running = sandbox.run('const late = await slowModel(600); print("must not print"); late', { signal: controller.signal });
    await delay(100, null);
    const abortedAt = performance.now();
    controller.abort();
    const result = await running;
    assert.equal(result.error, 'cancelled');
    assert.ok(performance.now() - abortedAt < 1000, 'ended within a second');
    const next = await sandbox.run('await slowModel(700); "next cell"');
    assert.equal(lateResults, 2, 'both host calls finished on the host meanwhile');
    assert.equal(next.output, '', 'the cancelled cell did not resume inside the next one');
    assert.equal(next.value, '"next cell"');
  });

  test('an already aborted signal does not start the cell', async () => {
    const result = await sandbox.run('print("never")', { signal: AbortSignal.abort() });
    assert.deepEqual(result, { output: '', error: 'cancelled', cancelled: true, durationMs: 0 });
  });
});

describe('lifecycle', () => {
  test('a 100 MB string global is usable and made in reasonable time', async () => {
    const context = 'abcdefghij'.repeat(10 * 1024 * 1024);
    const started = performance.now();
    const sandbox = await Sandbox.create({ globals: { context } });
    const createdMs = performance.now() - started;
    try {
      assert.ok(createdMs < 15_000, `creation took ${Math.round(createdMs)} ms`);
      const result = await sandbox.run('[context.length, context.slice(-3)]');
      assert.equal(result.value, '[ 104857600, "hij" ]');
    } finally {
      sandbox.dispose();
    }
  });

  test('200 cells in a row, then dispose twice: no leaked handle aborts the process', async () => {
    const sandbox = await Sandbox.create({ functions: { twice: { fn: (n: unknown) => Number(n) * 2 } } });
    for (let i = 0; i < 200; i++) {
      const result = await sandbox.run(`const n${i % 7} = twice(${i}); const p = await Promise.resolve(${i}); print(n${i % 7} + p)`);
      assert.equal(result.output, `${3 * i}\n`);
    }
    sandbox.dispose();
    sandbox.dispose();
    const after = await sandbox.run('1');
    assert.match(after.error ?? '', /disposed/);
  });

  test('disposing while a cell runs ends that cell with an error', async () => {
    const sandbox = await Sandbox.create({});
    const running = sandbox.run('while (true) {}');
    await delay(100, null);
    sandbox.dispose();
    const result = await running;
    assert.match(result.error ?? '', /disposed/);
  });
});
