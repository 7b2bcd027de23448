// Events go to the webviews in batches: one message per interval, however many events arrive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBatcher } from '../../../src/extension/chats/EventBatcher';
import { RedactingLog, type Log } from '../../../src/extension/log';

test('1,000 events in 200 ms arrive in a handful of batches, in order, none lost', async () => {
  const batches: number[][] = [];
  const batcher = new EventBatcher<number>((items) => batches.push(items), 50);
  for (let i = 0; i < 1000; i++) {
    batcher.push(i);
    if (i % 5 === 4) await new Promise((r) => setTimeout(r, 1));
  }
  batcher.flush();
  assert.deepEqual(batches.flat(), Array.from({ length: 1000 }, (_, i) => i));
  assert.ok(batches.length <= 1000 / 5, `${batches.length} batches`);
  assert.ok(batches.every((b) => b.length > 0));
});

test('a lone event goes out after the interval; flush sends what is pending at once; nothing pending, nothing sent', async () => {
  const batches: string[][] = [];
  const batcher = new EventBatcher<string>((items) => batches.push(items), 30);
  const pushed = Date.now();
  batcher.push('a');
  assert.deepEqual(batches, []);
  while (batches.length === 0 && Date.now() - pushed < 5000) await new Promise((r) => setTimeout(r, 5));
  assert.ok(Date.now() - pushed >= 29, 'not before the interval');
  assert.deepEqual(batches, [['a']]);
  batcher.push('b');
  batcher.flush();
  batcher.flush();
  assert.deepEqual(batches, [['a'], ['b']]);
});

test('the log redacts the keys in use from every line', () => {
  const lines: string[] = [];
  const sink: Log = { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const secrets = ['sk-0123456789abcdef'];
  const log = new RedactingLog(sink, () => secrets);
  log.info('key sk-0123456789abcdef sent');
  secrets.push('sk-ant-another-key-xyz');
  log.error('failed with sk-ant-another-key-xyz and sk-0123456789abcdef');
  log.warn('short');
  assert.deepEqual(lines, ['key [redacted] sent', 'failed with [redacted] and [redacted]', 'short']);
});
