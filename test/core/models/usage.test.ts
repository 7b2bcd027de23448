import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PriceTable } from '../../../src/core/models/pricing';
import { CHARS_PER_TOKEN, UsageTally, estimateTokens, estimateTokensOfChars, estimateUsage } from '../../../src/core/models/usage';

test('estimateTokens is about four characters per token', () => {
  assert.equal(CHARS_PER_TOKEN, 4);
  assert.equal(estimateTokens(''), 0);
  assert.equal(estimateTokens('abcd'), 1);
  assert.equal(estimateTokens('abcde'), 2);
  assert.equal(estimateTokens('x'.repeat(4000)), 1000);
  assert.equal(estimateTokensOfChars(4001), estimateTokens('x'.repeat(4001)));
  const usage = estimateUsage([{ role: 'user', content: 'x'.repeat(40) }], 'y'.repeat(8));
  assert.deepEqual(usage, { inputTokens: 14, outputTokens: 2, estimated: true });
});

test('UsageTally keeps root and sub calls apart and totals them', () => {
  const prices = new PriceTable({ root: { input: 10, output: 40 }, sub: { input: 1, output: 2 } });
  const tally = new UsageTally();
  const record = (role: 'root' | 'sub', model: string, usage: { inputTokens: number; outputTokens: number; estimated: boolean }) => {
    const cost = prices.costUsd(model, usage);
    tally.add(role, usage, cost);
    return cost;
  };
  const rootCost = record('root', 'root', { inputTokens: 100_000, outputTokens: 10_000, estimated: false });
  assert.ok(Math.abs(rootCost! - 1.4) < 1e-9);
  record('sub', 'sub', { inputTokens: 500_000, outputTokens: 50_000, estimated: false });
  record('sub', 'local-thing', { inputTokens: 1000, outputTokens: 10, estimated: true });
  const usage = tally.totals();
  assert.deepEqual(usage.root, { calls: 1, inputTokens: 100_000, outputTokens: 10_000, costUsd: rootCost, estimated: false });
  assert.equal(usage.sub.calls, 2);
  assert.equal(usage.sub.inputTokens, 501_000);
  assert.ok(Math.abs(usage.sub.costUsd - 0.6) < 1e-9);
  assert.equal(usage.sub.estimated, true);
  assert.equal(usage.total.calls, 3);
  assert.equal(usage.total.outputTokens, 60_010);
  assert.ok(Math.abs(usage.total.costUsd - 2.0) < 1e-9);
  assert.equal(usage.total.estimated, true);
  assert.equal(usage.sub.unpriced, 1, 'the call to a model with no price is counted, not priced at $0');
  assert.equal(usage.total.unpriced, 1);
  assert.equal(usage.root.unpriced, undefined);
});

test('totals are copies: later calls do not change an earlier snapshot', () => {
  const tally = new UsageTally();
  const before = tally.totals();
  tally.add('sub', { inputTokens: 10, outputTokens: 20, estimated: false }, 0.5);
  before.total.calls = 99;
  assert.equal(before.sub.calls, 0);
  assert.deepEqual(tally.totals().sub, { calls: 1, inputTokens: 10, outputTokens: 20, costUsd: 0.5, estimated: false });
  assert.equal(tally.totals().total.costUsd, 0.5);
});
