// What a call reports to the engine, through the real SDKs over real HTTP against FakeModelServer: when each
// attempt actually starts (onAttempt), and what a call cut short or failed had spent (ModelError.spent).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { AnthropicChatModel } from '../../../src/core/models/anthropicModel';
import { ConcurrencyLimiter } from '../../../src/core/models/limiter';
import { OpenAIChatModel } from '../../../src/core/models/openaiModel';
import { estimateMessageTokens, estimateTokensOfChars } from '../../../src/core/models/usage';
import { ModelError, type ChatModel } from '../../../src/core/models/types';
import { FakeModelServer, type FakeResponder } from '../../fakes/FakeModelServer';

const servers: FakeModelServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function start(responder: FakeResponder): Promise<FakeModelServer> {
  const server = await FakeModelServer.start(responder);
  servers.push(server);
  return server;
}

const FAST = { baseDelayMs: 10, maxDelayMs: 40 };
const ask = [{ role: 'user' as const, content: 'Summarise src/core/models in one paragraph, please.' }];
const prompt = estimateMessageTokens(ask);

const providers: Array<[string, (server: FakeModelServer, limiter?: ConcurrencyLimiter, retry?: object) => ChatModel]> = [
  ['openai', (server, limiter, retry) => new OpenAIChatModel({ model: 'm', baseUrl: server.openaiBaseUrl, retry: { ...FAST, ...retry }, limiter })],
  ['anthropic', (server, limiter, retry) => new AnthropicChatModel({ model: 'claude-haiku-4-5', apiKey: 'k', baseUrl: server.anthropicBaseUrl, retry: { ...FAST, ...retry }, limiter })],
];

test('onAttempt fires when the slot is granted, before the request, and again for each retry', async () => {
  let calls = 0;
  const server = await start(() => (++calls === 2 ? { status: 500, text: 'internal' } : { text: 'ok', delayMs: 80 }));
  const model = providers[0]![1](server, new ConcurrencyLimiter(1));
  const started = Date.now();
  const log: Array<{ call: string; attempt: number; atMs: number; serverSaw: number }> = [];
  const hook = (call: string) => (a: { attempt: number }) => log.push({ call, attempt: a.attempt, atMs: Date.now() - started, serverSaw: server.requests.length });
  const retries: number[] = [];
  const first = model.complete({ messages: ask, onAttempt: hook('A') });
  const second = model.complete({ messages: ask, onAttempt: hook('B'), onRetry: (r) => retries.push(r.attempt) });
  await Promise.all([first, second]);
  assert.deepEqual(log.map(({ call, attempt, serverSaw }) => [call, attempt, serverSaw]), [['A', 1, 0], ['B', 1, 1], ['B', 2, 2]]);
  assert.ok(log[1]!.atMs >= 75, `B started at ${log[1]!.atMs} ms, while A (80 ms) still held the only slot`);
  assert.deepEqual(retries, [2]);
});

for (const [name, make] of providers) {
  test(`${name}: cancelled in flight, before any reply: spent is the prompt, estimated`, async () => {
    const server = await start(() => ({ text: 'late', delayMs: 10_000 }));
    const controller = new AbortController();
    const attempts: number[] = [];
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const err = await make(server).complete({ messages: ask, signal: controller.signal, onAttempt: (a) => attempts.push(a.attempt) }).catch((e) => e);
    assert.ok(err instanceof ModelError);
    assert.equal(err.kind, 'cancelled');
    assert.ok(Date.now() - started < 1000);
    assert.deepEqual(attempts, [1]);
    assert.deepEqual(err.spent, { inputTokens: prompt, outputTokens: 0, estimated: true });
  });

  test(`${name}: cancelled mid-stream: spent counts the text streamed before the cut`, async () => {
    const server = await start(() => ({ text: 'y'.repeat(2000), chunkChars: 25, chunkDelayMs: 30 }));
    const controller = new AbortController();
    let streamed = 0;
    const err = await make(server).complete({
      messages: ask,
      signal: controller.signal,
      onText: (d) => {
        streamed += d.length;
        if (streamed >= 100) controller.abort();
      },
    }).catch((e) => e);
    assert.equal(err.kind, 'cancelled');
    assert.equal(streamed, 100);
    assert.deepEqual(err.spent, { inputTokens: prompt, outputTokens: estimateTokensOfChars(100), estimated: true });
  });

  test(`${name}: cancelled while queued for a slot: nothing was sent, nothing spent`, async () => {
    const server = await start(() => ({ text: 'slow', delayMs: 300 }));
    const model = make(server, new ConcurrencyLimiter(1));
    const busy = model.complete({ messages: ask });
    const controller = new AbortController();
    const attempts: number[] = [];
    const queued = model.complete({ messages: ask, signal: controller.signal, onAttempt: (a) => attempts.push(a.attempt) });
    setTimeout(() => controller.abort(), 50);
    const err = await queued.catch((e) => e);
    assert.equal(err.kind, 'cancelled');
    assert.equal(err.spent, undefined);
    assert.deepEqual(attempts, []);
    await busy;
    assert.equal(server.requests.length, 1);
  });

  test(`${name}: cancelled during the backoff: spent counts only attempts whose reply had begun`, async () => {
    // First try: a 500 (no reply, not charged). Second: 40 characters, then the socket drops (charged).
    let calls = 0;
    const server = await start(() => (++calls === 1 ? { status: 500, text: 'internal' } : { text: 'z'.repeat(200), chunkChars: 20, dropAfterChars: 40 }));
    const controller = new AbortController();
    let streamed = 0;
    const err = await make(server, undefined, { baseDelayMs: 10, maxDelayMs: 10 }).complete({
      messages: ask,
      signal: controller.signal,
      onText: (d) => (streamed += d.length),
      // The backoff before try 3 starts right after this hook: cancel into it.
      onRetry: (r) => {
        if (r.attempt === 3) controller.abort();
      },
    }).catch((e) => e);
    assert.equal(err.kind, 'cancelled');
    assert.equal(server.requests.length, 2);
    assert.equal(streamed, 40);
    assert.deepEqual(err.spent, { inputTokens: prompt, outputTokens: estimateTokensOfChars(40), estimated: true });
  });

  test(`${name}: a failure after retries carries what the attempts that got a reply spent`, async () => {
    const server = await start(() => ({ text: 'w'.repeat(120), chunkChars: 30, streamError: { afterChars: 60, type: 'server_error', message: 'boom' } }));
    const err = await make(server, undefined, { retries: 2 }).complete({ messages: ask, onText: () => {} }).catch((e) => e);
    assert.ok(err instanceof ModelError);
    assert.match(err.message, /after 3 tries/);
    assert.deepEqual(err.spent, { inputTokens: 3 * prompt, outputTokens: 3 * estimateTokensOfChars(60), estimated: true });
  });
}

test('a permanent failure with no reply spent nothing', async () => {
  const server = await start(() => ({ status: 404, text: 'no such model' }));
  const err = await providers[0]![1](server).complete({ messages: ask }).catch((e) => e);
  assert.equal(err.kind, 'bad_request');
  assert.equal(err.spent, undefined);
});
