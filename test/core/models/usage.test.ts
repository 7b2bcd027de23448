import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PriceTable } from '../../../src/core/models/pricing';
import { UsageMeter, estimateTokens, estimateUsage } from '../../../src/core/models/usage';

test('estimateTokens is about four characters per token', () => {
  assert.equal(estimateTokens(''), 0);
  assert.equal(estimateTokens('abcd'), 1);
  assert.equal(estimateTokens('abcde'), 2);
  assert.equal(estimateTokens('x'.repeat(4000)), 1000);
  const usage = estimateUsage([{ role: 'user', content: 'x'.repeat(40) }], 'y'.repeat(8));
  assert.deepEqual(usage, { inputTokens: 14, outputTokens: 2, estimated: true });
});

test('UsageMeter keeps root and sub calls apart and totals them', () => {
  const meter = new UsageMeter(new PriceTable({ root: { input: 10, output: 40 }, sub: { input: 1, output: 2 } }));
  const rootCost = meter.record('root', 'root', { inputTokens: 100_000, outputTokens: 10_000, estimated: false });
  assert.ok(Math.abs(rootCost - 1.4) < 1e-9);
  meter.record('sub', 'sub', { inputTokens: 500_000, outputTokens: 50_000, estimated: false });
  meter.record('sub', 'local-thing', { inputTokens: 1000, outputTokens: 10, estimated: true });
  const usage = meter.snapshot();
  assert.deepEqual(usage.root, { calls: 1, inputTokens: 100_000, outputTokens: 10_000, costUsd: rootCost, estimated: false });
  assert.equal(usage.sub.calls, 2);
  assert.equal(usage.sub.inputTokens, 501_000);
  assert.ok(Math.abs(usage.sub.costUsd - 0.6) < 1e-9);
  assert.equal(usage.sub.estimated, true);
  assert.equal(usage.total.calls, 3);
  assert.equal(usage.total.outputTokens, 60_010);
  assert.ok(Math.abs(usage.total.costUsd - 2.0) < 1e-9);
  assert.equal(usage.total.estimated, true);
});

test('a child run is added as totals, and snapshots are copies', () => {
  const meter = new UsageMeter();
  const before = meter.snapshot();
  meter.add('sub', { calls: 4, inputTokens: 10, outputTokens: 20, costUsd: 0.5, estimated: false });
  assert.equal(before.sub.calls, 0);
  assert.equal(meter.snapshot().sub.calls, 4);
  assert.equal(meter.snapshot().total.costUsd, 0.5);
});
