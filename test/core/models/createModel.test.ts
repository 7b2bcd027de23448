// createModel: keys, 'auto', shared limiters, and the ChatModel it returns, against FakeModelServer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, ConfigError, sharedLimiter } from '../../../src/core/models/createModel';
import { PriceTable } from '../../../src/core/models/pricing';
import { ModelError } from '../../../src/core/models/types';
import { FakeModelServer } from '../../fakes/FakeModelServer';

const servers: FakeModelServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function start(models?: string[]): Promise<FakeModelServer> {
  const server = await FakeModelServer.start((req) => `${req.api}:${req.model}`, { models });
  servers.push(server);
  return server;
}

test('missing key and no base URL: a one-line ConfigError per provider', async () => {
  const openai = await createModel({ provider: 'openai', model: 'gpt-5', env: {} }).catch((e) => e);
  assert.ok(openai instanceof ConfigError);
  assert.equal(openai.message, 'Missing OPENAI_API_KEY: set it in the environment, or pass --base-url for a local server that needs no key.');
  const anthropic = await createModel({ provider: 'anthropic', model: 'claude-haiku-4-5', env: {} }).catch((e) => e);
  assert.ok(anthropic instanceof ConfigError);
  assert.match(anthropic.message, /^Missing ANTHROPIC_API_KEY/);
  await assert.rejects(createModel({ provider: 'mistral' as never, model: 'x', env: {} }), /Unknown provider "mistral"/);
});

test('keys come from the environment when not given', async () => {
  const model = await createModel({ provider: 'openai', model: 'gpt-4o-mini', env: { OPENAI_API_KEY: 'sk-env' } });
  assert.equal(model.provider, 'openai');
  assert.equal(model.name, 'gpt-4o-mini');
  assert.equal(model.contextWindow, 128_000);
});

test('a local server needs no key; the model answers over the OpenAI API', async () => {
  const server = await start();
  const model = await createModel({ provider: 'openai', model: 'qwen2.5-coder', baseUrl: `${server.openaiBaseUrl}/`, env: {} });
  assert.equal(model.provider, 'openai-compatible');
  assert.equal(model.contextWindow, 128_000, 'unknown local model: default window');
  const completion = await model.complete({ messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(completion.text, 'openai:qwen2.5-coder');
});

test("'auto' picks the first listed model, for both APIs", async () => {
  const server = await start(['llama3.2:3b', 'qwen2.5-coder:7b']);
  const openai = await createModel({ provider: 'openai', model: 'auto', baseUrl: server.openaiBaseUrl, env: {} });
  assert.equal(openai.name, 'llama3.2:3b');
  assert.equal((await openai.complete({ messages: [{ role: 'user', content: 'x' }] })).text, 'openai:llama3.2:3b');
  const anthropic = await createModel({ provider: 'anthropic', model: 'auto', baseUrl: server.anthropicBaseUrl, apiKey: 'k' });
  assert.equal(anthropic.name, 'llama3.2:3b');
  assert.equal((await anthropic.complete({ messages: [{ role: 'user', content: 'x' }] })).text, 'anthropic:llama3.2:3b');
});

test("'auto' with an empty list or an unreachable server: clear errors", async () => {
  const empty = await start([]);
  const none = await createModel({ provider: 'openai', model: 'auto', baseUrl: empty.openaiBaseUrl, env: {} }).catch((e) => e);
  assert.ok(none instanceof ConfigError);
  assert.match(none.message, /lists no models.*--model NAME/);
  const gone = await start();
  const url = gone.openaiBaseUrl;
  await gone.close();
  const unreachable = await createModel({ provider: 'openai', model: 'auto', baseUrl: url, env: {} }).catch((e) => e);
  assert.ok(unreachable instanceof ModelError);
  assert.equal(unreachable.kind, 'unreachable');
  assert.match(unreachable.message, new RegExp(`^Could not pick a model for --model auto: Could not reach ${url} \\(ECONNREFUSED\\)`));
});

test('config: retries, context window and price overrides reach the model', async () => {
  const server = await FakeModelServer.start(() => ({ status: 500 }));
  servers.push(server);
  const prices = new PriceTable({ 'my-local': { input: 0, output: 0, contextWindow: 32_768 } });
  const model = await createModel({ provider: 'openai', model: 'my-local', baseUrl: server.openaiBaseUrl, retries: 1, prices, retryPolicy: { baseDelayMs: 5 } });
  assert.equal(model.contextWindow, 32_768);
  const err = await model.complete({ messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
  assert.match(err.message, /after 2 tries/);
  assert.equal(server.requests.length, 2);
  const explicit = await createModel({ provider: 'openai', model: 'my-local', baseUrl: server.openaiBaseUrl, contextWindow: 8_192 });
  assert.equal(explicit.contextWindow, 8_192);
});

test('models on the same endpoint share one limiter', async () => {
  const server = await FakeModelServer.start(() => ({ text: 'ok', delayMs: 40 }));
  servers.push(server);
  const base = { provider: 'openai' as const, baseUrl: server.openaiBaseUrl, concurrency: 3, env: {} };
  const root = await createModel({ ...base, model: 'root-model' });
  const sub = await createModel({ ...base, model: 'sub-model' });
  const calls = [root, sub, sub, root, sub, sub, sub, root].map((m) => m.complete({ messages: [{ role: 'user', content: 'x' }] }));
  await Promise.all(calls);
  assert.equal(server.maxInFlight, 3);
  assert.equal(sharedLimiter(`openai ${server.openaiBaseUrl}`, 3).active, 0);
});
