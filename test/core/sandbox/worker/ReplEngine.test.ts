// The engine in this thread, without the worker: every handle must be released, or runtime.dispose()
// would abort (QuickJS asserts that no object is left).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplEngine, wasmBytesFor, type EngineHost } from '../../../../src/core/sandbox/worker/ReplEngine';
import { DEFAULT_SANDBOX_LIMITS } from '../../../../src/core/sandbox/types';
import { toGuestValue, type HostCallReply } from '../../../../src/core/sandbox/protocol';

/** A host that answers in this thread: sync results directly, promises through engine.settle. */
function inThreadHost(functions: Record<string, (...args: unknown[]) => unknown>, engineRef: { engine?: ReplEngine }): EngineHost {
  let nextCallId = 1;
  return {
    call(name: string, args: unknown[]): HostCallReply {
      const callId = nextCallId++;
      const result = functions[name](...args);
      if (result instanceof Promise) {
        result.then(
          (value) => engineRef.engine?.settle(callId, toGuestValue(value), undefined),
          (error: Error) => engineRef.engine?.settle(callId, undefined, error.message),
        );
        return { callId, pending: true };
      }
      return { callId, value: toGuestValue(result) };
    },
    isCancelled: () => false,
    setClockPaused: () => undefined,
  };
}

test('200 cells with host calls, errors and dropped promises release every handle', async () => {
  const ref: { engine?: ReplEngine } = {};
  const host = inThreadHost(
    {
      twice: (n) => Number(n) * 2,
      later: (v) => new Promise((resolve) => setTimeout(() => resolve(v), 1)),
      never: () => new Promise(() => {}),
    },
    ref,
  );
  const setup = {
    limits: { ...DEFAULT_SANDBOX_LIMITS, cellTimeoutMs: 2000 },
    functions: [
      { name: 'twice', kind: 'plain' as const },
      { name: 'later', kind: 'model' as const },
      { name: 'never', kind: 'plain' as const },
    ],
    globals: { context: 'some text', meta: { files: 3 } },
    prelude: 'function helper(x) { return twice(x) + 1 }',
  };
  const engine = await ReplEngine.open(setup, host);
  ref.engine = engine;
  await engine.initialize();
  for (let i = 0; i < 200; i++) {
    const code = [
      `const v${i % 5} = await later({ i: ${i} });`,
      `print(helper(${i}), v${i % 5}.i, context.length);`,
      i % 10 === 0 ? 'never(); throw new Error("boom")' : `[v${i % 5}]`,
    ].join('\n');
    const { result } = await engine.run(i + 1, code);
    assert.equal(result.output, `${2 * i + 1} ${i} 9\n`);
    if (i % 10 === 0) assert.match(result.error ?? '', /boom/);
    else assert.equal(result.value, `[ { i: ${i} } ]`);
  }
  assert.deepEqual(engine.variables().map((v) => v.name).sort(), ['v0', 'v1', 'v2', 'v3', 'v4']);
  assert.equal(engine.dispose(), true, 'QuickJS freed the runtime without finding a leaked object');
  assert.equal(engine.dispose(), true, 'disposing twice is harmless');
  assert.deepEqual(engine.variables(), []);
});

test('the wasm budget adds the model heap to the data given and refuses what cannot fit', () => {
  const limits = { ...DEFAULT_SANDBOX_LIMITS, memoryBytes: 64 * 1024 * 1024 };
  const small = wasmBytesFor({ limits, functions: [], globals: {} });
  const withText = wasmBytesFor({ limits, functions: [], globals: { context: 'x'.repeat(1024 * 1024) } });
  assert.equal(withText - small, 3 * 1024 * 1024, 'UTF-8 copy in, the string, one copy out');
  assert.throws(
    () => wasmBytesFor({ limits: { ...limits, memoryBytes: 3 * 1024 * 1024 * 1024 }, functions: [], globals: {} }),
    /more than the 2048 MB a sandbox can address/,
  );
});
