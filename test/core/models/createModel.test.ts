// createModel: keys, 'auto', concurrency (none by default, a shared cap on request), and the ChatModel it returns,
// against FakeModelServer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, ConfigError, sharedLimiter } from '../../../src/core/models/createModel';
import { PriceTable } from '../../../src/core/models/pricing';
import { ModelError } from '../../../src/core/models/types';
import { DEFAULT_LIMITS } from '../../../src/core/loop/options';
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

/** Holds every reply until `count` requests are in flight at once (or `giveUpMs` passes), then answers them all. */
function barrier(count: number, giveUpMs = 3000): { responder: () => Promise<string>; released: () => boolean } {
  const waiting: Array<() => void> = [];
  let released = false;
  return {
    responder: () => new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('gave up waiting'), giveUpMs);
      waiting.push(() => {
        clearTimeout(timer);
        resolve('ok');
      });
      if (waiting.length === count) {
        released = true;
        waiting.splice(0).forEach((go) => go());
      }
    }),
    released: () => released,
  };
}

test(`no endpoint option: a run's ${DEFAULT_LIMITS.concurrency} parallel calls are all in flight at once, root and sub alike`, async () => {
  const width = DEFAULT_LIMITS.concurrency;
  const gate = barrier(width);
  const server = await FakeModelServer.start(gate.responder);
  servers.push(server);
  const base = { provider: 'openai' as const, baseUrl: server.openaiBaseUrl, env: {} };
  const root = await createModel({ ...base, model: 'root-model' });
  const sub = await createModel({ ...base, model: 'sub-model' });
  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: width }, (_, i) => (i % 4 === 0 ? root : sub).complete({ messages: [{ role: 'user', content: `q${i}` }] })));
  assert.ok(gate.released(), 'all calls reached the server together');
  assert.ok(answers.every((a) => a.text === 'ok'));
  assert.equal(server.maxInFlight, width);
  assert.ok(Date.now() - started < 2500);
});

test('no endpoint option: no hidden cap either (40 at once reach the server together)', async () => {
  const gate = barrier(40);
  const server = await FakeModelServer.start(gate.responder);
  servers.push(server);
  const model = await createModel({ provider: 'anthropic', model: 'claude-haiku-4-5', baseUrl: server.anthropicBaseUrl, apiKey: 'k' });
  await Promise.all(Array.from({ length: 40 }, () => model.complete({ messages: [{ role: 'user', content: 'x' }] })));
  assert.ok(gate.released());
  assert.equal(server.maxInFlight, 40);
});

test('endpointConcurrency N: models on the same endpoint share one cap of N', async () => {
  const server = await FakeModelServer.start(() => ({ text: 'ok', delayMs: 40 }));
  servers.push(server);
  const base = { provider: 'openai' as const, baseUrl: server.openaiBaseUrl, endpointConcurrency: 3, env: {} };
  const root = await createModel({ ...base, model: 'root-model' });
  const sub = await createModel({ ...base, model: 'sub-model' });
  const calls = [root, sub, sub, root, sub, sub, sub, root].map((m) => m.complete({ messages: [{ role: 'user', content: 'x' }] }));
  await Promise.all(calls);
  assert.equal(server.maxInFlight, 3);
  assert.equal(server.requests.length, 8);
  assert.equal(sharedLimiter(`openai ${server.openaiBaseUrl}`, 3).active, 0);
});

test('a bad endpointConcurrency is a ConfigError', async () => {
  for (const bad of [0, -1, 2.5, Number.NaN]) {
    const err = await createModel({ provider: 'openai', model: 'm', baseUrl: 'http://127.0.0.1:1/v1', endpointConcurrency: bad, env: {} }).catch((e) => e);
    assert.ok(err instanceof ConfigError, String(bad));
    assert.match(err.message, /at least 1.*leave it out for no cap/);
  }
});
