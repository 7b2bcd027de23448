// Unknown prices through `rlm ask` as a user runs it (the built dist/cli.js against the fake server): a model
// with no price shows its cost as unknown, --max-requests caps it (default 300, said in --help), a server that
// lists prices (OpenRouter's /models) prices its models, and --prices wins over both.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeModelServer } from '../fakes/FakeModelServer';
import { cliEnv, runCli } from '../support/cli';
import { code } from '../support/scriptedModels';

const env = cliEnv();
const rlm = (args: string[]) => runCli(args, env);

function contextFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rlm-cap-')), 'notes.txt');
  writeFileSync(file, 'The retry delay doubles each time, up to 30 seconds.\n');
  return file;
}

/** A root model that guesses first, then fans out eight sub-calls, then would answer. */
const fanOut = (rootModel: string) => (req: { model: string; messages: Array<{ role: string }> }) => {
  if (req.model !== rootModel) return { text: 'seen', usage: { input: 1000, output: 100 } };
  const turns = req.messages.filter((m) => m.role === 'assistant').length;
  return turns === 0
    ? { text: code('First guess: FINAL("it doubles") . Checking.', 'print(await llm_query_batched(Array.from({length: 8}, (_, i) => "part " + i)))'), usage: { input: 1000, output: 100 } }
    : { text: code('Done.', 'FINAL("it doubles, up to 30 s")'), usage: { input: 1000, output: 100 } };
};

test('a model with no known price: cost unknown, --max-requests stops the run mid-batch with its best answer (exit 3)', async () => {
  const server = await FakeModelServer.start(fanOut('local-root'), { models: ['local-root'] });
  try {
    const r = await rlm(['ask', 'How is the delay chosen?', '--context-file', contextFile(), '--base-url', server.openaiBaseUrl, '--model', 'local-root', '--concurrency', '2', '--max-requests', '4', '--json']);
    assert.equal(r.code, 3, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.stopReason, 'max_requests');
    assert.equal(out.answer, 'it doubles');
    assert.match(out.detail, /limit of 4 requests to models without a known price/);
    assert.equal(out.usage.total.costUsd, 0);
    assert.equal(out.usage.total.unpriced, 4, 'what the dollar cap could not see is counted');
    assert.equal(server.requests.length, 4, 'one root turn and three sub-calls; the rest of the batch never went out');

    const text = await rlm(['ask', 'How is the delay chosen?', '--context-file', contextFile(), '--base-url', server.openaiBaseUrl, '--model', 'local-root', '--concurrency', '2', '--max-requests', '4']);
    assert.equal(text.code, 3);
    assert.match(text.stderr, /unknown \(\d+ requests? without a price\)/, 'the progress line says unknown, never $0.0000');
    assert.doesNotMatch(text.stderr, /\$0\.0000 ·/);
    assert.match(text.stderr, /Raise --max-requests \(0 for no cap\), or give the model a price with --prices/);
  } finally {
    await server.close();
  }
});

test('the default cap is 300 and --help says so; 0 lifts it', async () => {
  const help = await rlm(['--help']);
  assert.match(help.stdout + help.stderr, /--max-requests \(default 300, 0 for\s+none\)/);
  const server = await FakeModelServer.start(fanOut('local-root'), { models: ['local-root'] });
  try {
    const r = await rlm(['ask', 'q', '--context-file', contextFile(), '--base-url', server.openaiBaseUrl, '--model', 'local-root', '--max-requests', '0', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).usage.total.unpriced, 10);
  } finally {
    await server.close();
  }
});

test('prices the server lists (OpenRouter\'s /models) are used; --prices wins over them; a priced model is not request-capped', async () => {
  const server = await FakeModelServer.start(fanOut('vendor/root-1'), {
    models: ['vendor/root-1'],
    prices: { 'vendor/root-1': { prompt: '0.000002', completion: '0.00001' } },
  });
  try {
    const r = await rlm(['ask', 'q', '--context-file', contextFile(), '--base-url', server.openaiBaseUrl, '--model', 'vendor/root-1', '--max-requests', '4', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.stopReason, 'final', 'ten requests: the cap of 4 does not apply to a priced model');
    assert.equal(out.usage.total.unpriced, undefined);
    // Ten calls of 1,000 tokens in and 100 out at $2 and $10 per 1M.
    assert.ok(Math.abs(out.usage.total.costUsd - 10 * (1000 * 2 + 100 * 10) / 1e6) < 1e-9, String(out.usage.total.costUsd));

    const prices = join(mkdtempSync(join(tmpdir(), 'rlm-prices-')), 'prices.json');
    writeFileSync(prices, JSON.stringify({ 'vendor/root-1': { input: 20, output: 100 } }));
    const yours = JSON.parse((await rlm(['ask', 'q', '--context-file', contextFile(), '--base-url', server.openaiBaseUrl, '--model', 'vendor/root-1', '--prices', prices, '--json'])).stdout);
    assert.ok(Math.abs(yours.usage.total.costUsd - 10 * (1000 * 20 + 100 * 100) / 1e6) < 1e-9, String(yours.usage.total.costUsd));
  } finally {
    await server.close();
  }
});
