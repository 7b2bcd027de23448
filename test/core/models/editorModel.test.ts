// A provider that is not an HTTP SDK gets the same retries, limiter and cancellation as OpenAI and Anthropic by
// handing completeWithRetries an attempt function and its own error classifier. The provider here is the
// extension's adapter of the editor's language-model API (src/extension/models/editorModel.ts, written against the
// API's shapes), driven through a fake of it (CancellationToken, async-iterable text, LanguageModelError codes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConcurrencyLimiter } from '../../../src/core/models/limiter';
import { estimateMessageTokens, estimateTokensOfChars, estimateUsage } from '../../../src/core/models/usage';
import { ModelError, type ChatModel, type CompletionRequest, type RetryInfo } from '../../../src/core/models/types';
import { editorChatModel as editorModel, type EditorLmApi, type EditorModelOptions } from '../../../src/extension/models/editorModel';
import { FakeCancellationTokenSource, FakeEditorModel, FakeLanguageModelError, type FakeEditorMessage, type FakeEditorReply } from '../../fakes/FakeEditorModel';

const api: EditorLmApi<FakeEditorMessage> = {
  message: (role, content) => ({ role, content }),
  cancellationSource: () => new FakeCancellationTokenSource(),
};

function editorChatModel(lm: FakeEditorModel, options: EditorModelOptions = {}): ChatModel {
  return editorModel(lm, api, options);
}

// ---- The tests ------------------------------------------------------------------------------------------

const ask = [{ role: 'system' as const, content: 'You read code.' }, { role: 'user' as const, content: 'What does main() do?' }];
const transient = () => new FakeLanguageModelError('connection reset by the model host', 'Unknown', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });

function scripted(...replies: FakeEditorReply[]): FakeEditorModel {
  return new FakeEditorModel('copilot-fake', (i) => replies[Math.min(i, replies.length - 1)]!);
}

test('streams the answer through onText and estimates usage, as the editor reports none', async () => {
  const lm = scripted({ text: 'main() parses the flags and starts the server.', chunkChars: 6 });
  const deltas: string[] = [];
  const completion = await editorChatModel(lm).complete({ messages: ask, onText: (d) => deltas.push(d) });
  assert.equal(completion.text, 'main() parses the flags and starts the server.');
  assert.equal(deltas.join(''), completion.text);
  assert.equal(deltas.length, 8);
  assert.equal(completion.usage.estimated, true);
  assert.deepEqual(lm.requests[0]!.map((m) => m.role), ['user', 'user']);
});

test('a transient error is retried with the policy backoff, then the answer arrives', async () => {
  const lm = scripted({ error: transient() }, { text: 'ok', failAfterChars: { chars: 0, error: transient() } }, { text: 'fine' });
  const retries: RetryInfo[] = [];
  const attempts: number[] = [];
  const started = Date.now();
  const completion = await editorChatModel(lm, { policy: { baseDelayMs: 60, maxDelayMs: 1000 }, random: () => 1 })
    .complete({ messages: ask, onRetry: (r) => retries.push(r), onAttempt: (a) => attempts.push(a.attempt) });
  const elapsed = Date.now() - started;
  assert.equal(completion.text, 'fine');
  assert.equal(lm.requests.length, 3);
  assert.deepEqual(attempts, [1, 2, 3]);
  assert.deepEqual(retries.map((r) => [r.attempt, r.delayMs]), [[2, 60], [3, 120]], 'the ceiling doubles; random() = 1 takes all of it');
  assert.equal(retries[0]!.reason, 'Unknown: connection reset by the model host');
  assert.ok(elapsed >= 170, `waited ${elapsed} ms for backoffs of 60 + 120 ms`);
});

test('a transient error that persists gives up after the policy retries with the provider message', async () => {
  const lm = scripted({ error: transient() });
  const err = await editorChatModel(lm, { policy: { retries: 2, baseDelayMs: 1 } }).complete({ messages: ask }).catch((e) => e);
  assert.ok(err instanceof ModelError);
  assert.equal(err.kind, 'server');
  assert.equal(err.message, `The editor's model "copilot-fake" failed after 3 tries (connection reset by the model host). Try again later, or pick another model.`);
  assert.equal(lm.requests.length, 3);
  assert.equal(err.spent, undefined, 'no attempt got a reply');
});

test('NoPermissions, Blocked and NotFound are permanent: one request, a clear error, no retry', async () => {
  for (const [code, kind, text] of [
    ['NoPermissions', 'auth', /has not allowed this extension/],
    ['Blocked', 'rate_limited', /blocked requests/],
    ['NotFound', 'bad_request', /not available in the editor/],
  ] as const) {
    const lm = scripted({ error: new FakeLanguageModelError(`${code} from the editor`, code) });
    const retries: RetryInfo[] = [];
    const err = await editorChatModel(lm, { policy: { baseDelayMs: 1 } }).complete({ messages: ask, onRetry: (r) => retries.push(r) }).catch((e) => e);
    assert.ok(err instanceof ModelError, code);
    assert.equal(err.kind, kind, code);
    assert.match(err.message, text);
    assert.equal(lm.requests.length, 1, `${code} is not retried`);
    assert.deepEqual(retries, []);
  }
});

test('an error that is not the editor\'s (a bug) is rethrown untouched, without retries', async () => {
  const bug = new TypeError('messages.map is not a function');
  const lm = new FakeEditorModel('m', () => {
    throw bug;
  });
  assert.equal(await editorChatModel(lm).complete({ messages: ask }).catch((e) => e), bug);
});

test('cancelling during the backoff ends at once, before the next attempt', async () => {
  const lm = scripted({ error: transient() });
  const controller = new AbortController();
  const attempts: number[] = [];
  const started = Date.now();
  const err = await editorChatModel(lm, { policy: { baseDelayMs: 10_000, maxDelayMs: 10_000 }, random: () => 1 })
    .complete({ messages: ask, signal: controller.signal, onAttempt: (a) => attempts.push(a.attempt), onRetry: () => setTimeout(() => controller.abort(), 50) })
    .catch((e) => e);
  assert.ok(err instanceof ModelError);
  assert.equal(err.kind, 'cancelled');
  assert.equal(err.message, 'The request to the editor (model "copilot-fake") was cancelled.');
  assert.ok(Date.now() - started < 1000, 'did not sit out the 10 s backoff');
  assert.deepEqual(attempts, [1]);
  assert.equal(lm.requests.length, 1);
  assert.equal(err.spent, undefined, 'the one attempt failed before any reply');
});

test('cancelling in flight cancels the editor request and reports the prompt as spent', async () => {
  const lm = scripted({ text: 'late', delayMs: 10_000 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const started = Date.now();
  const err = await editorChatModel(lm).complete({ messages: ask, signal: controller.signal }).catch((e) => e);
  assert.equal(err.kind, 'cancelled');
  assert.ok(Date.now() - started < 1000);
  assert.equal(lm.cancelledRequests, 1, 'the editor saw its token cancelled');
  assert.equal(lm.inFlight, 0);
  assert.deepEqual(err.spent, { inputTokens: estimateMessageTokens(ask), outputTokens: 0, estimated: true });
});

test('cancelling mid-stream charges the text streamed so far', async () => {
  const lm = scripted({ text: 'x'.repeat(400), chunkChars: 10, chunkDelayMs: 20 });
  const controller = new AbortController();
  let streamed = '';
  const err = await editorChatModel(lm).complete({
    messages: ask,
    signal: controller.signal,
    onText: (d) => {
      streamed += d;
      if (streamed.length >= 50) controller.abort();
    },
  }).catch((e) => e);
  assert.equal(err.kind, 'cancelled');
  assert.equal(streamed.length, 50);
  assert.equal(lm.cancelledRequests, 1);
  assert.deepEqual(err.spent, { inputTokens: estimateMessageTokens(ask), outputTokens: estimateTokensOfChars(50), estimated: true });
});

test('a stalled stream times out on silence and is retried', async () => {
  const lm = scripted({ text: 'abcdefghij'.repeat(3), stallAfterChars: 10 }, { text: 'second try' });
  const retries: RetryInfo[] = [];
  const completion = await editorChatModel(lm, { policy: { timeoutMs: 150, baseDelayMs: 1 } }).complete({ messages: ask, onRetry: (r) => retries.push(r) });
  assert.equal(completion.text, 'second try');
  assert.equal(lm.cancelledRequests, 1, 'the stalled request was cancelled');
  assert.equal(retries[0]!.reason, 'timed out (no data for 150 ms)');
});

test('the limiter caps requests in flight; a call cancelled while queued never reaches the editor', async () => {
  const lm = scripted({ text: 'ok', delayMs: 40 });
  const model = editorChatModel(lm, { limiter: new ConcurrencyLimiter(2) });
  const attemptsStarted: number[] = [];
  const calls = Array.from({ length: 6 }, (_, i) => model.complete({ messages: [{ role: 'user', content: `q${i}` }], onAttempt: () => attemptsStarted.push(i) }));
  const controller = new AbortController();
  const queued = model.complete({ messages: [{ role: 'user', content: 'never sent' }], signal: controller.signal, onAttempt: () => attemptsStarted.push(99) });
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(attemptsStarted, [0, 1], 'onAttempt fires when a slot is granted, not when the call is made');
  controller.abort();
  const err = await queued.catch((e) => e);
  assert.equal(err.kind, 'cancelled');
  assert.equal(err.spent, undefined, 'nothing was sent');
  assert.ok((await Promise.all(calls)).every((c) => c.text === 'ok'));
  assert.equal(lm.maxInFlight, 2);
  assert.equal(lm.requests.length, 6);
  assert.ok(!attemptsStarted.includes(99));
});
