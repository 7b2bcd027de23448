// The fake server must satisfy the official SDKs, or every provider test downstream proves nothing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { FakeModelServer } from './FakeModelServer';

const servers: FakeModelServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function start(...args: Parameters<typeof FakeModelServer.start>): Promise<FakeModelServer> {
  const server = await FakeModelServer.start(...args);
  servers.push(server);
  return server;
}

function openai(server: FakeModelServer): OpenAI {
  return new OpenAI({ apiKey: 'test-key', baseURL: server.openaiBaseUrl, maxRetries: 0, timeout: 5000 });
}

function anthropic(server: FakeModelServer): Anthropic {
  return new Anthropic({ apiKey: 'test-key', baseURL: server.anthropicBaseUrl, maxRetries: 0, timeout: 5000 });
}

test('OpenAI non-streaming: the SDK parses the reply, usage and finish reason', async () => {
  const server = await start((req) => ({ text: `echo ${req.messages.at(-1)!.content}`, usage: { input: 11, output: 3 } }));
  const reply = await openai(server).chat.completions.create({
    model: 'gpt-test',
    messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }],
  });
  assert.equal(reply.choices[0].message.content, 'echo hi');
  assert.equal(reply.choices[0].finish_reason, 'stop');
  assert.deepEqual([reply.usage?.prompt_tokens, reply.usage?.completion_tokens], [11, 3]);
  assert.equal(server.requests.length, 1);
  assert.deepEqual(server.requests[0].messages, [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }]);
  assert.equal(server.requests[0].api, 'openai');
  assert.equal(server.requests[0].stream, false);
  assert.equal(server.requests[0].headers.authorization, 'Bearer test-key');
});

test('Anthropic non-streaming: system parameter recorded first, SDK parses content and usage', async () => {
  const server = await start(() => ({ text: 'bonjour', usage: { input: 7, output: 2 }, finishReason: 'max_tokens' }));
  const reply = await anthropic(server).messages.create({
    model: 'claude-test',
    max_tokens: 100,
    system: 'you are terse',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
  });
  assert.deepEqual(reply.content, [{ type: 'text', text: 'bonjour' }]);
  assert.equal(reply.stop_reason, 'max_tokens');
  assert.deepEqual([reply.usage.input_tokens, reply.usage.output_tokens], [7, 2]);
  assert.deepEqual(server.requests[0].messages, [{ role: 'system', content: 'you are terse' }, { role: 'user', content: 'hello' }]);
  assert.equal(server.requests[0].api, 'anthropic');
});

test('OpenAI streaming: deltas in chunks, then a usage chunk when include_usage is set', async () => {
  const text = 'The quick brown fox jumps over the lazy dog.';
  const server = await start(() => 'unused');
  server.setResponder(() => ({ text, chunkChars: 10, usage: { input: 5, output: 9 } }));
  const stream = await openai(server).chat.completions.create({
    model: 'gpt-test', messages: [{ role: 'user', content: 'go' }], stream: true, stream_options: { include_usage: true },
  });
  const deltas: string[] = [];
  let usage: OpenAI.CompletionUsage | undefined | null;
  let roleSeen = false;
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta.role === 'assistant') roleSeen = true;
    if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
    if (chunk.usage) usage = chunk.usage;
  }
  assert.ok(roleSeen);
  assert.equal(deltas.join(''), text);
  assert.equal(deltas.length, 5);
  assert.equal(usage?.completion_tokens, 9);
});

test('Anthropic streaming: the SDK stream helper assembles the final message', async () => {
  const server = await start(() => ({ text: 'streamed answer', chunkChars: 4 }));
  const stream = anthropic(server).messages.stream({ model: 'claude-test', max_tokens: 50, messages: [{ role: 'user', content: 'abcdefgh' }] });
  const deltas: string[] = [];
  stream.on('text', (t) => deltas.push(t));
  const message = await stream.finalMessage();
  assert.equal(deltas.join(''), 'streamed answer');
  assert.equal(deltas.length, 4);
  assert.equal(message.content.length, 1);
  assert.equal(message.content[0].type === 'text' && message.content[0].text, 'streamed answer');
  assert.equal(message.usage.input_tokens, 2); // 8 characters / 4
  assert.equal(message.usage.output_tokens, 4); // 15 characters / 4, rounded up
});

test('error statuses come back in each provider format with retry-after', async () => {
  const server = await start(() => ({ status: 429, retryAfter: 3, text: 'slow down' }));
  const oa = await openai(server).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
  assert.ok(oa instanceof OpenAI.RateLimitError);
  assert.equal(oa.headers.get('retry-after'), '3');
  assert.match(oa.message, /slow down/);
  const an = await anthropic(server).messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
  assert.ok(an instanceof Anthropic.RateLimitError);
  assert.equal((an as any).error.error.type, 'rate_limit_error');
});

test('a throwing responder answers 500', async () => {
  const server = await start(() => {
    throw new Error('boom');
  });
  const err = await openai(server).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
  assert.equal(err.status, 500);
  assert.match(err.message, /boom/);
});

test('models are listed in both formats', async () => {
  const server = await start(() => '', { models: ['alpha', 'beta'] });
  const ids: string[] = [];
  for await (const m of openai(server).models.list()) ids.push(m.id);
  assert.deepEqual(ids, ['alpha', 'beta']);
  const anthropicIds: string[] = [];
  for await (const m of anthropic(server).models.list()) anthropicIds.push(m.id);
  assert.deepEqual(anthropicIds, ['alpha', 'beta']);
  assert.equal(server.requests.length, 0);
});

test('dropAfterChars cuts the socket mid-stream', async () => {
  const server = await start(() => ({ text: 'x'.repeat(100), chunkChars: 10, dropAfterChars: 30 }));
  const stream = await openai(server).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
  let received = '';
  const err = await (async () => {
    for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? '';
  })().catch((e) => e);
  assert.ok(err instanceof Error, 'the stream should fail');
  assert.equal(received.length, 30);
});

test('close() ends pending slow replies and in-flight counters track concurrency', async () => {
  const server = await FakeModelServer.start(() => ({ text: 'late', delayMs: 30_000 }));
  const client = openai(server);
  const calls = [1, 2, 3].map(() => client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e));
  while (server.requests.length < 3) await new Promise((r) => setTimeout(r, 10));
  assert.equal(server.inFlight, 3);
  assert.equal(server.maxInFlight, 3);
  const started = Date.now();
  await server.close();
  const results = await Promise.all(calls);
  assert.ok(results.every((r) => r instanceof Error));
  assert.ok(Date.now() - started < 2000, 'close() must not wait for pending delays');
});

test('prompt cache, OpenAI: the longest prefix an earlier prompt shared, from 1,024 tokens in steps of 128, through the SDK', async () => {
  const server = await start(() => 'ok', { promptCache: true });
  const client = openai(server);
  const system = { role: 'system' as const, content: 's'.repeat(6_000) }; // 1,500 tokens
  const first = await client.chat.completions.create({ model: 'm', messages: [system, { role: 'user', content: 'first question' }] });
  assert.equal(first.usage?.prompt_tokens_details?.cached_tokens, 0, 'nothing was cached before');
  const second = await client.chat.completions.create({ model: 'm', messages: [system, { role: 'user', content: 'first answer, then more' }] });
  // 6,000 + 6 shared characters ("first ") = 1,501 tokens: 1,024 + 3 * 128.
  assert.equal(second.usage?.prompt_tokens_details?.cached_tokens, 1_408);
  assert.equal(second.usage?.prompt_tokens, Math.ceil((6_000 + 'first answer, then more'.length) / 4), 'prompt tokens count the cached ones too');
  const other = await client.chat.completions.create({ model: 'other', messages: [system, { role: 'user', content: 'x' }] });
  assert.equal(other.usage?.prompt_tokens_details?.cached_tokens, 0, 'caches are per model');
  const short = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 's'.repeat(4_000) }] });
  assert.equal(short.usage?.prompt_tokens_details?.cached_tokens, 0, 'under 1,024 tokens nothing is read');
});

test('prompt cache, Anthropic: only up to cache_control breakpoints; reads what an earlier breakpoint wrote, writes the rest', async () => {
  const server = await start(() => 'ok', { promptCache: true });
  const client = anthropic(server);
  const system = [{ type: 'text' as const, text: 's'.repeat(6_000), cache_control: { type: 'ephemeral' as const } }];
  const turn = (text: string) => ({ role: 'user' as const, content: [{ type: 'text' as const, text, cache_control: { type: 'ephemeral' as const } }] });
  const first = await client.messages.create({ model: 'm', max_tokens: 100, system, messages: [turn('u'.repeat(2_000))] });
  assert.deepEqual([first.usage.cache_read_input_tokens, first.usage.cache_creation_input_tokens, first.usage.input_tokens], [0, 2_000, 0]);
  const second = await client.messages.create({
    model: 'm', max_tokens: 100, system,
    messages: [{ role: 'user', content: 'u'.repeat(2_000) }, { role: 'assistant', content: 'a'.repeat(400) }, turn('v'.repeat(400))],
  });
  assert.deepEqual([second.usage.cache_read_input_tokens, second.usage.cache_creation_input_tokens, second.usage.input_tokens], [2_000, 200, 0]);
  const unmarked = await client.messages.create({ model: 'm', max_tokens: 100, system: 's'.repeat(6_000), messages: [{ role: 'user', content: 'u'.repeat(2_000) }] });
  assert.deepEqual([unmarked.usage.cache_read_input_tokens, unmarked.usage.cache_creation_input_tokens, unmarked.usage.input_tokens], [0, 0, 2_000], 'no breakpoint: no caching');
});
