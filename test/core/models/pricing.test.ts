import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/core/models/configError';
import { DEFAULT_CONTEXT_WINDOW, PriceTable, costUsd, defaultPriceTable, loadPriceOverrides, loadPriceTable } from '../../../src/core/models/pricing';

test('exact names and dated snapshots resolve to the right entry', () => {
  assert.deepEqual(defaultPriceTable.lookup('gpt-5-mini'), { input: 0.25, output: 2, cachedInput: 0.025, cacheWrite: 0.25, contextWindow: 400_000, windowKnown: true, maxOutputTokens: undefined, known: true, matched: 'gpt-5-mini' });
  const snapshot = defaultPriceTable.lookup('gpt-5-mini-2025-08-07');
  assert.equal(snapshot.matched, 'gpt-5-mini', 'the longest prefix wins over gpt-5');
  assert.equal(snapshot.input, 0.25);
  const sonnet = defaultPriceTable.lookup('claude-sonnet-4-5-20250929');
  assert.equal(sonnet.matched, 'claude-sonnet-4-5');
  assert.deepEqual([sonnet.input, sonnet.output, sonnet.contextWindow, sonnet.maxOutputTokens], [3, 15, 200_000, 64_000]);
  assert.equal(defaultPriceTable.lookup('claude-3-5-haiku-latest').matched, 'claude-3-5-haiku');
  assert.equal(defaultPriceTable.lookup('GPT-4.1-MINI-2025-04-14').matched, 'gpt-4.1-mini');
  assert.equal(defaultPriceTable.lookup('openai/gpt-4o').matched, 'gpt-4o', 'routing prefixes are ignored');
});

test('unknown and local models have no price (cost unknown, not $0), get the default window, and say so', () => {
  const local = defaultPriceTable.lookup('qwen2.5-coder:7b');
  assert.deepEqual(local, { input: 0, output: 0, cachedInput: 0, cacheWrite: 0, contextWindow: DEFAULT_CONTEXT_WINDOW, windowKnown: false, known: false });
  assert.equal(defaultPriceTable.lookup('gpt-5x').known, false, 'a prefix must end at a dash');
  assert.equal(costUsd('qwen2.5-coder:7b', { inputTokens: 1e6, outputTokens: 1e6 }), undefined);
});

test('cost is per million tokens, input and output priced apart', () => {
  assert.equal(costUsd('gpt-5', { inputTokens: 1_000_000, outputTokens: 0 }), 1.25);
  assert.ok(Math.abs(costUsd('claude-haiku-4-5-20251001', { inputTokens: 200_000, outputTokens: 10_000 })! - 0.25) < 1e-12);
});

test('cached input at its own price: OpenAI cached tokens, Anthropic cache reads and writes (GPT-5 and Claude Sonnet list prices)', () => {
  // 100k prompt tokens, 80k of them from the cache: 20k at $1.25 + 80k at $0.125, and 1k output at $10.
  assert.ok(Math.abs(costUsd('gpt-5', { inputTokens: 100_000, cachedInputTokens: 80_000, outputTokens: 1_000 })! - (0.025 + 0.01 + 0.01)) < 1e-12);
  // Sonnet: 10k plain at $3, 80k read at $0.30, 10k written at $3.75.
  const sonnet = costUsd('claude-sonnet-4-5', { inputTokens: 100_000, cachedInputTokens: 80_000, cacheWriteTokens: 10_000, outputTokens: 0 })!;
  assert.ok(Math.abs(sonnet - (0.03 + 0.024 + 0.0375)) < 1e-12);
  assert.equal(costUsd('gpt-5-pro', { inputTokens: 1_000_000, cachedInputTokens: 1_000_000, outputTokens: 0 }), 15, 'no cached price: no discount');
  assert.equal(defaultPriceTable.lookup('claude-haiku-4-5').cacheWrite, 1.25);
});

test('overrides win field by field and can add models', () => {
  const table = new PriceTable({ 'gpt-5': { input: 1, output: 8 }, 'my-local': { input: 0.1, output: 0.2, contextWindow: 32_768 } });
  assert.deepEqual([table.lookup('gpt-5-2025-08-07').input, table.lookup('gpt-5').contextWindow], [1, 400_000]);
  assert.deepEqual(table.lookup('my-local'), { input: 0.1, output: 0.2, cachedInput: 0.1, cacheWrite: 0.1, contextWindow: 32_768, windowKnown: true, maxOutputTokens: undefined, known: true, matched: 'my-local' });
  assert.equal(new PriceTable({ 'priced-only': { input: 1, output: 1 } }).lookup('priced-only').windowKnown, false, 'a price without a window: the window is a stand-in');
  assert.equal(defaultPriceTable.lookup('gpt-5').input, 1.25, 'the default table is untouched');
  assert.equal(table.withOverrides({ 'my-local': { input: 5, output: 5 } }).lookup('my-local').contextWindow, 32_768);
});

test('loader: --prices file wins over RLM_PRICES, which may be a path or inline JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-prices-'));
  const file = join(dir, 'prices.json');
  writeFileSync(file, JSON.stringify({ 'gpt-5': { input: 2, output: 20 } }));
  assert.deepEqual(loadPriceOverrides(file), { 'gpt-5': { input: 2, output: 20 } });
  writeFileSync(file, JSON.stringify({ 'my-model': { input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 4 } }));
  assert.deepEqual(loadPriceOverrides(file), { 'my-model': { input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 4 } });
  assert.equal(loadPriceTable({ file }).costUsd('my-model', { inputTokens: 1e6, cachedInputTokens: 1e6, outputTokens: 0 }), 0.1, '--prices sets the cached-input price');
  writeFileSync(file, JSON.stringify({ 'gpt-5': { input: 2, output: 20 } }));
  assert.equal(loadPriceTable({ file, env: { RLM_PRICES: '{"gpt-5": {"input": 3, "output": 30}}' } }).lookup('gpt-5').input, 2);
  assert.equal(loadPriceTable({ env: { RLM_PRICES: '{"gpt-5": {"input": 3, "output": 30}}' } }).lookup('gpt-5').input, 3);
  assert.equal(loadPriceTable({ env: { RLM_PRICES: file } }).lookup('gpt-5').input, 2);
  assert.equal(loadPriceTable({ env: {} }), defaultPriceTable);
});

test('loader: bad files explain what to fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-prices-'));
  const bad = (content: string) => {
    const file = join(dir, `p${Math.random()}.json`);
    writeFileSync(file, content);
    return () => loadPriceOverrides(file);
  };
  assert.throws(() => loadPriceOverrides(join(dir, 'missing.json')), (e: Error) => e instanceof ConfigError && /Cannot read the prices file .*ENOENT.*--prices/.test(e.message));
  assert.throws(bad('{oops'), /not valid JSON/);
  assert.throws(bad('[1,2]'), /must be a JSON object/);
  assert.throws(bad('{"m": {"input": "1"}}'), /"m" needs "input" and "output" in USD per 1M tokens/);
  assert.throws(bad('{"m": {"input": 1, "output": 2, "contextWindow": -5}}'), /"m" needs/);
  assert.throws(bad('{"m": {"input": 1, "output": 2, "cachedInput": -0.1}}'), /"m" needs .*optionally "cachedInput" and "cacheWrite"/);
});
