// createModelPair: the defaults per provider, a local server's one model, models asked for by name, and the
// concurrency a pair really gets, against FakeModelServer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/core/models/configError';
import { createModelPair, DEFAULT_MODELS } from '../../../src/core/models/modelPair';
import { PriceTable } from '../../../src/core/models/pricing';
import { ModelError } from '../../../src/core/models/types';
import { DEFAULT_LIMITS } from '../../../src/core/loop/options';
import { FakeModelServer, type FakeResponder } from '../../fakes/FakeModelServer';

const servers: FakeModelServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function start(responder: FakeResponder = (req) => `${req.api}:${req.model}`, models?: string[]): Promise<FakeModelServer> {
  const server = await FakeModelServer.start(responder, { models });
  servers.push(server);
  return server;
}

const ask = { messages: [{ role: 'user' as const, content: 'x' }] };

test("the providers' APIs: a strong root and a cheap sub-model by default, or the names given", async () => {
  const openai = await createModelPair({ provider: 'openai', env: { OPENAI_API_KEY: 'sk-test' } });
  assert.deepEqual([openai.root.name, openai.sub.name], [DEFAULT_MODELS.openai.root, DEFAULT_MODELS.openai.sub]);
  assert.deepEqual([openai.root.name, openai.sub.name], ['gpt-5', 'gpt-5-mini']);
  assert.equal(openai.root.provider, 'openai');
  const anthropic = await createModelPair({ provider: 'anthropic', env: { ANTHROPIC_API_KEY: 'sk-ant' } });
  assert.deepEqual([anthropic.root.name, anthropic.sub.name], ['claude-sonnet-4-5', 'claude-haiku-4-5']);
  const chosen = await createModelPair({ provider: 'openai', model: 'gpt-4.1', subModel: 'gpt-4.1-nano', env: { OPENAI_API_KEY: 'sk-test' } });
  assert.deepEqual([chosen.root.name, chosen.sub.name], ['gpt-4.1', 'gpt-4.1-nano']);
  assert.equal(chosen.sub.contextWindow, 1_047_576);
});

test('a local server: the root is the first model it lists, and the sub-model is the same ChatModel', async () => {
  const server = await start(undefined, ['qwen2.5-coder:7b', 'llama3.2:3b']);
  const pair = await createModelPair({ provider: 'openai', baseUrl: server.openaiBaseUrl, env: {} });
  assert.equal(pair.root.name, 'qwen2.5-coder:7b');
  assert.equal(pair.sub, pair.root);
  assert.equal((await pair.sub.complete(ask)).text, 'openai:qwen2.5-coder:7b');
  const split = await createModelPair({ provider: 'openai', baseUrl: server.openaiBaseUrl, subModel: 'llama3.2:3b', env: {} });
  assert.equal(split.root.name, 'qwen2.5-coder:7b');
  assert.equal((await split.sub.complete(ask)).text, 'openai:llama3.2:3b');
});

test('byName: the pair for its own names, other names created once with the same settings', async () => {
  const server = await start();
  const prices = new PriceTable({ 'big-local': { input: 0, output: 0, contextWindow: 32_768 } });
  const pair = await createModelPair({ provider: 'anthropic', baseUrl: server.anthropicBaseUrl, model: 'root-m', subModel: 'sub-m', apiKey: 'k', prices });
  assert.equal(await pair.byName('root-m'), pair.root);
  assert.equal(await pair.byName('sub-m'), pair.sub);
  const other = await pair.byName('big-local');
  assert.equal(await pair.byName('big-local'), other, 'created once');
  assert.equal(other.contextWindow, 32_768, 'the prices reach models made by name');
  assert.equal((await other.complete(ask)).text, 'anthropic:big-local');
  await assert.rejects(Promise.resolve(pair.byName('  ')), ConfigError);
});

test('setup errors: a missing key is a ConfigError, an unreachable server for auto a ModelError', async () => {
  await assert.rejects(createModelPair({ provider: 'anthropic', env: {} }), (err) => err instanceof ConfigError && /ANTHROPIC_API_KEY/.test(err.message));
  const gone = await start();
  const url = gone.openaiBaseUrl;
  await gone.close();
  const err = await createModelPair({ provider: 'openai', baseUrl: url, env: {} }).catch((e) => e);
  assert.ok(err instanceof ModelError);
  assert.equal(err.kind, 'unreachable');
});

test(`concurrency: the run's ${DEFAULT_LIMITS.concurrency} calls all go out at once; endpointConcurrency caps root, sub and byName together`, async () => {
  const width = DEFAULT_LIMITS.concurrency;
  const waiting: Array<() => void> = [];
  // Every reply waits until all the calls are in flight together (or 3 s pass, and the test fails).
  const gated = await start(() => new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('gave up waiting'), 3000);
    waiting.push(() => {
      clearTimeout(timer);
      resolve('ok');
    });
    if (waiting.length === width) waiting.splice(0).forEach((go) => go());
  }));
  const free = await createModelPair({ provider: 'openai', baseUrl: gated.openaiBaseUrl, model: 'r', subModel: 's', env: {} });
  const answers = await Promise.all(Array.from({ length: width }, (_, i) => (i % 2 ? free.root : free.sub).complete(ask)));
  assert.deepEqual(new Set(answers.map((a) => a.text)), new Set(['ok']));
  assert.equal(gated.maxInFlight, width);

  const slow = await start(() => ({ text: 'ok', delayMs: 30 }));
  const capped = await createModelPair({ provider: 'openai', baseUrl: slow.openaiBaseUrl, model: 'r', subModel: 's', endpointConcurrency: 5, env: {} });
  const third = await capped.byName('t');
  await Promise.all(Array.from({ length: width }, (_, i) => [capped.root, capped.sub, third][i % 3]!.complete(ask)));
  assert.equal(slow.maxInFlight, 5);
  assert.equal(slow.requests.length, width);
});

test('root and sub-model tuning reach the wire: output caps, reasoning effort, thinking budgets; one model split in two when tuned apart', async () => {
  const server = await start(() => 'ok', ['local-coder']);
  const openai = await createModelPair({
    provider: 'openai', baseUrl: server.openaiBaseUrl, env: {},
    root: { maxOutputTokens: 2000, reasoningEffort: 'low', contextWindow: 8192 }, sub: { maxOutputTokens: 300, reasoningEffort: 'minimal' },
  });
  assert.notEqual(openai.sub, openai.root, 'the same server model with other settings is a second ChatModel');
  assert.deepEqual([openai.root.contextWindow, openai.sub.contextWindow], [8192, 8192], 'the same model has the same window');
  await openai.root.complete(ask);
  await openai.sub.complete(ask);
  await (await openai.byName('other-model')).complete(ask);
  const [root, sub, named] = server.requests.slice(-3).map((r) => r.body);
  assert.deepEqual([root.max_tokens, root.reasoning_effort], [2000, 'low']);
  assert.deepEqual([sub.max_tokens, sub.reasoning_effort], [300, 'minimal']);
  assert.deepEqual([named.max_tokens, named.reasoning_effort], [300, 'minimal'], 'a model named in llm_query is tuned as the sub-model');

  const plain = await createModelPair({ provider: 'openai', baseUrl: server.openaiBaseUrl, env: {} });
  await plain.root.complete(ask);
  const body = server.requests.at(-1)!.body;
  assert.ok(!('reasoning_effort' in body) && !('max_tokens' in body), 'nothing set: nothing sent');

  const anthropic = await createModelPair({
    provider: 'anthropic', baseUrl: server.anthropicBaseUrl, apiKey: 'sk-ant-test', model: 'claude-sonnet-4-5', subModel: 'claude-haiku-4-5',
    root: { reasoningEffort: 'high' }, sub: { maxOutputTokens: 3000, reasoningEffort: 'high' },
  });
  await anthropic.root.complete(ask);
  await anthropic.sub.complete(ask);
  const [thinkingRoot, thinkingSub] = server.requests.slice(-2).map((r) => r.body);
  assert.equal(thinkingRoot.max_tokens, 16_000 + 24_576, 'the budget comes on top of the default reply room');
  assert.deepEqual(thinkingRoot.thinking, { type: 'enabled', budget_tokens: 24_576 });
  assert.equal(thinkingSub.max_tokens, 3000, 'a set cap stays');
  assert.deepEqual(thinkingSub.thinking, { type: 'enabled', budget_tokens: 1976 }, 'the budget leaves 1,024 tokens of it for the answer');
  const tight = await createModelPair({ provider: 'anthropic', baseUrl: server.anthropicBaseUrl, apiKey: 'sk-ant-test', model: 'claude-haiku-4-5', root: { maxOutputTokens: 1500, reasoningEffort: 'minimal' } });
  await tight.root.complete(ask);
  assert.ok(!('thinking' in server.requests.at(-1)!.body), 'no room for the minimum budget: no thinking');
});

test('windows: the sub-model\'s reaches the sub-model (child runs take it as their root); a model named in llm_query keeps its own', async () => {
  const server = await start(() => 'ok', ['local-root', 'local-sub']);
  const prices = new PriceTable({ 'big-local': { input: 0, output: 0, contextWindow: 65_536 } });
  const base = { provider: 'openai', baseUrl: server.openaiBaseUrl, env: {}, prices } as const;
  const pair = await createModelPair({ ...base, model: 'local-root', subModel: 'local-sub', root: { contextWindow: 32_768 }, sub: { contextWindow: 8192 } });
  assert.deepEqual([pair.root.contextWindow, pair.sub.contextWindow], [32_768, 8192]);
  assert.equal(pair.sub.contextWindowKnown, true, 'set: no safe default stands in for it');
  assert.equal((await pair.byName('big-local')).contextWindow, 65_536, 'its own window, not the sub-model\'s');
  assert.equal((await pair.byName('unlisted')).contextWindowKnown, false, 'a model nobody set a window for keeps the safe default');

  const unset = await createModelPair({ ...base, model: 'local-root', subModel: 'local-sub' });
  assert.equal(unset.sub.contextWindowKnown, false, 'a local sub-model nobody set a window for: the safe default');
  const same = await createModelPair({ ...base, model: 'local-root', root: { contextWindow: 32_768 }, sub: { contextWindow: 8192 } });
  assert.deepEqual([same.root.contextWindow, same.sub.contextWindow], [32_768, 8192], 'one model tuned apart by role: each role its window');
  assert.equal((await same.byName('local-root')).contextWindow, 8192, 'by name, the model the sub-calls use');
});
