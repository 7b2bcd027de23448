// Huge final answers (FINAL(read('package-lock.json'))): the run keeps the answer whole, its trace holds it once
// (in run_end; the `final` event has its head and tail), a session's snapshot keeps only what the model's history
// needs, and the whole answer is read back from the end of the trace. An answer past the cap is refused to the
// model, which answers again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FINAL_EVENT_ANSWER_CHARS, MAX_ANSWER_CHARS } from '../../../src/core/loop/RlmRun';
import { RlmSession, SNAPSHOT_ANSWER_CHARS } from '../../../src/core/loop/RlmSession';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { readLastRunEnd } from '../../../src/core/trajectory/lastRunEnd';
import { readTraceAsync, TraceFormatError } from '../../../src/core/trajectory/readTrace';
import { TraceWriter } from '../../../src/core/trajectory/TraceWriter';
import { HOST_STALL_LIMIT_MS, watchingTheEventLoop } from '../../support/eventLoop';
import { code, scripted, withSession } from '../../support/scriptedModels';

const MB = 1024 * 1024;

/** About `chars` characters of a package-lock.json: quotes, newlines, nesting. */
function lockfileText(chars: number): string {
  const lines = ['{', '  "name": "shop",', '  "packages": {'];
  for (let i = 0, size = 0; size < chars; i++) {
    const entry = [`    "node_modules/pkg-${i}": {`, `      "version": "1.${i % 50}.${i % 7}",`, `      "resolved": "https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.0.0.tgz",`, '      "dev": true', '    },'];
    lines.push(...entry);
    size += entry.join('\n').length + 1;
  }
  lines.push('  }', '}');
  return lines.join('\n');
}

test('a 5 MB FINAL: the answer whole in the result and in run_end, cut in the final event, cut in the snapshot; read back from the trace\'s end', async () => {
  const lock = lockfileText(5 * MB);
  const dir = mkdtempSync(join(tmpdir(), 'rlm-answers-'));
  const file = join(dir, 'q1.rlm.jsonl');
  const s = await scripted([
    code('Show the lock file.', 'FINAL(context)'),
    (req) => code('A follow-up.', `FINAL(${JSON.stringify(req.messages[1]!.content.includes('characters cut') ? 'history cut' : 'history whole')})`),
  ]);
  await withSession(s, { models: s.models, context: { kind: 'text', text: lock } }, async (session) => {
    const events: RlmEvent[] = [];
    const trajectory = session.newTrajectory();
    const writer = new TraceWriter(trajectory, file);
    const result = await session.ask('Print the lock file', { trajectory, onEvent: (e) => events.push(e) });
    writer.close();
    assert.equal(result.stopReason, 'final');
    assert.equal(result.answer, lock, 'the answer is kept whole');

    const final = events.find((e) => e.type === 'final')!;
    const runEnd = events.find((e) => e.type === 'run_end')!;
    assert.ok(final.type === 'final' && final.answer.length < FINAL_EVENT_ANSWER_CHARS + 200, `the final event carries ${final.type === 'final' ? final.answer.length : 0} characters`);
    assert.ok(final.type === 'final' && final.answer.startsWith(lock.slice(0, 1000)) && final.answer.endsWith(lock.slice(-1000)), 'its head and tail');
    assert.ok(runEnd.type === 'run_end' && runEnd.answer === lock, 'run_end has it whole');
    // Once in the trace: the file is about the answer's size, not twice it.
    const size = statSync(file).size;
    assert.ok(size < lock.length * 1.3, `a trace of ${size} bytes for a ${lock.length}-character answer`);

    const { value: back, took, longestGapMs } = await watchingTheEventLoop(() => readLastRunEnd(file));
    console.log(`read the 5 MB answer back from the end of its trace in ${took} ms, the thread held at most ${Math.round(longestGapMs)} ms`);
    assert.ok(longestGapMs < HOST_STALL_LIMIT_MS, `the thread was held ${longestGapMs} ms`);
    assert.equal(back?.answer, lock);
    assert.equal(back?.id, runEnd.type === 'run_end' ? runEnd.id : '');
    const trace = await readTraceAsync(file);
    assert.equal(trace.receipt, 'valid', 'the trace still reads and verifies');

    const snapshot = session.snapshot();
    assert.ok(snapshot.exchanges[0]!.answer.length < SNAPSHOT_ANSWER_CHARS + 200, 'the snapshot keeps the start and end of the answer');
    assert.ok(JSON.stringify(snapshot).length < 10_000);
    // A session restored from it still gives the model the answer's head and tail in its history.
    const restored = await RlmSession.create({ models: s.models, context: { kind: 'text', text: 'x' }, restore: snapshot });
    try {
      assert.equal((await restored.ask('And then?')).answer, 'history cut');
      const history = s.rootRequests().at(-1)!.messages[1]!.content;
      assert.ok(history.includes(lock.slice(0, 200)) && history.includes(lock.slice(-200)), 'the history shows the answer\'s head and tail');
    } finally {
      restored.dispose();
    }
  });
});

test(`a FINAL over ${MAX_ANSWER_CHARS / MB} MB fails in the model's code with the reason; the model answers again`, async () => {
  const s = await scripted([
    code('Everything.', `FINAL("x".repeat(${MAX_ANSWER_CHARS + 1}))`),
    (req) => {
      const feedback = req.messages.at(-1)!.content;
      return code('Shorter then.', `FINAL(${JSON.stringify(/more than the 8,388,608 a final answer may have/.test(feedback) ? 'told why' : `not told: ${feedback.slice(0, 300)}`)})`);
    },
  ]);
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' } }, async (session) => {
    const events: RlmEvent[] = [];
    const result = await session.ask('?', { onEvent: (e) => events.push(e) });
    assert.equal(result.answer, 'told why');
    assert.equal(result.iterations, 2);
    const cell = events.find((e) => e.type === 'cell_end');
    assert.ok(cell?.type === 'cell_end' && cell.status === 'error' && /FINAL: the answer has 8,388,609 characters/.test(cell.error ?? ''));
  });
});

test('readLastRunEnd: a trace cut before its receipt, one cut before its end, a child run\'s end last, not a trace, no file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-lastrunend-'));
  const answer = 'the answer\n'.repeat(20_000);
  const totals = { calls: 1, inputTokens: 1, outputTokens: 1, costUsd: 0, estimated: false };
  const usage = { root: totals, sub: totals, total: totals };
  const lines = [
    JSON.stringify({ type: 'trace', schema: 2, createdAt: '2026-12-01T00:00:00.000Z', generator: 'test', sessionId: 's1' }),
    JSON.stringify({ type: 'run_start', time: 1, id: 's1.r1', depth: 0, question: '?', rootModel: 'r', subModel: 's', context: { type: 'text', size: 1 }, seq: 0 }),
    JSON.stringify({ type: 'run_end', time: 2, id: 's1.r1.t1.c1.r1', parentId: 's1.r1.t1.c1', status: 'done', answer: 'child', stopReason: 'final', iterations: 1, subCalls: 0, usage, durationMs: 1, seq: 1 }),
    JSON.stringify({ type: 'run_end', time: 3, id: 's1.r1', status: 'done', answer, stopReason: 'final', iterations: 1, subCalls: 1, usage, durationMs: 2, seq: 2 }),
    JSON.stringify({ type: 'receipt', events: 3, sha256: 'x' }),
  ];
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  assert.equal((await readLastRunEnd(write('whole.rlm.jsonl', lines.join('\n') + '\n')))?.answer, answer);
  assert.equal((await readLastRunEnd(write('no-receipt.rlm.jsonl', lines.slice(0, 4).join('\n') + '\n')))?.answer, answer);
  assert.equal(await readLastRunEnd(write('cut.rlm.jsonl', lines.slice(0, 3).join('\n') + '\n')), undefined, 'a child\'s end is not the question\'s');
  assert.equal(await readLastRunEnd(write('start-only.rlm.jsonl', lines.slice(0, 2).join('\n'))), undefined);
  assert.equal(await readLastRunEnd(write('empty.rlm.jsonl', '')), undefined);
  await assert.rejects(readLastRunEnd(write('notes.txt', 'just some\nnotes\n')), TraceFormatError);
  await assert.rejects(readLastRunEnd(join(dir, 'gone.rlm.jsonl')), /Trace file not found/);
  // A trace's lines are what it reads: the file on disk is left as it was.
  assert.equal(readFileSync(join(dir, 'whole.rlm.jsonl'), 'utf8'), lines.join('\n') + '\n');
});
