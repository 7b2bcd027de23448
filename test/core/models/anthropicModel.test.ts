// AnthropicChatModel through the real `@anthropic-ai/sdk` over real HTTP against FakeModelServer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeModelServer, type FakeResponder } from '../../fakes/FakeModelServer';
import { AnthropicChatModel, toAnthropicMessages, type AnthropicModelOptions } from '../../../src/core/models/anthropicModel';
import { ModelError, type RetryInfo } from '../../../src/core/models/types';

const servers: FakeModelServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function start(responder: FakeResponder): Promise<FakeModelServer> {
  const server = await FakeModelServer.start(responder);
  servers.push(server);
  return server;
}

const FAST = { baseDelayMs: 10, maxDelayMs: 40 };
const KEY = 'sk-ant-test-0123456789';

function model(server: FakeModelServer, options: Partial<AnthropicModelOptions> = {}): AnthropicChatModel {
  return new AnthropicChatModel({ model: 'claude-sonnet-4-5-20250929', apiKey: KEY, baseUrl: server.anthropicBaseUrl, retry: FAST, ...options });
}

test('streams text deltas, sends system separately, reports usage and stop reason', async () => {
  const text = 'Sub-calls read the files; the root model only sees summaries.';
  const server = await start(() => ({ text, chunkChars: 7, usage: { input: 120, output: 15 } }));
  const deltas: string[] = [];
  const m = model(server);
  const completion = await m.complete({
    messages: [
      { role: 'system', content: 'You explore code.' },
      { role: 'user', content: 'How does it work?' },
    ],
    onText: (d) => deltas.push(d),
  });
  assert.equal(completion.text, text);
  assert.equal(deltas.join(''), text);
  assert.equal(deltas.length, Math.ceil(text.length / 7));
  assert.deepEqual(completion.usage, { inputTokens: 120, outputTokens: 15, estimated: false });
  assert.equal(completion.finishReason, 'end_turn');
  assert.equal(m.provider, 'anthropic');
  assert.equal(m.contextWindow, 200_000);
  const req = server.requests[0];
  assert.equal(req.body.system, 'You explore code.');
  assert.deepEqual(req.body.messages, [{ role: 'user', content: 'How does it work?' }]);
  assert.equal(req.body.max_tokens, 16_000);
  assert.equal(req.stream, true);
  assert.ok(req.headers['x-api-key'] === KEY || req.headers.authorization === `Bearer ${KEY}`, 'the explicit key is sent');
});

test('estimates usage when the stream carries none', async () => {
  const server = await start(() => ({ text: 'z'.repeat(40), usage: null }));
  const completion = await model(server).complete({ messages: [{ role: 'user', content: 'q'.repeat(80) }] });
  assert.equal(completion.usage.estimated, true);
  assert.equal(completion.usage.outputTokens, 10);
});

test('max_tokens: configurable, per request, and capped by the model limit', async () => {
  const server = await start(() => 'ok');
  await model(server, { maxOutputTokens: 2048 }).complete({ messages: [{ role: 'user', content: 'a' }] });
  await model(server).complete({ messages: [{ role: 'user', content: 'a' }], maxOutputTokens: 99 });
  await model(server, { model: 'claude-3-5-haiku-20241022' }).complete({ messages: [{ role: 'user', content: 'a' }] });
  assert.deepEqual(server.requests.map((r) => r.body.max_tokens), [2048, 99, 8192]);
});

test('consecutive same-role messages are merged and system messages gathered', () => {
  const { system, messages } = toAnthropicMessages([
    { role: 'system', content: 'one' },
    { role: 'user', content: 'a' },
    { role: 'user', content: 'b' },
    { role: 'assistant', content: 'c' },
    { role: 'system', content: 'two' },
    { role: 'assistant', content: 'd' },
    { role: 'user', content: 'e' },
  ]);
  assert.equal(system, 'one\n\ntwo');
  assert.deepEqual(messages, [
    { role: 'user', content: 'a\n\nb' },
    { role: 'assistant', content: 'c\n\nd' },
    { role: 'user', content: 'e' },
  ]);
  assert.throws(() => toAnthropicMessages([{ role: 'system', content: 'only' }]), /at least one user/);
});

test('529 overloaded then success', async () => {
  let calls = 0;
  const server = await start(() => (++calls < 3 ? { status: 529, text: 'Overloaded' } : 'done'));
  const retries: RetryInfo[] = [];
  const completion = await model(server).complete({ messages: [{ role: 'user', content: 'x' }], onRetry: (r) => retries.push(r) });
  assert.equal(completion.text, 'done');
  assert.equal(server.requests.length, 3);
  assert.deepEqual(retries.map((r) => r.attempt), [2, 3]);
});

test('a dropped stream is retried', async () => {
  let calls = 0;
  const server = await start(() => (++calls === 1 ? { text: 'cut here please', dropAfterChars: 3 } : 'complete'));
  const completion = await model(server).complete({ messages: [{ role: 'user', content: 'x' }] });
  assert.equal(completion.text, 'complete');
  assert.equal(server.requests.length, 2);
});

test('401 is not retried; the message names ANTHROPIC_API_KEY and hides the key', async () => {
  const server = await start(() => ({ status: 401, text: `invalid x-api-key ${KEY}` }));
  const err = await model(server).complete({ messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
  assert.ok(err instanceof ModelError);
  assert.equal(err.kind, 'auth');
  assert.equal(server.requests.length, 1);
  assert.ok(!err.message.includes(KEY));
  assert.match(err.message, /401 Unauthorized.*ANTHROPIC_API_KEY/);
});

test('404 model not found is not retried and suggests checking the model', async () => {
  const server = await start(() => ({ status: 404, text: 'model: claude-nope' }));
  const err = await model(server, { model: 'claude-nope' }).complete({ messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
  assert.equal(err.kind, 'bad_request');
  assert.match(err.message, /404 Not Found for model "claude-nope"/);
  assert.equal(server.requests.length, 1);
});

test('abort during a slow response ends in under a second', async () => {
  const server = await start(() => ({ text: 'late', delayMs: 10_000 }));
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const started = Date.now();
  const err = await model(server).complete({ messages: [{ role: 'user', content: 'x' }], signal: controller.signal }).catch((e) => e);
  assert.equal(err.kind, 'cancelled');
  assert.ok(Date.now() - started < 1000);
});

test('abort mid-stream ends in under a second', async () => {
  const server = await start(() => ({ text: 'b'.repeat(100), chunkChars: 1, chunkDelayMs: 50 }));
  const controller = new AbortController();
  const started = Date.now();
  const err = await model(server)
    .complete({ messages: [{ role: 'user', content: 'x' }], signal: controller.signal, onText: () => controller.abort() })
    .catch((e) => e);
  assert.equal(err.kind, 'cancelled');
  assert.ok(Date.now() - started < 1000);
});

test('an overloaded_error event inside the stream is retried', async () => {
  let calls = 0;
  const server = await start(() => (++calls === 1 ? { text: 'half of it', streamError: { afterChars: 4, type: 'overloaded_error', message: 'Overloaded' } } : 'all of it'));
  const retries: RetryInfo[] = [];
  const completion = await model(server).complete({ messages: [{ role: 'user', content: 'x' }], onRetry: (r) => retries.push(r) });
  assert.equal(completion.text, 'all of it');
  assert.match(retries[0].reason, /^529/);
});

test('a stream error that persists ends in a ModelError naming it', async () => {
  const server = await start(() => ({ text: 'never finished', streamError: { afterChars: 2, type: 'api_error', message: 'Internal server error' } }));
  const err = await model(server, { retry: { ...FAST, retries: 1 } }).complete({ messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
  assert.ok(err instanceof ModelError);
  assert.equal(err.kind, 'server');
  assert.match(err.message, /failed with 500 after 2 tries \(Internal server error\)/);
});

test('prompt caching: cache_control on the system prompt and the newest turn only when asked (2 of the 4 allowed); reads and writes apart', async () => {
  const server = await start(() => ({ text: 'ok', usage: { input: 9_000, output: 40, cachedInput: 6_000, cacheWrite: 2_500, reasoning: 30 } }));
  const m = model(server);
  const messages = [
    { role: 'system' as const, content: 'You explore code.' },
    { role: 'user' as const, content: 'Question' },
    { role: 'assistant' as const, content: 'Code' },
    { role: 'user' as const, content: 'Output' },
  ];
  const completion = await m.complete({ messages, promptCache: { key: 'ignored-by-anthropic' } });
  assert.deepEqual(completion.usage, { inputTokens: 9_000, outputTokens: 40, estimated: false, cachedInputTokens: 6_000, cacheWriteTokens: 2_500, reasoningTokens: 30 });
  const body = server.requests[0]!.body;
  assert.deepEqual(body.system, [{ type: 'text', text: 'You explore code.', cache_control: { type: 'ephemeral' } }]);
  assert.deepEqual(body.messages, [
    { role: 'user', content: 'Question' },
    { role: 'assistant', content: 'Code' },
    { role: 'user', content: [{ type: 'text', text: 'Output', cache_control: { type: 'ephemeral' } }] },
  ]);
  const breakpoints = JSON.stringify(body).split('cache_control').length - 1;
  assert.ok(breakpoints <= 4, `${breakpoints} breakpoints`);
  assert.equal(server.requests[0]!.messages.at(-1)!.content, 'Output', 'the text is unchanged');
  await m.complete({ messages });
  assert.ok(!JSON.stringify(server.requests[1]!.body).includes('cache_control'), 'a plain request marks nothing');
});
