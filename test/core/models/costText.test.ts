// The one way a cost and a token count read: the status bar, the chat, the tree, the CLI's progress and its messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCost, formatSavings, formatTokens, formatUsd } from '../../../src/core/models/costText';

test('four decimals below a dollar, two above; unknown when a call had no price', () => {
  assert.equal(formatUsd(0.1234), '$0.1234');
  assert.equal(formatUsd(2), '$2.00');
  assert.equal(formatCost(0.05, 0), '$0.0500');
  assert.equal(formatCost(0, 3), 'unknown');
  assert.equal(formatCost(0.0123, 1), '$0.0123 + unknown');
  assert.equal(formatSavings(0.15), 'saved $0.1500');
  assert.equal(formatSavings(-0.01), 'cache writes cost $0.0100');
});

test('token counts in k and M', () => {
  assert.deepEqual([950, 12_345, 1_250_000].map(formatTokens), ['950', '12.3k', '1.25M']);
});
