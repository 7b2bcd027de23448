// The retry schedule and the SDK classifier's wording, without a network: backoff, retry-after parsing, messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { DEFAULT_RETRY_POLICY, backoffDelay, completeWithRetries, sleep } from '../../../src/core/models/retry';
import { classifySdkError, isRetryable, retryAfterMs, sdkFailures, type Endpoint } from '../../../src/core/models/sdkFailures';
import { ModelError } from '../../../src/core/models/types';

const openaiEndpoint: Endpoint = { provider: 'openai', url: 'https://api.openai.com/v1', custom: false, model: 'gpt-5', keyEnv: 'OPENAI_API_KEY', secrets: ['sk-live-999999'] };

function statusError(status: number, headers: Record<string, string> = {}, body: object = { message: 'nope' }) {
  return OpenAI.APIError.generate(status, { error: body }, undefined, new Headers(headers));
}

test('full jitter: the wait is uniform under a doubling ceiling, capped', () => {
  const failure = {};
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 500, maxDelayMs: 8000 };
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(failure, n, policy, () => 1)), [500, 1000, 2000, 4000, 8000, 8000]);
  assert.equal(backoffDelay(failure, 3, policy, () => 0), 0);
  assert.equal(backoffDelay(failure, 3, policy, () => 0.5), 1000);
});

test('retry-after: seconds, HTTP date, milliseconds; capped by the policy', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryAfterMs(new Headers({ 'retry-after': '2' }), now), 2000);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': '0.5' }), now), 500);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now), 7000);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now), 0);
  assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now), 250);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now), undefined);
  assert.equal(retryAfterMs(new Headers(), now), undefined);
  const failure = sdkFailures(OpenAI, openaiEndpoint)(statusError(429, { 'retry-after': '3600' }))!;
  assert.equal(failure.retryAfterMs, 3_600_000);
  assert.equal(backoffDelay(failure, 1, DEFAULT_RETRY_POLICY), 60_000);
});

test('what is retried: 408, 409, 429, 5xx and network faults; never 400/401/403/404 or out-of-quota', () => {
  const retryable = (status: number, body?: object) => isRetryable(classifySdkError(statusError(status, {}, body), OpenAI)!);
  assert.deepEqual([408, 409, 429, 500, 502, 503, 529].map((s) => retryable(s)), [true, true, true, true, true, true, true]);
  assert.deepEqual([400, 401, 403, 404, 422].map((s) => retryable(s)), [false, false, false, false, false]);
  assert.equal(retryable(429, { message: 'You exceeded your current quota', code: 'insufficient_quota' }), false);
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  assert.deepEqual(classifySdkError(new OpenAI.APIConnectionError({ cause: new TypeError('fetch failed', { cause: refused }) }), OpenAI), { kind: 'unreachable', code: 'ECONNREFUSED' });
  assert.equal(classifySdkError(new RangeError('our bug'), OpenAI), undefined);
  assert.equal(classifySdkError(Object.assign(new Error('no such file'), { code: 'ENOENT' }), OpenAI), undefined, 'only network codes count');
  const classify = sdkFailures(OpenAI, openaiEndpoint);
  assert.deepEqual([429, 404].map((s) => classify(statusError(s))!.retryable), [true, false], 'the classifier carries the same judgement');
  assert.equal(classify(new RangeError('our bug')), undefined);
});

test('messages say what happened and what to do, and hide the key', () => {
  const msg = (status: number, body?: object) => sdkFailures(OpenAI, openaiEndpoint)(statusError(status, {}, body))!.giveUp(5).message;
  assert.equal(msg(401), 'OpenAI returned 401 Unauthorized: check OPENAI_API_KEY.');
  assert.match(msg(403, { message: 'key sk-live-999999 lacks scope' }), /403 Forbidden for model "gpt-5".*key \[redacted\] lacks scope.*Check OPENAI_API_KEY/);
  assert.equal(msg(429), 'OpenAI is still rate limiting (429) after 5 tries (nope). Lower the concurrency, or wait a minute and try again.');
  assert.match(msg(429, { message: 'quota', code: 'insufficient_quota' }), /out of quota.*billing/);
  assert.match(msg(400, { message: 'bad param temperature' }), /rejected the request for model "gpt-5" \(400: bad param temperature\)/);
  const refused = new OpenAI.APIConnectionError({ cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  const local = sdkFailures(OpenAI, { ...openaiEndpoint, provider: 'openai-compatible', url: 'http://127.0.0.1:9/v1', custom: true })(refused)!.giveUp(5);
  assert.equal(local.message, 'Could not reach http://127.0.0.1:9/v1 (ECONNREFUSED) after 5 tries. Is the server running? Check --base-url.');
  assert.ok(local instanceof ModelError && local.kind === 'unreachable');
});

test('completeWithRetries gives up after the policy retries and rethrows our own bugs untouched', async () => {
  let tries = 0;
  const options = { classify: sdkFailures(OpenAI, openaiEndpoint), service: 'OpenAI', model: 'gpt-5', policy: { retries: 2, baseDelayMs: 1 } };
  const request = { messages: [{ role: 'user' as const, content: 'x' }] };
  const err: ModelError = await completeWithRetries(request, async () => {
    tries++;
    throw statusError(502);
  }, options).catch((e) => e);
  assert.equal(tries, 3);
  assert.match(err.message, /failed with 502 after 3 tries/);
  assert.equal(err.spent, undefined, 'an error status is not a reply: nothing spent');
  const bug = new RangeError('our bug');
  assert.equal(await completeWithRetries(request, async () => {
    throw bug;
  }, options).catch((e) => e), bug);
});

test('sleep ends early on abort', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 20);
  const started = Date.now();
  assert.equal(await sleep(10_000, controller.signal), false);
  assert.ok(Date.now() - started < 1000);
  assert.equal(await sleep(1), true);
});

test('an attempt that ignores its signal does not hold the call: cancellation and silence end it at once, its late text is dropped', async () => {
  // VS Code 1.117's vscode.lm forwards no cancellation to a provider that has begun: the request stays open.
  const options = { classify: sdkFailures(OpenAI, openaiEndpoint), service: 'the editor', model: 'e2e', policy: { retries: 0, timeoutMs: 150 } };
  const texts: string[] = [];
  let lateText: ((delta: string) => void) | undefined;
  const deaf = (attempt: { onText(delta: string): void }) => {
    lateText = attempt.onText;
    attempt.onText('partial ');
    return new Promise<never>(() => undefined);
  };
  const controller = new AbortController();
  const request = { messages: [{ role: 'user' as const, content: 'x' }], signal: controller.signal, onText: (d: string) => texts.push(d) };
  setTimeout(() => controller.abort(), 30);
  let started = Date.now();
  const cancelled: ModelError = await completeWithRetries(request, deaf, { ...options, policy: { ...options.policy, timeoutMs: 60_000 } }).catch((e) => e);
  assert.ok(Date.now() - started < 500, `cancelled after ${Date.now() - started} ms`);
  assert.equal(cancelled.kind, 'cancelled');
  assert.ok(cancelled.spent, 'the partial reply counts as spent');
  lateText!('late');
  assert.deepEqual(texts, ['partial '], 'text after the end is not passed on');

  started = Date.now();
  const silent: ModelError = await completeWithRetries({ messages: request.messages }, deaf, options).catch((e) => e);
  assert.ok(Date.now() - started < 1000, `gave up on silence after ${Date.now() - started} ms`);
  assert.match(silent.message, /did not answer in time after 1 try \(no data for 150 ms\)/);
});
