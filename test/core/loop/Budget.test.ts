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

test('requests to models without a price are counted and capped; priced models are left to the cost cap', () => {
  const priced = (model: string) => (model === 'gpt-5' ? 0.01 : undefined);
  const budget = new Budget(resolveLimits({ maxRequests: 3, maxCostUsd: 2 }), priced);
  assert.equal(budget.isUnpriced('gpt-5'), false);
  assert.equal(budget.isUnpriced('copilot-gpt-4o'), true);
  for (let i = 0; i < 10; i++) assert.equal(budget.claimRequest('gpt-5'), undefined, 'a priced model is not counted');
  assert.equal(budget.claimRequest('copilot-gpt-4o'), undefined);
  assert.equal(budget.claimSubCall('copilot-gpt-4o'), undefined);
  assert.equal(budget.claimSubCall(), undefined, 'a child run claims a sub-call but no request: its turns claim their own');
  assert.deepEqual([budget.requests, budget.subCalls], [2, 2]);
  assert.equal(budget.claimRequest('copilot-gpt-4o'), undefined);
  const hit = budget.claimSubCall('copilot-gpt-4o');
  assert.equal(hit?.reason, 'max_requests');
  assert.equal(hit?.detail, 'the run reached its limit of 3 requests to models without a known price');
  assert.deepEqual([budget.requests, budget.subCalls], [3, 2], 'a refused sub-call claims nothing');
  assert.equal(budget.claimSubCall()?.reason, 'max_requests', 'once hit, the limit stops every further sub-call');
  assert.equal(budget.claimRequest('copilot-gpt-4o')?.reason, 'max_requests');
  assert.deepEqual(budget.record('sub', 'copilot-gpt-4o', use(10, 10)), { costUsd: 0, unpriced: true });
  assert.equal(budget.totals().total.unpriced, 1);
});

test('limits are validated', () => {
  assert.throws(() => resolveLimits({ maxIterations: 0 }), /maxIterations must be a positive number/);
  assert.throws(() => resolveLimits({ maxDepth: 1.5 }), /whole number/);
  assert.equal(resolveLimits({ maxSubCalls: 0 }).maxSubCalls, 0, 'zero sub-calls is a valid budget');
  assert.equal(resolveLimits({ sandbox: { cellTimeoutMs: 5 } }).sandbox.memoryBytes, 256 * 1024 * 1024);
});
