// OpenAIChatModel through the real `openai` SDK over real HTTP against FakeModelServer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeModelServer, type FakeResponder } from '../../fakes/FakeModelServer';
import { OpenAIChatModel, type OpenAIModelOptions } from '../../../src/core/models/openaiModel';
import { ModelError, type RetryInfo } from '../../../src/core/models/types';

const servers: FakeModelServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function start(responder: FakeResponder): Promise<FakeModelServer> {
  const server = await FakeModelServer.start(responder);
  servers.push(server);
  return server;
}

/** Short backoff so retry tests take milliseconds; the schedule itself is tested in retry.test.ts. */
const FAST = { baseDelayMs: 10, maxDelayMs: 40 };

function model(server: FakeModelServer, options: Partial<OpenAIModelOptions> = {}): OpenAIChatModel {
  return new OpenAIChatModel({ model: 'local-model', baseUrl: server.openaiBaseUrl, retry: FAST, ...options });
}

const ask = [{ role: 'user' as const, content: 'What is in the repo?' }];

test('streams the answer, calls onText per delta, and reports the server usage', async () => {
  const text = 'The repository holds a VS Code extension and a CLI.';
  const server = await start(() => ({ text, chunkChars: 8, usage: { input: 12, output: 34 } }));
  const deltas: string[] = [];
  const m = model(server);
  const completion = await m.complete({ messages: ask, onText: (d) => deltas.push(d) });
  assert.equal(completion.text, text);
  assert.equal(deltas.join(''), text);
  assert.equal(deltas.length, Math.ceil(text.length / 8));
  assert.deepEqual(completion.usage, { inputTokens: 12, outputTokens: 34, estimated: false });
  assert.equal(completion.finishReason, 'stop');
  assert.equal(completion.model, 'local-model');
  assert.ok(completion.latencyMs >= 0);
  assert.equal(m.provider, 'openai-compatible');
  const req = server.requests[0];
  assert.equal(req.stream, true);
  assert.deepEqual(req.body.stream_options, { include_usage: true });
  assert.deepEqual(req.messages, ask);
  assert.equal(req.headers.authorization, 'Bearer no-key-needed', 'a local server gets a placeholder key');
});

test('estimates usage from characters when the server reports none', async () => {
  const server = await start(() => ({ text: 'x'.repeat(400), usage: null }));
  const completion = await model(server).complete({ messages: [{ role: 'user', content: 'y'.repeat(800) }] });
  assert.equal(completion.usage.estimated, true);
  assert.equal(completion.usage.outputTokens, 100);
  assert.ok(completion.usage.inputTokens >= 200 && completion.usage.inputTokens <= 210, String(completion.usage.inputTokens));
});

test('sends max_tokens to compatible servers and the key when one is given', async () => {
  const server = await start(() => 'ok');
  await model(server, { apiKey: 'sk-local-123', maxOutputTokens: 500 }).complete({ messages: ask });
  await model(server).complete({ messages: ask, maxOutputTokens: 42 });
  assert.equal(server.requests[0].body.max_tokens, 500);
  assert.equal(server.requests[0].headers.authorization, 'Bearer sk-local-123');
  assert.equal(server.requests[1].body.max_tokens, 42);
});

test('429 with retry-after: waits as told, then succeeds', async () => {
  let calls = 0;
  const server = await start(() => (++calls === 1 ? { status: 429, retryAfter: 1, text: 'Rate limit reached' } : 'finally'));
  const retries: RetryInfo[] = [];
  const started = Date.now();
  const completion = await model(server).complete({ messages: ask, onRetry: (r) => retries.push(r) });
  const elapsed = Date.now() - started;
  assert.equal(completion.text, 'finally');
  assert.equal(server.requests.length, 2);
  assert.deepEqual(retries, [{ attempt: 2, delayMs: 1000, reason: '429 rate limited' }]);
  assert.ok(elapsed >= 950, `waited ${elapsed} ms for a retry-after of 1 s`);
});

test('500 then success', async () => {
  let calls = 0;
  const server = await start(() => (++calls === 1 ? { status: 500, text: 'internal' } : 'recovered'));
  const completion = await model(server).complete({ messages: ask });
  assert.equal(completion.text, 'recovered');
  assert.equal(server.requests.length, 2);
});

test('retries exhausted: a ModelError that names the status and the count of tries', async () => {
  const server = await start(() => ({ status: 503, text: 'upstream overloaded' }));
  const err = await model(server, { retry: { ...FAST, retries: 2 } }).complete({ messages: ask }).catch((e) => e);
  assert.ok(err instanceof ModelError);
  assert.equal(err.kind, 'server');
  assert.equal(err.status, 503);
  assert.match(err.message, /failed with 503 after 3 tries \(upstream overloaded\)/);
  assert.equal(server.requests.length, 3);
});

test('unreachable endpoint fails within seconds, naming the URL', async () => {
  const server = await start(() => 'never');
  const url = server.openaiBaseUrl;
  await server.close();
  const started = Date.now();
  const err = await model(server).complete({ messages: ask }).catch((e) => e);
  assert.ok(err instanceof ModelError);
  assert.equal(err.kind, 'unreachable');
  assert.equal(err.message, `Could not reach ${url} (ECONNREFUSED) after 5 tries. Is the server running? Check --base-url.`);
  assert.ok(Date.now() - started < 5000);
});

test('a dropped stream is retried, and retries are reported so viewers can discard partial text', async () => {
  let calls = 0;
  const server = await start(() => (++calls === 1 ? { text: 'partial answer that breaks', chunkChars: 5, dropAfterChars: 10 } : 'whole answer'));
  const deltas: string[] = [];
  const retries: RetryInfo[] = [];
  const completion = await model(server).complete({ messages: ask, onText: (d) => deltas.push(d), onRetry: (r) => retries.push(r) });
  assert.equal(completion.text, 'whole answer');
  assert.equal(deltas.join(''), 'partial anwhole answer');
  assert.equal(retries.length, 1);
  assert.match(retries[0].reason, /stream cut off/);
});

test('401 is not retried, and the message never contains the key', async () => {
  const key = 'sk-secret-abcdef123456';
  const server = await start(() => ({ status: 401, text: `Incorrect API key provided: ${key}` }));
  const err = await model(server, { apiKey: key }).complete({ messages: ask }).catch((e) => e);
  assert.ok(err instanceof ModelError);
  assert.equal(err.kind, 'auth');
  assert.equal(server.requests.length, 1);
  assert.ok(!err.message.includes(key));
  assert.match(err.message, /401 Unauthorized/);
  assert.match(err.message, /OPENAI_API_KEY/);
});

test('without a base URL the provider is openai, priced from the table', () => {
  const m = new OpenAIChatModel({ model: 'gpt-5-mini-2025-08-07', apiKey: 'sk-x-1234' });
  assert.equal(m.provider, 'openai');
  assert.equal(m.contextWindow, 400_000);
  assert.throws(() => new OpenAIChatModel({ model: 'gpt-5' }), /Missing OPENAI_API_KEY/);
});

test('400 with a context-length message becomes context_overflow, not retried', async () => {
  const server = await start(() => ({ status: 400, text: "This model's maximum context length is 8192 tokens." }));
  const err = await model(server).complete({ messages: ask }).catch((e) => e);
  assert.equal(err.kind, 'context_overflow');
  assert.equal(server.requests.length, 1);
});

test('abort during a slow response ends in under a second', async () => {
  const server = await start(() => ({ text: 'slow', delayMs: 10_000 }));
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const started = Date.now();
  const err = await model(server).complete({ messages: ask, signal: controller.signal }).catch((e) => e);
  assert.ok(err instanceof ModelError);
  assert.equal(err.kind, 'cancelled');
  assert.ok(Date.now() - started < 1000);
  assert.equal(server.requests.length, 1);
});

test('abort in the middle of a stream ends in under a second', async () => {
  const server = await start(() => ({ text: 'a'.repeat(200), chunkChars: 2, chunkDelayMs: 50 }));
  const controller = new AbortController();
  let seen = 0;
  const started = Date.now();
  const err = await model(server)
    .complete({ messages: ask, signal: controller.signal, onText: () => ++seen === 3 && controller.abort() })
    .catch((e) => e);
  assert.equal(err.kind, 'cancelled');
  assert.ok(Date.now() - started < 1000);
});

test('abort during a backoff sleep ends at once', async () => {
  const server = await start(() => ({ status: 429, retryAfter: 30 }));
  const controller = new AbortController();
  const started = Date.now();
  const err = await model(server)
    .complete({ messages: ask, signal: controller.signal, onRetry: () => setTimeout(() => controller.abort(), 50) })
    .catch((e) => e);
  assert.equal(err.kind, 'cancelled');
  assert.ok(Date.now() - started < 1000);
  assert.equal(server.requests.length, 1);
});

test('a request streams only when someone listens for text', async () => {
  const server = await start(() => ({ text: 'whole reply', usage: null }));
  const deltas: string[] = [];
  const streamed = await model(server).complete({ messages: ask, onText: (d) => deltas.push(d) });
  const whole = await model(server).complete({ messages: ask });
  assert.deepEqual(server.requests.map((r) => r.stream), [true, false]);
  assert.equal(deltas.join(''), 'whole reply');
  assert.equal(whole.text, 'whole reply');
  assert.equal(whole.finishReason, streamed.finishReason);
  assert.equal(whole.usage.estimated, true, 'no usage reported: estimated, as when streaming');
  assert.deepEqual(whole.usage, streamed.usage);
});

test('a server that stalls mid-stream times out and is retried', async () => {
  let calls = 0;
  const server = await start(() => (++calls === 1 ? { text: 'abcdef', chunkChars: 2, chunkDelayMs: 5_000 } : 'fresh'));
  const retries: RetryInfo[] = [];
  const completion = await model(server, { retry: { ...FAST, timeoutMs: 300 } }).complete({ messages: ask, onText: () => {}, onRetry: (r) => retries.push(r) });
  assert.equal(completion.text, 'fresh');
  assert.match(retries[0].reason, /timed out/);
});

test('an error chunk inside the stream is retried', async () => {
  let calls = 0;
  const server = await start(() => (++calls === 1 ? { text: 'abc def', streamError: { afterChars: 3, type: 'server_error', message: 'The server had an error' } } : 'second'));
  const retries: RetryInfo[] = [];
  const completion = await model(server).complete({ messages: ask, onText: () => {}, onRetry: (r) => retries.push(r) });
  assert.equal(completion.text, 'second');
  assert.match(retries[0].reason, /The server had an error/);
});

test('a port that fetch blocks (9) fails at once with a message saying so', async () => {
  const m = new OpenAIChatModel({ model: 'm', baseUrl: 'http://127.0.0.1:9/v1', retry: FAST });
  let retries = 0;
  const err = await m.complete({ messages: ask, onRetry: () => retries++ }).catch((e) => e);
  assert.ok(err instanceof ModelError);
  assert.equal(err.kind, 'unreachable');
  assert.equal(retries, 0, 'retrying a blocked port cannot help');
  assert.match(err.message, /^Could not reach http:\/\/127\.0\.0\.1:9\/v1: .*"bad port"/);
});

test('prompt caching: prompt_cache_key only when asked; cached and reasoning tokens read apart, streamed and whole', async () => {
  const server = await start(() => ({ text: 'ok', usage: { input: 5_000, output: 300, cachedInput: 4_096, reasoning: 200 } }));
  const m = model(server);
  const streamed = await m.complete({ messages: ask, promptCache: { key: 'rlm-s1-d0' }, onText: () => {} });
  const whole = await m.complete({ messages: ask });
  for (const completion of [streamed, whole]) {
    assert.deepEqual(completion.usage, { inputTokens: 5_000, outputTokens: 300, estimated: false, cachedInputTokens: 4_096, reasoningTokens: 200 });
  }
  assert.equal(server.requests[0]!.body.prompt_cache_key, 'rlm-s1-d0');
  assert.ok(!('prompt_cache_key' in server.requests[1]!.body));
});

test('the window: a configured one is known; the price table knows gpt-5; an unknown local model gets a stand-in', async () => {
  const server = await start(() => 'ok');
  assert.deepEqual([model(server).contextWindow, model(server).contextWindowKnown], [128_000, false]);
  assert.deepEqual([model(server, { contextWindow: 8_192 }).contextWindow, model(server, { contextWindow: 8_192 }).contextWindowKnown], [8_192, true]);
  assert.equal(model(server, { model: 'gpt-5' }).contextWindowKnown, true);
});
