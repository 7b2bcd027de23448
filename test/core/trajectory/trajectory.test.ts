import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { parseTrace, readTrace, TraceFormatError } from '../../../src/core/trajectory/readTrace';
import { TraceWriter } from '../../../src/core/trajectory/TraceWriter';
import { Trajectory } from '../../../src/core/trajectory/Trajectory';
import { TrajectoryTree } from '../../../src/core/trajectory/TrajectoryTree';

const KEY = 'sk-live-0123456789abcdef';
const usage = { inputTokens: 10, outputTokens: 5, estimated: false };
const totals = { calls: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.01, estimated: false };

/** A run with one turn, one cell, one sub-call and a child run under the cell. */
function sampleRun(): RlmEvent[] {
  const t = 1_700_000_000_000;
  return [
    { type: 'run_start', time: t, id: 'r1', depth: 0, question: 'q', rootModel: 'root', subModel: 'sub', context: { type: 'text', size: 3 } },
    { type: 'turn_start', time: t + 1, id: 'r1.t1', parentId: 'r1', iteration: 1 },
    { type: 'model_text', time: t + 2, parentId: 'r1.t1', delta: 'half an ans' },
    { type: 'retry', time: t + 3, parentId: 'r1.t1', attempt: 2, delayMs: 0, reason: '500' },
    { type: 'model_text', time: t + 3, parentId: 'r1.t1', delta: 'Let me look.' },
    { type: 'turn_end', time: t + 10, id: 'r1.t1', parentId: 'r1', status: 'done', text: 'Let me look.', model: 'root', usage, costUsd: 0.01, latencyMs: 9 },
    { type: 'cell_start', time: t + 11, id: 'r1.t1.c1', parentId: 'r1.t1', index: 0, code: `llm_query("${KEY}")` },
    { type: 'subcall_start', time: t + 12, id: 'r1.t1.c1.s1', parentId: 'r1.t1.c1', fn: 'llm_query', model: 'sub', prompt: KEY, promptChars: KEY.length },
    { type: 'subcall_end', time: t + 20, id: 'r1.t1.c1.s1', parentId: 'r1.t1.c1', status: 'done', model: 'sub', response: 'ok', usage, costUsd: 0.002, latencyMs: 8 },
    { type: 'run_start', time: t + 21, id: 'r1.t1.c1.r1', parentId: 'r1.t1.c1', depth: 1, question: 'sub-task', rootModel: 'sub', subModel: 'sub', context: { type: 'text', size: 1 } },
    { type: 'run_end', time: t + 30, id: 'r1.t1.c1.r1', parentId: 'r1.t1.c1', status: 'done', answer: 'child says 1', stopReason: 'final', iterations: 1, subCalls: 0, usage: { root: totals, sub: totals, total: totals }, durationMs: 9 },
    { type: 'cell_end', time: t + 31, id: 'r1.t1.c1', parentId: 'r1.t1', status: 'done', output: 'ok', durationMs: 20 },
    { type: 'final', time: t + 32, parentId: 'r1', answer: '42' },
    { type: 'run_end', time: t + 33, id: 'r1', status: 'done', answer: '42', stopReason: 'final', iterations: 1, subCalls: 2, usage: { root: totals, sub: totals, total: totals }, durationMs: 33 },
  ];
}

test('events are numbered, secrets redacted before anyone sees them, and the receipt covers exactly what was written', () => {
  const trajectory = new Trajectory({ secrets: [KEY, 'short', undefined] });
  const seen: RlmEvent[] = [];
  const lines: string[] = [];
  trajectory.on((event, line) => {
    seen.push(event);
    lines.push(line);
  });
  for (const e of sampleRun()) trajectory.emit(e);
  assert.deepEqual(seen.map((e) => e.seq), [...Array(14).keys()]);
  assert.ok(lines.every((l) => !l.includes(KEY)));
  assert.equal((seen[7] as Extract<RlmEvent, { type: 'subcall_start' }>).prompt, '[redacted]');
  const trace = parseTrace([...lines, JSON.stringify(trajectory.receipt())].join('\n'));
  assert.equal(trace.receipt, 'valid');
  assert.equal(trace.events.length, 14);
});

test('a listener that throws does not break the run', () => {
  const trajectory = new Trajectory();
  let after = 0;
  trajectory.on(() => {
    throw new Error('the UI went away');
  });
  trajectory.on(() => after++);
  trajectory.emit(sampleRun()[0]!);
  assert.equal(after, 1);
});

test('the trace file: valid while the run goes, receipt at close, and every kind of damage is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-trace-unit-'));
  const file = join(dir, 't.jsonl');
  const trajectory = new Trajectory();
  const writer = new TraceWriter(trajectory, file);
  for (const e of sampleRun().slice(0, 5)) trajectory.emit(e);
  // As after a crash: every line parses, the receipt is missing.
  assert.equal(readTrace(file).receipt, 'missing');
  for (const e of sampleRun().slice(5)) trajectory.emit(e);
  writer.close();
  writer.close();
  assert.equal(readTrace(file).receipt, 'valid');

  const lines = readFileSync(file, 'utf8').trim().split('\n');
  writeFileSync(join(dir, 'dropped.jsonl'), [...lines.slice(0, 3), ...lines.slice(4)].join('\n'));
  assert.equal(readTrace(join(dir, 'dropped.jsonl')).receipt, 'mismatch');
  assert.throws(() => readTrace(join(dir, 'nope.jsonl')), (e: Error) => e instanceof TraceFormatError && /not found/.test(e.message));
  assert.throws(() => parseTrace(''), /empty/);
  assert.throws(() => parseTrace('{"type":"run_start"}\n{"type":"bogus"}'), /line 2 is not an RLM trace event/);
  assert.throws(() => parseTrace('{"type":"run_start"}\n{oops'), /line 2 is not valid JSON/);
});

test('the tree nests turns, cells, sub-calls and child runs, and drops text a retried stream re-sent', () => {
  const tree = new TrajectoryTree();
  const events = sampleRun();
  for (const e of events.slice(0, 7)) tree.apply(e);
  const cell = tree.get('r1.t1.c1')!;
  assert.equal(cell.status, 'running');
  assert.equal(tree.get('r1.t1')!.input, 'Let me look.');
  for (const e of events.slice(7)) tree.apply(e);
  const [run] = tree.roots;
  assert.equal(tree.roots.length, 1);
  assert.deepEqual(run!.children.map((n) => n.kind), ['turn']);
  assert.deepEqual(cell.children.map((n) => [n.kind, n.id]), [['subcall', 'r1.t1.c1.s1'], ['run', 'r1.t1.c1.r1']]);
  assert.equal(cell.children[1]!.output, 'child says 1');
  assert.equal(cell.status, 'done');
  assert.equal(cell.durationMs, 20);
  assert.equal(run!.output, '42');
  assert.equal(run!.stopReason, 'final');
  assert.deepEqual(TrajectoryTree.from(events).roots, tree.roots);
});
