// A server's model list through the official OpenAI SDK over real HTTP: OpenRouter's per-token price strings
// (cache reads and writes included) become per-1M prices the table believes over its own, the user's prices still win, and a server that lists
// no prices, or none at all, leaves its models unpriced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listModels } from '../../../src/core/models/modelListing';
import { loadPriceTable } from '../../../src/core/models/pricing';
import { FakeModelServer } from '../../fakes/FakeModelServer';
import { closedPort } from '../../support/closedPort';

test('OpenRouter-style pricing: per-token strings become USD per 1M tokens, with the context length', async () => {
  const server = await FakeModelServer.start(() => 'x', {
    models: ['openai/gpt-5', 'anthropic/claude-haiku-4.5', 'openrouter/auto', 'meta/llama-4'],
    prices: {
      'openai/gpt-5': { prompt: '0.00000125', completion: '0.00001', contextLength: 400000 },
      // Cache reads and writes priced apart, as OpenRouter lists them for models that cache.
      'anthropic/claude-haiku-4.5': { prompt: '0.000001', completion: '0.000005', input_cache_read: '0.0000001', input_cache_write: '0.00000125' },
      // OpenRouter marks a router whose price varies with -1: that is no price.
      'openrouter/auto': { prompt: '-1', completion: '-1' },
    },
  });
  try {
    const listing = await listModels({ baseUrl: server.openaiBaseUrl, apiKey: 'sk-or-test' });
    assert.deepEqual(listing.models, ['openai/gpt-5', 'anthropic/claude-haiku-4.5', 'openrouter/auto', 'meta/llama-4']);
    assert.deepEqual(listing.prices, {
      'openai/gpt-5': { input: 1.25, output: 10, contextWindow: 400000 },
      'anthropic/claude-haiku-4.5': { input: 1, output: 5, cachedInput: 0.1, cacheWrite: 1.25 },
    });
    assert.equal(server.listings[0]!.authorization, 'Bearer sk-or-test', 'the listing is asked with the endpoint\'s own key');

    const prices = loadPriceTable({ listed: listing.prices, env: {} });
    assert.equal(prices.costUsd('anthropic/claude-haiku-4.5', { inputTokens: 1e6, outputTokens: 1e6 }), 6, 'a model the built-in table lacks is priced');
    assert.equal(prices.lookup('openai/gpt-5').contextWindow, 400000);
    // 1M prompt tokens: 800k read from the cache at $0.10, 100k written at $1.25, 100k plain at $1.
    const cached = prices.costUsd('anthropic/claude-haiku-4.5', { inputTokens: 1e6, cachedInputTokens: 8e5, cacheWriteTokens: 1e5, outputTokens: 0 })!;
    assert.ok(Math.abs(cached - (0.08 + 0.125 + 0.1)) < 1e-12, `the server's cache prices apply: ${cached}`);
    assert.equal(prices.costUsd('meta/llama-4', { inputTokens: 1e6, outputTokens: 0 }), undefined, 'a model listed without a price stays unknown');
    assert.equal(prices.costUsd('openrouter/auto', { inputTokens: 1, outputTokens: 1 }), undefined);
    const yours = loadPriceTable({ listed: listing.prices, env: { RLM_PRICES: '{"anthropic/claude-haiku-4.5": {"input": 2, "output": 2}}' } });
    assert.equal(yours.costUsd('anthropic/claude-haiku-4.5', { inputTokens: 1e6, outputTokens: 0 }), 2, 'the user\'s prices win over the server\'s');
  } finally {
    await server.close();
  }
});

test('a server without prices, or none at all: nothing is priced, nothing throws', async () => {
  const plain = await FakeModelServer.start(() => 'x', { models: ['qwen2.5-coder:7b'] });
  try {
    assert.deepEqual(await listModels({ baseUrl: plain.openaiBaseUrl }), { models: ['qwen2.5-coder:7b'], prices: {} });
  } finally {
    await plain.close();
  }
  assert.deepEqual(await listModels({ baseUrl: `http://127.0.0.1:${await closedPort()}/v1`, timeoutMs: 2000 }), { models: [], prices: {} });
});
