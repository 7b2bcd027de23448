// The editor's language models as a ChatModel: the adapter the extension uses, driven through a fake shaped like
// vscode.lm (CancellationToken, async-iterable text, LanguageModelError codes). The retry machinery itself is
// tested in core (test/core/models/editorModel.test.ts); here, what the adapter adds: message mapping, the
// classifier of the editor's errors, and cancellation reaching the editor's token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelError, type RetryInfo } from '../../../src/core/models/types';
import { editorChatModel, editorFailures, type EditorLmApi } from '../../../src/extension/models/editorModel';
import { FakeCancellationTokenSource, FakeEditorModel, FakeLanguageModelError, type FakeEditorMessage, type FakeEditorReply } from '../../fakes/FakeEditorModel';

const api: EditorLmApi<FakeEditorMessage> = {
  message: (role, content) => ({ role, content }),
  cancellationSource: () => new FakeCancellationTokenSource(),
};
const fast = { policy: { baseDelayMs: 1, maxDelayMs: 2 } };
const ask = [{ role: 'system' as const, content: 'You read code.' }, { role: 'user' as const, content: 'What is main?' }, { role: 'assistant' as const, content: 'Let me look.' }];

function scripted(...replies: FakeEditorReply[]): FakeEditorModel {
  return new FakeEditorModel('copilot-gpt', (i) => replies[Math.min(i, replies.length - 1)]!, 'Copilot GPT');
}

test('streams the reply, maps system text to user text (the API has no system role), estimates usage', async () => {
  const lm = scripted({ text: 'main() starts the server.', chunkChars: 5 });
  const model = editorChatModel(lm, api);
  assert.equal(model.provider, 'vscode-lm');
  assert.equal(model.name, 'copilot-gpt');
  assert.equal(model.contextWindow, 64_000);
  const deltas: string[] = [];
  const completion = await model.complete({ messages: ask, onText: (d) => deltas.push(d) });
  assert.equal(completion.text, 'main() starts the server.');
  assert.equal(deltas.length, 5);
  assert.equal(completion.usage.estimated, true);
  assert.deepEqual(lm.requests[0], [{ role: 'user', content: 'You read code.' }, { role: 'user', content: 'What is main?' }, { role: 'assistant', content: 'Let me look.' }]);
});

test('the editor\'s permanent errors end at once with a fix; its unknown failures are retried', async () => {
  for (const [code, kind, text] of [
    ['NoPermissions', 'auth', /has not allowed this extension/],
    ['Blocked', 'rate_limited', /blocked requests.*Select Provider and Model/],
    ['NotFound', 'bad_request', /not available in the editor any more/],
  ] as const) {
    const lm = scripted({ error: new FakeLanguageModelError('', code) });
    const err = await editorChatModel(lm, api, fast).complete({ messages: ask }).catch((e) => e);
    assert.ok(err instanceof ModelError);
    assert.equal(err.kind, kind);
    assert.match(err.message, text);
    assert.equal(lm.requests.length, 1, `${code} is not retried`);
  }
  const flaky = scripted({ error: new FakeLanguageModelError('', 'Unknown', { cause: new Error('upstream 503') }) }, { text: 'ok' });
  const retries: RetryInfo[] = [];
  assert.equal((await editorChatModel(flaky, api, fast).complete({ messages: ask, onRetry: (r) => retries.push(r) })).text, 'ok');
  assert.equal(retries[0]!.reason, 'Unknown: upstream 503', 'the cause speaks when the editor says nothing');
});

test('a provider failure relayed as a plain Error is retried, then reported; a TypeError is a bug and is rethrown untouched', async () => {
  const lm = scripted({ error: new Error('Server error: 500') as never });
  const err = await editorChatModel(lm, api, { policy: { retries: 2, baseDelayMs: 1 } }).complete({ messages: ask }).catch((e) => e);
  assert.equal(err.kind, 'server');
  assert.equal(err.message, 'The editor\'s model "copilot-gpt" failed after 3 tries (Server error: 500). Try again later, or pick another model.');
  const classify = editorFailures('m');
  const bug = new TypeError('x is not a function');
  assert.equal(classify(bug), undefined);
  assert.equal(classify('a string'), undefined);
});

test('a prompt too long for the editor\'s model is not retried: it will not fit the next time either', async () => {
  const lm = scripted({ error: new FakeLanguageModelError('Message exceeds token limit.', 'Unknown') });
  const err = await editorChatModel(lm, api, fast).complete({ messages: ask }).catch((e) => e);
  assert.equal(err.kind, 'context_overflow');
  assert.equal(lm.requests.length, 1);
});

test('cancelling cancels the editor\'s token and ends at once', async () => {
  const lm = scripted({ text: 'late', delayMs: 10_000 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 30);
  const started = Date.now();
  const err = await editorChatModel(lm, api).complete({ messages: ask, signal: controller.signal }).catch((e) => e);
  assert.equal(err.kind, 'cancelled');
  assert.ok(Date.now() - started < 1000);
  assert.equal(lm.cancelledRequests, 1);
  assert.equal(lm.inFlight, 0);
});
