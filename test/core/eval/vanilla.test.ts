// The plain model's prompt: a context larger than the window is cut in the middle (head and tail kept) to fit,
// the cut is reported with the result, and a server that still finds the prompt too long gets a shorter one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvalTask } from '../../../src/core/eval/EvalTask';
import { runJob } from '../../../src/core/eval/runJob';
import { cutMiddle, vanillaPrompt, VANILLA_REPLY_TOKENS, WINDOW_SHARE } from '../../../src/core/eval/vanillaPrompt';
import { createModel } from '../../../src/core/models/createModel';
import { estimateMessageTokens } from '../../../src/core/models/usage';
import { FakeModelServer, type FakeResponder } from '../../fakes/FakeModelServer';
import { needleModels } from '../../support/evalModels';

test('a context that fits goes whole; a larger one keeps its head and tail and says how much of the middle is gone', () => {
  const small = vanillaPrompt('Q?', 'short context', 8_000);
  assert.equal(small.cut, undefined);
  assert.match(small.messages[1]!.content, /<context>\nshort context\n<\/context>\n\nQuestion: Q\?$/);

  const context = 'HEAD-' + 'x'.repeat(200_000) + '-TAIL';
  const { messages, cut } = vanillaPrompt('Q?', context, 8_000);
  assert.ok(cut);
  assert.equal(cut.how, 'head+tail');
  assert.equal(cut.contextChars, context.length);
  assert.equal(cut.keptChars + cut.cutChars, context.length);
  assert.equal(cut.contextWindow, 8_000);
  const user = messages[1]!.content;
  assert.ok(user.includes('<context>\nHEAD-x') && user.includes('x-TAIL\n</context>'));
  assert.match(user, /\[\.\.\. [\d,]+ characters of the context left out here: it does not fit the model's window \.\.\.\]/);
  // By the project's estimate the prompt fills at most the window's share, leaving the reply its room.
  assert.ok(estimateMessageTokens(messages) <= 8_000 * WINDOW_SHARE - VANILLA_REPLY_TOKENS + 40, `${estimateMessageTokens(messages)} tokens`);
  assert.ok(estimateMessageTokens(messages) > 8_000 * WINDOW_SHARE - VANILLA_REPLY_TOKENS - 40);

  const halves = cutMiddle('abcdefghij'.repeat(100), 400);
  assert.ok(halves.text.length <= 400 && halves.text.startsWith('abcdefghij') && halves.text.endsWith('abcdefghij'));
});

function needleTask(depth: number, chars: number): EvalTask {
  const filler = 'The ferryman repainted the narrow bridge before the rain came. ';
  const body = filler.repeat(Math.ceil(chars / filler.length)).slice(0, chars);
  const at = Math.floor(chars * depth);
  const text = body.slice(0, at) + 'The special magic number for amber-harbor-12 is 4821934. ' + body.slice(at);
  return { id: `needle-${depth}`, suite: 'needle-text', question: 'Somewhere in the text is a special magic number for amber-harbor-12. What is it?', context: { kind: 'text', text }, answer: '4821934', scorer: 'contains', sizeTokens: Math.ceil(text.length / 4) };
}

async function vanillaJob(task: EvalTask, responder: FakeResponder, contextWindow: number) {
  const server = await FakeModelServer.start(responder, { models: ['root-model'] });
  try {
    const root = await createModel({ provider: 'openai', baseUrl: server.openaiBaseUrl, apiKey: 'sk-test', model: 'root-model', contextWindow, retries: 0 });
    const result = await runJob(task, 'vanilla', 1, {
      models: { root, sub: root }, costOf: () => 0, limits: {}, outDir: mkdtempSync(join(tmpdir(), 'rlm-vanilla-')),
      workspaces: () => Promise.reject(new Error('no workspace')), signal: new AbortController().signal, onSpend: () => undefined,
    });
    return { result: result!, requests: server.requests };
  } finally {
    await server.close();
  }
}

test('through the real SDK: the server gets the cut prompt; a needle in the cut middle is lost, one near the head is found', async () => {
  const middle = await vanillaJob(needleTask(0.5, 200_000), needleModels(), 8_000);
  assert.equal(middle.requests.length, 1);
  const sent = middle.requests[0]!.messages.map((m) => m.content).join('');
  assert.ok(sent.length < 8_000 * 4 * WINDOW_SHARE, `${sent.length} characters sent for an 8k window`);
  assert.equal(middle.result.score, 0);
  assert.ok(middle.result.cut && middle.result.cut.cutChars > 150_000);
  assert.equal(middle.result.stopReason, 'final');

  const early = await vanillaJob(needleTask(0.02, 200_000), needleModels(), 8_000);
  assert.equal(early.result.score, 1);
  assert.equal(early.result.answer, 'The special magic number is 4821934.');
  assert.ok(early.result.cut);
  assert.equal(early.result.usage.root.calls, 1);
  assert.equal(early.result.usage.sub.calls, 0);
});

test('a server that finds the cut prompt still too long gets a shorter one (twice at most), then the error is the result', async () => {
  const limit = 8_000;
  const refuseLong: FakeResponder = (req) => {
    const chars = req.messages.reduce((n, m) => n + m.content.length, 0);
    return chars > limit ? { status: 400, text: `This model's maximum context length is exceeded (${chars} characters)` } : needleModels()(req);
  };
  const { result, requests } = await vanillaJob(needleTask(0.01, 100_000), refuseLong, 8_000);
  assert.equal(requests.length, 2, 'one refusal, then a shorter prompt');
  assert.equal(result.score, 1);
  assert.ok(result.cut!.keptChars <= limit);

  const never: FakeResponder = () => ({ status: 400, text: 'maximum context length exceeded' });
  const failed = await vanillaJob(needleTask(0.01, 100_000), never, 8_000);
  assert.equal(failed.requests.length, 3);
  assert.equal(failed.result.stopReason, 'error');
  assert.match(failed.result.detail!, /too long/);
  assert.equal(failed.result.score, 0);
});
