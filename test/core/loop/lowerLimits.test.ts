// A caller's limits (a tool call, an MCP client) only ever lower the ones in force.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AskedLimitError, lowerLimits } from '../../../src/core/loop/lowerLimits';

test('a lower asked limit replaces the one in force; a higher one is kept out and said', () => {
  const { limits, kept } = lowerLimits({ maxIterations: 30, maxCostUsd: 2, maxRequests: 300, sandbox: { cellTimeoutMs: 1000 } }, { maxIterations: 5, maxCostUsd: 10, maxRequests: 300 });
  assert.deepEqual(limits, { maxIterations: 5, maxCostUsd: 2, maxRequests: 300, sandbox: { cellTimeoutMs: 1000 } });
  assert.deepEqual(kept, ['maxCostUsd 10 is above the 2 in force, which was kept: a call may lower a limit, never raise it.']);
});

test('a limit not in force is the engine default: no cap (Infinity) can be lowered to anything, a default can only be lowered', () => {
  assert.deepEqual(lowerLimits({}, { maxCostUsd: 0.5, timeoutMs: 60_000 }).limits, { maxCostUsd: 0.5, timeoutMs: 60_000 });
  const raised = lowerLimits({}, { maxDepth: 3, maxIterations: 31 });
  assert.deepEqual(raised.limits, {}, 'the defaults (depth 1, 30 turns) stay');
  assert.equal(raised.kept.length, 2);
  assert.deepEqual(lowerLimits({ maxSubCalls: 10 }, { maxSubCalls: 0 }).limits, { maxSubCalls: 0 }, 'no sub-calls at all is a limit too');
});

test('no asked limits, or undefined ones: the limits in force, unchanged', () => {
  const inForce = { maxIterations: 7 };
  assert.deepEqual(lowerLimits(inForce, undefined), { limits: inForce, kept: [] });
  assert.deepEqual(lowerLimits(inForce, { maxIterations: undefined }), { limits: inForce, kept: [] });
});

test('a value that is not a limit is refused by name, never turned into a default', () => {
  for (const [asked, message] of [
    [{ maxIterations: 0 }, /maxIterations must be a whole number above 0, got 0/],
    [{ maxIterations: 2.5 }, /maxIterations must be a whole number/],
    [{ maxCostUsd: -1 }, /maxCostUsd must be a number above 0, got -1/],
    [{ maxSubCalls: -1 }, /maxSubCalls must be a whole number of 0 or more/],
    [{ timeoutMs: Number.NaN }, /timeoutMs must be a number above 0, got null/],
    [{ maxRequests: '5' as unknown as number }, /maxRequests must be a whole number above 0, got "5"/],
    [{ maxCostUsd: Infinity }, /maxCostUsd must be a number above 0, got null/],
  ] as const) {
    assert.throws(() => lowerLimits({}, asked), (err: Error) => err instanceof AskedLimitError && message.test(err.message), JSON.stringify(asked));
  }
});
