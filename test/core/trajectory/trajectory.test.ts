import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRACE_SCHEMA_VERSION, type RlmEvent, type TraceHeader } from '../../../src/core/trajectory/events';
import { parseTrace, readTrace, TraceFormatError } from '../../../src/core/trajectory/readTrace';
import { TraceSession } from '../../../src/core/trajectory/TraceSession';
import { TraceWriter } from '../../../src/core/trajectory/TraceWriter';
import { Trajectory } from '../../../src/core/trajectory/Trajectory';
import { TrajectoryTree } from '../../../src/core/trajectory/TrajectoryTree';
import { KEY, sampleRun } from './sampleRun';

const tmp = () => mkdtempSync(join(tmpdir(), 'rlm-trace-unit-'));

/** The lines a TraceWriter would write, without a file. */
function traceLines(trajectory: Trajectory, events: RlmEvent[]): string[] {
  const lines = [trajectory.headerLine];
  const off = trajectory.on((_event, line) => lines.push(line));
  for (const e of events) trajectory.emit(e);
  off();
  return [...lines, JSON.stringify(trajectory.receipt())];
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
  const trace = parseTrace([trajectory.headerLine, ...lines, JSON.stringify(trajectory.receipt())].join('\n'));
  assert.equal(trace.receipt, 'valid');
  assert.equal(trace.events.length, 14);
  assert.equal(trajectory.eventCount, 14);
});

test('a trace opens with a header naming the schema, the generator and the session', () => {
  const session = new TraceSession({ id: 'sTest-1' });
  const trajectory = new Trajectory({ session });
  const header = JSON.parse(trajectory.headerLine) as TraceHeader;
  assert.deepEqual(Object.keys(header), ['type', 'schema', 'createdAt', 'generator', 'sessionId']);
  assert.equal(header.type, 'trace');
  assert.equal(header.schema, TRACE_SCHEMA_VERSION);
  assert.equal(header.generator, 'rlm-code dev', 'run from source there is no bundle version');
  assert.equal(header.sessionId, 'sTest-1');
  assert.ok(Math.abs(Date.parse(header.createdAt) - Date.now()) < 60_000);
  assert.deepEqual(trajectory.header, header);
  assert.equal(new Trajectory({ generator: 'rlm-code 9.9.9' }).header.generator, 'rlm-code 9.9.9');
  // Every trajectory without a session is a session of its own.
  assert.notEqual(new Trajectory().session.id, new Trajectory().session.id);
  assert.match(new Trajectory().session.id, /^s[0-9a-f]{12}$/);
});

test('the questions of one session number their events continuously, each with its own header and receipt', () => {
  const session = new TraceSession();
  const first = new Trajectory({ session });
  const firstLines = traceLines(first, sampleRun());
  const second = new Trajectory({ session });
  const secondLines = traceLines(second, sampleRun().slice(0, 5));
  assert.equal(second.firstSeq, 14);
  assert.equal(session.nextSeq, 19);
  const a = parseTrace(firstLines.join('\n'));
  const b = parseTrace(secondLines.join('\n'));
  assert.deepEqual([...a.events, ...b.events].map((e) => e.seq), [...Array(19).keys()]);
  assert.equal(a.receipt, 'valid');
  assert.equal(b.receipt, 'valid');
  assert.equal(b.header!.sessionId, session.id);
  assert.equal(a.header!.sessionId, session.id);
  assert.equal(second.receipt().events, 5, 'a receipt counts its own question');
  // A session restored from an earlier trace carries on where it stopped.
  const restored = new Trajectory({ session: new TraceSession({ id: session.id, nextSeq: session.nextSeq }) });
  restored.emit(sampleRun()[0]!);
  assert.equal(restored.firstSeq, 19);
  assert.equal(restored.session.nextSeq, 20);
});

test('a session id must be usable inside event ids, and the counter a whole number', () => {
  for (const id of ['', 'a.b', 'with space', 'x'.repeat(65)]) {
    assert.throws(() => new TraceSession({ id }), RangeError, JSON.stringify(id));
  }
  for (const nextSeq of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => new TraceSession({ nextSeq }), RangeError, String(nextSeq));
  }
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

test('the trace file: header first, valid while the run goes, receipt at close, and every kind of damage is named', () => {
  const dir = tmp();
  const file = join(dir, 't.jsonl');
  const trajectory = new Trajectory();
  const writer = new TraceWriter(trajectory, file);
  assert.deepEqual(readFileSync(file, 'utf8'), trajectory.headerLine + '\n');
  for (const e of sampleRun().slice(0, 5)) trajectory.emit(e);
  // As after a crash: every line parses, the receipt is missing.
  assert.equal(readTrace(file).receipt, 'missing');
  assert.equal(readTrace(file).events.length, 5);
  for (const e of sampleRun().slice(5)) trajectory.emit(e);
  writer.close();
  writer.close();
  const trace = readTrace(file);
  assert.equal(trace.receipt, 'valid');
  assert.equal(trace.schema, TRACE_SCHEMA_VERSION);
  assert.deepEqual(trace.header, trajectory.header);
  assert.deepEqual(trace.skipped, {});

  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const damaged = (name: string, edited: string[]) => {
    writeFileSync(join(dir, name), edited.join('\n'));
    return readTrace(join(dir, name));
  };
  assert.equal(damaged('dropped.jsonl', [...lines.slice(0, 3), ...lines.slice(4)]).receipt, 'mismatch');
  // The receipt covers the header too: a trace cannot be passed off as another session's.
  assert.equal(damaged('header.jsonl', [lines[0]!.replace(trajectory.session.id, 'sOther'), ...lines.slice(1)]).receipt, 'mismatch');
  assert.throws(() => damaged('two-headers.jsonl', [lines[0]!, ...lines.slice(0, -1)]), /line 2 is a second trace header/);
  assert.throws(() => damaged('joined.jsonl', [...lines, ...lines.slice(1)]), /receipt before the end of the file/);
  assert.throws(() => damaged('bad-schema.jsonl', [JSON.stringify({ ...trajectory.header, schema: 'two' }), ...lines.slice(1)]), /no valid schema version/);
  assert.throws(() => readTrace(join(dir, 'nope.jsonl')), (e: Error) => e instanceof TraceFormatError && /not found/.test(e.message));
  assert.throws(() => parseTrace(''), /empty/);
  assert.throws(() => parseTrace('{"type":"run_start"}\n{oops'), /line 2 is not valid JSON/);
  assert.throws(() => parseTrace('{"type":"run_start"}\n[1,2]'), /line 2 is not an RLM trace line/);
  assert.throws(() => parseTrace('{"type":"run_start"}\n{"type":7}'), /line 2 is not an RLM trace line/);
  assert.throws(() => parseTrace('{"type":"commit"}\n{"type":"push"}'), /not an RLM trace: no header and no event type this version knows/);
});

test('a writer attached after the first event is refused: the file could never match its receipt', () => {
  const trajectory = new Trajectory();
  trajectory.emit(sampleRun()[0]!);
  assert.throws(() => new TraceWriter(trajectory, join(tmp(), 'late.jsonl')), /before the run starts: 1 event/);
});

test('forward compatible: event types from a newer version are skipped, counted, and still covered by the receipt', () => {
  const trajectory = new Trajectory();
  const newer = { ...trajectory.header, schema: TRACE_SCHEMA_VERSION + 1 };
  const events = sampleRun();
  const lines = [JSON.stringify(newer)];
  const emitted: string[] = [];
  trajectory.on((_e, line) => emitted.push(line));
  for (const e of events) trajectory.emit(e);
  // A newer writer's lines: unknown types between known ones, and unknown fields on known events.
  lines.push(emitted[0]!, '{"type":"proposed_edit","time":1,"parentId":"r1.t1.c1","path":"a.ts"}', ...emitted.slice(1, 7),
    '{"type":"proposed_edit","time":2}', '{"type":"checkpoint","time":3}', ...emitted.slice(7).map((l) => l.replace('{', '{"mood":"calm",')));
  const hash = createHash('sha256');
  for (const l of lines) hash.update(l + '\n');
  const receipt = { type: 'receipt', events: lines.length - 1, sha256: hash.digest('hex') };
  const trace = parseTrace([...lines, JSON.stringify(receipt)].join('\n'));
  assert.equal(trace.receipt, 'valid');
  assert.equal(trace.schema, TRACE_SCHEMA_VERSION + 1);
  assert.deepEqual(trace.skipped, { proposed_edit: 2, checkpoint: 1 });
  assert.equal(trace.events.length, events.length);
  const tree = TrajectoryTree.from(trace.events);
  assert.equal(tree.get('r1')!.status, 'done');
  assert.deepEqual(tree.anomalies.unknownTypes, {});
});

test('a schema 1 trace (no header) still reads: statuses derived from errors and stop reasons, reset text becomes a retry', () => {
  const t = 1_600_000_000_000;
  const usage = { inputTokens: 3, outputTokens: 2, estimated: false };
  const totals = { calls: 1, inputTokens: 3, outputTokens: 2, costUsd: 0, estimated: false };
  // Exactly the shapes schema 1 wrote: no status, no fn, model_text with reset.
  const v1 = [
    { type: 'run_start', time: t, id: 'r1', depth: 0, question: 'q', rootModel: 'root', subModel: 'sub', context: { type: 'text', size: 1 } },
    { type: 'turn_start', time: t + 1, id: 'r1.t1', parentId: 'r1', iteration: 1 },
    { type: 'model_text', time: t + 2, parentId: 'r1.t1', delta: 'lost' },
    { type: 'model_text', time: t + 3, parentId: 'r1.t1', delta: '', reset: true },
    { type: 'model_text', time: t + 4, parentId: 'r1.t1', delta: 'kept' },
    { type: 'turn_end', time: t + 5, id: 'r1.t1', parentId: 'r1', text: 'kept', model: 'root', usage, costUsd: 0, latencyMs: 4 },
    { type: 'cell_start', time: t + 6, id: 'r1.t1.c1', parentId: 'r1.t1', index: 0, code: 'x' },
    { type: 'subcall_start', time: t + 7, id: 'r1.t1.c1.s1', parentId: 'r1.t1.c1', model: 'sub', prompt: 'p', promptChars: 1 },
    { type: 'subcall_end', time: t + 8, id: 'r1.t1.c1.s1', parentId: 'r1.t1.c1', model: 'sub', response: '', error: '500', usage, costUsd: 0, latencyMs: 1 },
    { type: 'cell_end', time: t + 9, id: 'r1.t1.c1', parentId: 'r1.t1', output: '', error: 'cancelled', durationMs: 3 },
    { type: 'limit', time: t + 10, parentId: 'r1', reason: 'cancelled', detail: 'the run was cancelled' },
    { type: 'run_end', time: t + 10, id: 'r1', answer: '', stopReason: 'cancelled', iterations: 1, subCalls: 1, usage: { root: totals, sub: totals, total: totals }, durationMs: 10 },
  ].map((e, seq) => JSON.stringify({ ...e, seq }));
  const hash = createHash('sha256');
  for (const l of v1) hash.update(l + '\n');
  const trace = parseTrace([...v1, JSON.stringify({ type: 'receipt', events: v1.length, sha256: hash.digest('hex') })].join('\n'));
  assert.equal(trace.receipt, 'valid', 'schema 1 receipts covered the events only');
  assert.equal(trace.schema, 1);
  assert.equal(trace.header, undefined);
  const status = (type: string) => (trace.events.find((e) => e.type === type) as { status?: string }).status;
  assert.deepEqual(['turn_end', 'subcall_end', 'cell_end', 'run_end'].map(status), ['done', 'error', 'cancelled', 'cancelled']);
  assert.deepEqual(trace.events.filter((e) => e.type === 'retry').map((e) => (e as { attempt: number }).attempt), [2]);
  assert.ok(trace.events.every((e) => !('reset' in e)));
  const tree = TrajectoryTree.from(trace.events);
  const turn = tree.get('r1.t1')!;
  assert.equal(turn.kind === 'turn' && turn.retries, 1);
  assert.equal(tree.get('r1.t1.c1.s1')!.label, 'sub-call (sub)', 'schema 1 did not say which function made a sub-call');
  assert.equal(tree.get('r1')!.total.errors, 1);
});
