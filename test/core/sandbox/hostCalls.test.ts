// Host calls as the editor needs them: 'blocking' functions that are async on the host but plain calls in
// model code, the abort signal every async call gets (the cell ended, was cancelled, or ran out of time),
// and engine functions that model code cannot take away, whatever it does to the global object.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { Sandbox } from '../../../src/core/sandbox/Sandbox';
import type { HostCall } from '../../../src/core/sandbox/types';

/** Resolves after `ms`, or rejects as soon as the call's signal fires. */
function work(ms: number, call: HostCall, value: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(value), ms);
    call.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error(`stopped: ${(call.signal.reason as Error).message}`));
    }, { once: true });
  });
}

describe('blocking host functions', () => {
  const seen: HostCall[] = [];
  const aborted: string[] = [];
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await Sandbox.create({
      limits: { cellTimeoutMs: 5_000 },
      functions: {
        slowRead: { kind: 'blocking', fn: ([ms], call) => { seen.push(call); return work(Number(ms), call, { text: `read after ${ms} ms` }); } },
        model: {
          kind: 'model',
          fn: ([ms], call) => {
            call.signal.addEventListener('abort', () => aborted.push((call.signal.reason as Error).message), { once: true });
            return work(Number(ms), call, 'model answer');
          },
        },
      },
    });
  });
  after(() => sandbox.dispose());

  test('model code gets the value without await, while the host thread stays free', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    try {
      const result = await sandbox.run('const r = slowRead(300); r.text + " / " + typeof r');
      assert.equal(result.error, undefined);
      assert.equal(result.value, '"read after 300 ms / object"');
    } finally {
      clearInterval(ticker);
    }
    assert.ok(ticks >= 15, `the host ran ${ticks} timer ticks during a 300 ms blocking call`);
    assert.ok(seen.at(-1)!.deadlineMs > 4_000 && seen.at(-1)!.deadlineMs <= 5_000, `the call was told the time left: ${seen.at(-1)!.deadlineMs} ms`);
  });

  test('cancelling the cell stops a blocking call at once', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const result = await sandbox.run('slowRead(20_000)', { signal: controller.signal });
    assert.equal(result.cancelled, true);
    assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
    assert.match(String((seen.at(-1)!.signal.reason as Error).message), /cancelled/);
  });

  test('a blocking call past the cell deadline is told to stop; the cell ends at its deadline', async () => {
    const started = Date.now();
    const result = await sandbox.run('slowRead(20_000)', { timeoutMs: 300 });
    assert.match(result.error ?? '', /stopped: the cell reached its deadline|deadline/);
    assert.ok(Date.now() - started < 1_500, `took ${Date.now() - started} ms`);
    assert.equal(sandbox.deadReason, undefined, 'the sandbox lives on');
  });

  test('model calls nobody awaited are aborted when their cell ends', async () => {
    aborted.length = 0;
    const started = Date.now();
    const result = await sandbox.run('model(4_000); model(4_000); "ended"');
    assert.equal(result.value, '"ended"');
    await delay(20);
    assert.deepEqual(aborted, ['the cell ended before this call finished', 'the cell ended before this call finished']);
    assert.ok(Date.now() - started < 1_000);
  });
});

describe('engine functions model code cannot take away', () => {
  let sandbox: Sandbox;
  const real = { fn: () => 'real answer' };
  beforeEachSandbox();

  function beforeEachSandbox(): void {
    before(async () => {
      sandbox = await Sandbox.create({ functions: { llm_query: real }, prelude: 'function FINAL_VAR(n) { return n; }' });
    });
    after(() => sandbox.dispose());
  }

  test('Object.defineProperty over an engine function is undone after the cell, with a note; later cells get the real one', async () => {
    const attack = await sandbox.run('Object.defineProperty(globalThis, "llm_query", { value: () => "fake", writable: false, configurable: false }); llm_query()');
    assert.equal(attack.value, '"fake"', 'within its own cell the redefinition holds (QuickJS allows it on the global object)');
    assert.match(attack.output, /the engine put back llm_query, which this cell redefined/);
    assert.equal((await sandbox.run('llm_query()')).value, '"real answer"');
    // Turning it into a getter is refused by QuickJS itself; either way the next cell has the real one.
    await sandbox.run('Object.defineProperty(globalThis, "llm_query", { get() { return () => "getter" } })');
    assert.equal((await sandbox.run('llm_query()')).value, '"real answer"');
    assert.match((await sandbox.run('delete globalThis.llm_query')).value ?? '', /false/);
    assert.equal((await sandbox.run('llm_query()')).value, '"real answer"');
    assert.equal((await sandbox.run('FINAL_VAR = 1; FINAL_VAR("x")')).value, '"x"');
  });

  test('a Proxy slipped under the global object is removed after the cell', async () => {
    const result = await sandbox.run('Object.setPrototypeOf(globalThis, new Proxy(Object.getPrototypeOf(globalThis), { has: () => true, get: () => "hijacked" })); typeof notDefinedAnywhere');
    assert.equal(result.value, '"string"', 'inside its own cell the proxy answers');
    const next = await sandbox.run('typeof notDefinedAnywhere');
    assert.equal(next.value, '"undefined"', 'the next cell sees the real global object');
    assert.equal(sandbox.deadReason, undefined);
  });

  test('Object.freeze(globalThis) fails the cell with a clear message and retires the REPL', async () => {
    const result = await sandbox.run('const before = 1; Object.freeze(globalThis); "frozen"');
    assert.match(result.error ?? '', /non-extensible \(Object\.freeze, Object\.seal or Object\.preventExtensions on globalThis\).*the REPL was restarted/s);
    assert.match(sandbox.deadReason ?? '', /non-extensible/);
  });
});

test('Object.seal and preventExtensions on globalThis are caught the same way', async () => {
  for (const code of ['Object.seal(globalThis)', 'Object.preventExtensions(globalThis)', 'Reflect.preventExtensions(globalThis)']) {
    const sandbox = await Sandbox.create();
    try {
      const result = await sandbox.run(code);
      assert.match(result.error ?? '', /non-extensible/, code);
      assert.ok(sandbox.deadReason, code);
    } finally {
      sandbox.dispose();
    }
  }
});

test('an error of 300,000 characters is capped head and tail before it leaves the sandbox', async () => {
  const sandbox = await Sandbox.create();
  try {
    const result = await sandbox.run('throw new Error("x".repeat(150000) + "MIDDLE" + "y".repeat(150000))');
    assert.ok((result.error ?? '').length < 101_000, `${result.error?.length} characters`);
    assert.match(result.error ?? '', /^Error: xxx/);
    assert.match(result.error ?? '', /characters cut/);
    assert.match(result.error ?? '', /yyy/);
  } finally {
    sandbox.dispose();
  }
});

test('the watchdog counts wall-clock time: a busy host thread does not stretch the deadline', async () => {
  const sandbox = await Sandbox.create({ limits: { cellTimeoutMs: 300 } });
  try {
    const started = Date.now();
    const pending = sandbox.run('const big = "x".repeat(5e7);\nlet n = 0;\nwhile (true) n += big.indexOf("y");');
    // Hold the host thread for 2.6 s: watchdog ticks are delayed, wall time is not.
    await delay(10);
    const until = Date.now() + 2_600;
    while (Date.now() < until) { /* busy */ }
    const result = await pending;
    const took = Date.now() - started;
    assert.match(result.error ?? '', /deadline/);
    assert.ok(took < 2_600 + 800, `ended ${took} ms after it started (a tick counter would need ten more ticks)`);
  } finally {
    sandbox.dispose();
  }
});
