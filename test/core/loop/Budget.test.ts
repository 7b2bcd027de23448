import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Budget } from '../../../src/core/loop/Budget';
import { resolveLimits } from '../../../src/core/loop/options';

const use = (input: number, output = 0) => ({ inputTokens: input, outputTokens: output, estimated: false });

test('usage is split root/sub, priced per model, and the first limit hit sticks', () => {
  const budget = new Budget(resolveLimits({ maxCostUsd: 1, maxSubCalls: 2 }), (model, u) => (model === 'big' ? u.inputTokens * 1e-3 : 0));
  assert.deepEqual(budget.record('root', 'big', use(300, 20)), { costUsd: 0.3 });
  assert.deepEqual(budget.record('sub', 'small', { ...use(50, 5), estimated: true }), { costUsd: 0 });
  assert.deepEqual(budget.totals().total, { calls: 2, inputTokens: 350, outputTokens: 25, costUsd: 0.3, estimated: true });
  assert.equal(budget.claimSubCall(), undefined);
  assert.equal(budget.claimSubCall(), undefined);
  assert.equal(budget.claimSubCall()?.reason, 'max_sub_calls');
  assert.equal(budget.subCalls, 2);
  budget.record('root', 'big', use(800));
  assert.equal(budget.check()?.reason, 'max_sub_calls', 'the first limit hit is the one reported');
});

test('tokens and cost limits', () => {
  const tokens = new Budget(resolveLimits({ maxTokens: 100 }), () => 0);
  tokens.record('sub', 'm', use(90, 11));
  assert.match(tokens.check()!.detail, /101 tokens, over its limit of 100/);
  const cost = new Budget(resolveLimits({ maxCostUsd: 0.5 }), () => 0.3);
  cost.record('root', 'm', use(1));
  assert.equal(cost.check(), undefined);
  cost.record('root', 'm', use(1));
  assert.equal(cost.claimSubCall()?.reason, 'max_cost');
});

test('limits are validated', () => {
  assert.throws(() => resolveLimits({ maxIterations: 0 }), /maxIterations must be a positive number/);
  assert.throws(() => resolveLimits({ maxDepth: 1.5 }), /whole number/);
  assert.equal(resolveLimits({ maxSubCalls: 0 }).maxSubCalls, 0, 'zero sub-calls is a valid budget');
  assert.equal(resolveLimits({ sandbox: { cellTimeoutMs: 5 } }).sandbox.memoryBytes, 256 * 1024 * 1024);
});
