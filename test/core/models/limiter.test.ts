// ConcurrencyLimiter on its own, then through a real model against the fake server.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ConcurrencyLimiter } from '../../../src/core/models/limiter';
import { OpenAIChatModel } from '../../../src/core/models/openaiModel';
import { ModelError } from '../../../src/core/models/types';
import { FakeModelServer } from '../../fakes/FakeModelServer';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('runs at most max tasks, in FIFO order', async () => {
  const limiter = new ConcurrencyLimiter(2);
  const gates = [0, 1, 2, 3].map(() => deferred());
  const started: number[] = [];
  const runs = gates.map((g, i) => limiter.run(async () => {
    started.push(i);
    await g.promise;
    return i;
  }));
  await Promise.resolve();
  assert.deepEqual(started, [0, 1]);
  assert.equal(limiter.active, 2);
  assert.equal(limiter.queued, 2);
  gates[1].resolve();
  await runs[1];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2]);
  gates.forEach((g) => g.resolve());
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
  assert.equal(limiter.active, 0);
});

test('a failing task frees its slot', async () => {
  const limiter = new ConcurrencyLimiter(1);
  await assert.rejects(limiter.run(async () => {
    throw new Error('boom');
  }), /boom/);
  assert.equal(await limiter.run(async () => 'next'), 'next');
});

test('abort removes a queued task without running it', async () => {
  const limiter = new ConcurrencyLimiter(1);
  const gate = deferred();
  const first = limiter.run(() => gate.promise);
  const controller = new AbortController();
  let ran = false;
  const second = limiter.run(async () => {
    ran = true;
  }, controller.signal);
  assert.equal(limiter.queued, 1);
  controller.abort();
  const err = await second.catch((e) => e);
  assert.ok(err instanceof ModelError && err.kind === 'cancelled');
  assert.equal(limiter.queued, 0);
  gate.resolve();
  await first;
  assert.equal(ran, false);
  await assert.rejects(limiter.run(async () => 1, controller.signal), /cancelled/);
});

test('raising max starts waiting tasks; a bad max is refused', async () => {
  const limiter = new ConcurrencyLimiter(1);
  const gate = deferred();
  const runs = [limiter.run(() => gate.promise), limiter.run(() => gate.promise)];
  assert.equal(limiter.active, 1);
  limiter.max = 2;
  assert.equal(limiter.active, 2);
  gate.resolve();
  await Promise.all(runs);
  assert.throws(() => new ConcurrencyLimiter(0), /at least 1/);
});

test('20 calls through a limit of 4: the server never sees more than 4 at once', async () => {
  const server = await FakeModelServer.start(() => ({ text: 'ok', delayMs: 30 }));
  after(() => server.close());
  const model = new OpenAIChatModel({ model: 'm', baseUrl: server.openaiBaseUrl, limiter: new ConcurrencyLimiter(4) });
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => model.complete({ messages: [{ role: 'user', content: `q${i}` }] })));
  assert.equal(results.length, 20);
  assert.ok(results.every((r) => r.text === 'ok'));
  assert.equal(server.requests.length, 20);
  assert.equal(server.maxInFlight, 4);
});
