// Reading a trace without holding the editor's thread: the same Trace as the synchronous reader, from a
// 100,000-event file, while a timer on the same thread keeps ticking; and the same clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticStream } from '../../../bench/trajectory';
import { MAX_TRACE_LINE_CHARS, readTrace, readTraceAsync, TraceFormatError } from '../../../src/core/trajectory/readTrace';
import { Trajectory } from '../../../src/core/trajectory/Trajectory';
import { HOST_STALL_LIMIT_MS, watchingTheEventLoop } from '../../support/eventLoop';

const dir = mkdtempSync(join(tmpdir(), 'rlm-trace-async-'));

function writeTrace(name: string, eventCount: number, extraLines: string[] = []): string {
  const trajectory = new Trajectory();
  const lines = [trajectory.headerLine];
  trajectory.on((_event, line) => lines.push(line));
  for (const event of syntheticStream(eventCount)) trajectory.emit(event);
  lines.push(...extraLines, JSON.stringify(trajectory.receipt()));
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('a 100,000-event trace reads the same as readTrace, and the thread keeps running meanwhile', async () => {
  const file = writeTrace('big.rlm.jsonl', 100_000);
  const syncStarted = performance.now();
  const expected = readTrace(file);
  const syncMs = performance.now() - syncStarted;
  const { value: trace, took, longestGapMs } = await watchingTheEventLoop(() => readTraceAsync(file));
  assert.equal(trace.receipt, 'valid');
  assert.ok(trace.events.length >= 100_000);
  assert.deepEqual(trace, expected);
  assert.ok(longestGapMs < HOST_STALL_LIMIT_MS, `the thread stalled ${longestGapMs.toFixed(0)} ms (sync read: ${syncMs.toFixed(0)} ms in one piece; async: ${took} ms)`);
});

test('unknown event types are skipped and counted, an edited line is a mismatch, a missing receipt is missing', async () => {
  const newer = writeTrace('newer.rlm.jsonl', 50, ['{"type":"merge_planned","time":1}']);
  const read = await readTraceAsync(newer);
  assert.deepEqual(read.skipped, { merge_planned: 1 });
  assert.equal(read.receipt, 'mismatch', 'the extra line is not covered by the receipt');
  const lines = [new Trajectory().headerLine, '{"type":"run_start","time":1,"id":"s.r1","depth":0,"question":"q","rootModel":"m","subModel":"m","context":{"type":"text","size":1}}'];
  const cut = join(dir, 'cut.rlm.jsonl');
  writeFileSync(cut, lines.join('\n'));
  assert.equal((await readTraceAsync(cut)).receipt, 'missing');
});

test('errors: a missing file, a file that is not a trace, a line far longer than any event, a receipt in the middle', async () => {
  await assert.rejects(readTraceAsync(join(dir, 'nope.jsonl')), (e: Error) => e instanceof TraceFormatError && /Trace file not found/.test(e.message));
  const notTrace = join(dir, 'data.jsonl');
  writeFileSync(notTrace, '{"type":"commit"}\n{"type":"push"}\n');
  await assert.rejects(readTraceAsync(notTrace), /not an RLM trace: no header and no event type this version knows/);
  const huge = join(dir, 'huge.jsonl');
  writeFileSync(huge, '{"type":"run_start"}\n' + '{"x":"' + 'a'.repeat(MAX_TRACE_LINE_CHARS + 10));
  await assert.rejects(readTraceAsync(huge), /line 2 is longer than 16 MB/);
  const joined = join(dir, 'joined.jsonl');
  writeFileSync(joined, '{"type":"run_start"}\n{"type":"receipt","events":1,"sha256":"x"}\n{"type":"run_end"}\n');
  await assert.rejects(readTraceAsync(joined), /line 2 is a receipt before the end of the file/);
});

test('a read can be abandoned', async () => {
  const file = writeTrace('abandoned.rlm.jsonl', 20_000);
  const controller = new AbortController();
  const reading = readTraceAsync(file, { signal: controller.signal });
  controller.abort();
  await assert.rejects(reading, (e: Error) => e.name === 'AbortError');
});
