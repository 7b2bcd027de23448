// Traces of real runs (scripted models over the fake server, the real engine) exported as training data: the
// conversation is the one the root model was sent, each format's schema holds, filters and deduplication
// work, traces whose receipt does not verify are skipped with a note, and credentials are redacted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportTraces } from '../../../src/core/export/exportTraces';
import { redactSecrets } from '../../../src/core/redact';
import { RlmSession } from '../../../src/core/loop/RlmSession';
import { TraceWriter } from '../../../src/core/trajectory/TraceWriter';
import { code, scripted, TEST_KEY, type RootTurn } from '../../support/scriptedModels';

const LEAKED = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123';

/** Runs one question over scripted models with a trace file; returns the file and what the root model was sent. */
async function tracedRun(dir: string, name: string, root: RootTurn[], maxIterations = 5, priced = true) {
  const s = await scripted(root, (req) => `the sub-model read ${req.messages.at(-1)!.content.length} characters; key ${TEST_KEY}`);
  const session = await RlmSession.create({
    models: s.models, context: { kind: 'text', text: 'alpha beta gamma '.repeat(100) }, limits: { maxIterations },
    costOf: (_model, usage) => (priced ? (usage.inputTokens + usage.outputTokens) / 1e6 : undefined), secrets: [TEST_KEY],
  });
  const file = join(dir, name);
  const trajectory = session.newTrajectory();
  const writer = new TraceWriter(trajectory, file);
  try {
    const result = await session.ask('How many words?', { trajectory });
    return { file, result, sent: s.rootRequests().map((r) => r.messages) };
  } finally {
    writer.close();
    session.dispose();
    await s.close();
  }
}

async function fixtures() {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-export-'));
  const final = await tracedRun(dir, 'final.rlm.jsonl', [
    code('Count, and ask the sub-model.', `const words = context.split(/\\s+/).filter(Boolean);\nprint(words.length, "${LEAKED}");\nprint(await llm_query("Summarise: " + context.slice(0, 60)));`),
    code('Done.', 'FINAL(String(words.length))'),
  ]);
  const limited = await tracedRun(dir, 'limited.rlm.jsonl', [code('Look.', 'print(context.length)'), 'FINAL(about 300)'], 1);
  return { dir, final, limited };
}

function readLines(file: string): any[] {
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** OpenAI's chat fine-tuning format: only "messages"; system first, then user and assistant alternating, ending on assistant. */
function checkOpenAiChat(example: any): void {
  assert.deepEqual(Object.keys(example), ['messages']);
  const roles = example.messages.map((m: any) => m.role);
  assert.ok(example.messages.every((m: any) => Object.keys(m).join() === 'role,content' && typeof m.content === 'string' && m.content.length > 0));
  const rest = roles[0] === 'system' ? roles.slice(1) : roles;
  rest.forEach((role: string, i: number) => assert.equal(role, i % 2 === 0 ? 'user' : 'assistant', roles.join(',')));
  assert.equal(roles.at(-1), 'assistant');
}

function checkShareGpt(example: any): void {
  assert.deepEqual(Object.keys(example), ['conversations']);
  const froms = example.conversations.map((m: any) => m.from);
  assert.ok(example.conversations.every((m: any) => Object.keys(m).join() === 'from,value' && typeof m.value === 'string'));
  const rest = froms[0] === 'system' ? froms.slice(1) : froms;
  rest.forEach((from: string, i: number) => assert.equal(from, i % 2 === 0 ? 'human' : 'gpt'));
  assert.equal(froms.at(-1), 'gpt');
}

test('openai-chat: each root run is the conversation the root model was sent, ending on its last turn', async () => {
  const { dir, final, limited } = await fixtures();
  assert.equal(final.result.stopReason, 'final');
  assert.equal(limited.result.stopReason, 'max_iterations');
  const out = join(dir, 'train.jsonl');
  const summary = await exportTraces({ inputs: [dir], format: 'openai-chat', out });
  assert.deepEqual(summary.examples, { runs: 2, childRuns: 0, subCalls: 0 });
  assert.deepEqual(summary.skipped, []);
  const examples = readLines(out);
  assert.equal(examples.length, 2);
  examples.forEach(checkOpenAiChat);
  // final.rlm.jsonl sorts first. Its first two messages and the feedback are exactly what the engine sent.
  const [first] = examples;
  const sentLast = final.sent[1]!;
  assert.equal(first.messages.length, 5);
  assert.equal(first.messages[0].content, final.sent[0]![0]!.content, 'the system prompt');
  assert.equal(first.messages[1].content, final.sent[0]![1]!.content, 'the question and the context\'s metadata');
  assert.equal(first.messages[3].content, sentLast[3]!.content.replace(LEAKED, '[redacted]').replace(TEST_KEY, '[redacted]'), 'the output the model saw, credentials redacted');
  assert.match(first.messages[3].content, /\[cell 1 output\]\n300 \[redacted\]\nthe sub-model read/);
  assert.equal(first.messages[4].content, code('Done.', 'FINAL(String(words.length))'));
  // The run stopped by its limit ends on the answer it gave when asked for its best.
  assert.equal(examples[1].messages.at(-1).content, 'FINAL(about 300)');
  assert.match(examples[1].messages.at(-2).content, /The run stopped because the run used all 1 iterations/);
  for (const e of examples) assert.ok(!JSON.stringify(e).includes(TEST_KEY) && !JSON.stringify(e).includes(LEAKED));
});

test('sharegpt, --only final, --max-cost, --include-subcalls', async () => {
  const { dir } = await fixtures();
  const outDir = mkdtempSync(join(tmpdir(), 'rlm-export-out-'));
  const out = join(outDir, 'share.jsonl');
  const summary = await exportTraces({ inputs: [dir], format: 'sharegpt', out, stopReasons: ['final'], includeSubcalls: true });
  assert.deepEqual(summary.examples, { runs: 1, childRuns: 0, subCalls: 1 });
  assert.deepEqual(summary.skipped.map((s) => [s.file.slice(dir.length + 1), s.reason]), [['limited.rlm.jsonl', 'the run stopped with max_iterations, not final']]);
  const [run, sub] = readLines(out);
  checkShareGpt(run);
  checkShareGpt(sub);
  assert.equal(run.conversations[0].from, 'system');
  assert.deepEqual(sub.conversations.map((m: any) => m.from), ['human', 'gpt']);
  assert.match(sub.conversations[0].value, /^Summarise: alpha beta/);
  assert.match(sub.conversations[1].value, /^the sub-model read \d+ characters; key \[redacted\]$/);

  const cheap = await exportTraces({ inputs: [dir], format: 'openai-chat', out: join(outDir, 'cheap.jsonl'), maxCostUsd: 0.000001 });
  assert.equal(cheap.examples.runs, 0, JSON.stringify(cheap.skipped));
  assert.ok(cheap.skipped.every((s) => /over --max-cost \$0\.000001/.test(s.reason)), JSON.stringify(cheap.skipped));

  // A run whose models had no price cost an unknown amount, not $0: --max-cost cannot let it through.
  const unpriced = mkdtempSync(join(tmpdir(), 'rlm-export-unpriced-'));
  await tracedRun(unpriced, 'unpriced.rlm.jsonl', [code('Done.', 'FINAL("x")')], 5, false);
  const capped = await exportTraces({ inputs: [unpriced], format: 'openai-chat', out: join(outDir, 'capped.jsonl'), maxCostUsd: 100 });
  assert.equal(capped.examples.runs, 0);
  assert.match(capped.skipped[0]!.reason, /^the run's cost is unknown \(1 call without a price\), so it cannot be shown to be under --max-cost$/);
  assert.equal((await exportTraces({ inputs: [unpriced], format: 'openai-chat', out: join(outDir, 'all.jsonl') })).examples.runs, 1, 'without --max-cost it is exported');
});

test('a tampered trace, a duplicate, a trace cut short and a file that is no trace are skipped, each with its reason', async () => {
  const { dir, final } = await fixtures();
  const lines = readFileSync(final.file, 'utf8').split('\n');
  const turnEnd = lines.findIndex((l) => l.includes('"type":"turn_end"'));
  lines[turnEnd] = lines[turnEnd]!.replace('Count, and ask', 'Count, and also ask');
  writeFileSync(join(dir, 'tampered.rlm.jsonl'), lines.join('\n'));
  copyFileSync(final.file, join(dir, 'z-copy.rlm.jsonl'));
  writeFileSync(join(dir, 'cut.rlm.jsonl'), readFileSync(final.file, 'utf8').split('\n').slice(0, 6).join('\n') + '\n');
  writeFileSync(join(dir, 'results.jsonl'), '{"key": "x"}\n');
  const summary = await exportTraces({ inputs: [dir], format: 'openai-chat', out: join(dir, 'out.jsonl') });
  assert.equal(summary.examples.runs, 2);
  const reasons = Object.fromEntries(summary.skipped.map((s) => [s.file.slice(dir.length + 1), s.reason]));
  assert.deepEqual(Object.keys(reasons).sort(), ['cut.rlm.jsonl', 'results.jsonl', 'tampered.rlm.jsonl', 'z-copy.rlm.jsonl']);
  assert.match(reasons['tampered.rlm.jsonl']!, /receipt does not verify/);
  assert.match(reasons['z-copy.rlm.jsonl']!, /the same trace as .*final\.rlm\.jsonl \(same receipt\)/);
  assert.match(reasons['cut.rlm.jsonl']!, /no receipt/);
  assert.match(reasons['results.jsonl']!, /not an RLM trace/);
  await assert.rejects(exportTraces({ inputs: [join(dir, 'missing')], format: 'sharegpt', out: join(dir, 'x.jsonl') }), /Not found: .*missing/);
});

test('credential shapes are redacted, known keys too; ordinary text is left alone', () => {
  const text = [
    'openai sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123 and anthropic sk-ant-api03-abcdefghijklmnopqrstuvwxyz',
    'aws AKIAIOSFODNN7EXAMPLE github ghp_0123456789abcdefghijklmnopqrstuvwxyzAB',
    'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature',
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    'my own key my-secret-value-42 and a task-list of 12 items',
  ].join('\n');
  const out = redactSecrets(text, ['my-secret-value-42', 'short']);
  assert.equal(out, [
    'openai [redacted] and anthropic [redacted]',
    'aws [redacted] github [redacted]',
    'Authorization: Bearer [redacted]',
    '[redacted]',
    'my own key [redacted] and a task-list of 12 items',
  ].join('\n'));
});

test('a workspace run exports the prompt it was sent, edit functions included or not as the host offered them', async () => {
  const { CodeWorkspace } = await import('../../../src/core/workspace/CodeWorkspace');
  const { mkdirSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'rlm-export-ws-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
  const workspace = await CodeWorkspace.openAsync(dir, { cacheDir: false, workers: 1 });
  const out = mkdtempSync(join(tmpdir(), 'rlm-export-ws-out-'));
  try {
    for (const proposeEdits of [true, false]) {
      const s = await scripted([code('Look.', 'print(files().length)'), code('Done.', 'FINAL("one file")')]);
      const session = await RlmSession.create({ models: s.models, context: { kind: 'workspace', workspace }, proposeEdits });
      const file = join(out, `ws-${proposeEdits}.rlm.jsonl`);
      const trajectory = session.newTrajectory();
      const writer = new TraceWriter(trajectory, file);
      try {
        await session.ask('How many files?', { trajectory });
      } finally {
        writer.close();
        session.dispose();
        await s.close();
      }
      const sent = s.rootRequests()[0]!.messages;
      assert.equal(/propose_edit/.test(sent[0]!.content), proposeEdits);
      const train = join(out, `train-${proposeEdits}.jsonl`);
      await exportTraces({ inputs: [file], format: 'openai-chat', out: train });
      const [example] = readLines(train);
      assert.equal(example.messages[0].content, sent[0]!.content, `the system prompt (edits ${proposeEdits ? 'offered' : 'not offered'})`);
      assert.equal(example.messages[1].content, sent[1]!.content, 'the question and the workspace\'s metadata');
    }
  } finally {
    workspace.dispose();
  }
});
