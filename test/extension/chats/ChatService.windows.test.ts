// The windows the editor's chats work to: rlm.subContextWindow reaches child runs (rlm_query takes the sub-model
// as its root), which compact to it instead of sending more than the server takes; a root model whose window is
// unknown gets the safe default. The real engine, model set-up from settings and fake server, as in
// ChatService.test.ts; the server refuses prompts over its window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNKNOWN_WINDOW } from '../../../src/core/loop/RootHistory';
import { harness, SUB } from '../../support/chatHarness';
import { assertChildCompactedTo, counter, DELEGATE_COUNTING } from '../../support/countingModel';

const WINDOW = 8_192;

test('rlm.subContextWindow: a child run on a sub-model with a small window compacts to it, and the server refuses nothing', async () => {
  const child = counter(8, 6_000);
  const h = await harness({ settings: { subContextWindow: WINDOW, maxDepth: 2 }, sub: child.reply, server: { contextWindow: WINDOW } });
  try {
    h.rootQueue.push(...DELEGATE_COUNTING);
    const exchange = await h.service.ask('Ask a child to count.');
    assert.equal(exchange?.status, 'done', exchange?.detail);
    assert.equal(exchange?.answer, 'child said 7');
    assertChildCompactedTo(WINDOW, h.of('run/events').flatMap((m) => m.events), h.server.requests.filter((r) => r.model === SUB));
  } finally {
    await h.close();
  }
});

test('a root model whose window nobody set and the price table does not know: the chat works to the safe default', async () => {
  const root = counter(30, 6_000);
  const h = await harness({ settings: { maxIterations: 40 }, server: { contextWindow: UNKNOWN_WINDOW } });
  try {
    h.rootQueue.push(...root.script);
    const exchange = await h.service.ask('Count.');
    assert.equal(exchange?.answer, '29', exchange?.detail);
    const compactions = h.of('run/events').flatMap((m) => m.events).filter((e) => e.type === 'compaction_start');
    assert.ok(compactions.length >= 1);
    assert.ok(compactions.every((e) => e.type === 'compaction_start' && e.window === UNKNOWN_WINDOW && e.reason === 'window'), 'compacted before the window filled');
    assert.deepEqual(h.server.requests.filter((r) => r.refused), [], 'no request over the window went out');
  } finally {
    await h.close();
  }
});
