// The chat history holds what it must and no more: a huge answer is stored once (whole in its trace; the chat keeps
// its start) and comes back whole on request, also after a reload; an error's detail is cut of the key the server
// echoed; Clear forgets every chat with its traces, a running question stopped first; Export copies the chats and
// traces to a new folder. Over the real engine and the fake server (test/support/chatHarness.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLastRunEnd } from '../../../src/core/trajectory/lastRunEnd';
import { readTrace } from '../../../src/core/trajectory/readTrace';
import { ChatStore, type ChatRecord } from '../../../src/extension/chats/ChatStore';
import { exportChatHistory } from '../../../src/extension/chats/exportHistory';
import { ANSWER_SHOWN_CHARS } from '../../../src/protocol/messages';
import { folderWithCode, harness, KEY } from '../../support/chatHarness';
import { HOST_STALL_LIMIT_MS, watchingTheEventLoop } from '../../support/eventLoop';
import { MapMemento } from '../../support/MapMemento';
import { code } from '../../support/scriptedModels';

/** A package-lock.json of about `bytes` (under the workspace's 1 MB file limit, so read() returns it). */
function lockfile(bytes: number): string {
  const entries: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const entry = `    "node_modules/pkg-${i}": {\n      "version": "1.${i % 50}.${i % 7}",\n      "resolved": "https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.0.0.tgz"\n    },`;
    entries.push(entry);
    size += entry.length + 1;
  }
  return `{\n  "packages": {\n${entries.join('\n')}\n  }\n}\n`;
}

/** Every value the chat store keeps in the editor's workspace storage, as JSON. */
const stored = (memento: MapMemento) => [...memento.values.values()].map((v) => JSON.stringify(v)).join('\n');

test('FINAL(read(\'package-lock.json\')) x6, a 5 MB answer: the chat keeps its first 200,000 characters and its length, the trace has it whole, opened whole also after a reload', async () => {
  const dir = folderWithCode();
  const lock = lockfile(900_000);
  writeFileSync(join(dir, 'package-lock.json'), lock);
  // read() gives the file without its last line break.
  const whole = Array(6).fill(lock.replace(/\n$/, '')).join('\n');
  const h = await harness({ dir });
  try {
    h.rootQueue.push(code('Print it.', 'FINAL(Array(6).fill(read("package-lock.json")).join("\\n"))'));
    const exchange = await h.service.ask('Print the lock file six times');
    assert.equal(exchange?.status, 'done');
    assert.equal(exchange?.answerChars, whole.length);
    assert.ok(exchange!.answer!.length <= ANSWER_SHOWN_CHARS && exchange!.answer!.length > ANSWER_SHOWN_CHARS * 0.95, `${exchange!.answer!.length} characters kept`);
    assert.ok(whole.startsWith(exchange!.answer!), 'the start of the answer');
    assert.ok(exchange!.answer!.endsWith('\n'), 'cut after a line break');

    // The page gets the start only, in run/end and in the events it folds for its status line.
    const end = h.of('run/end')[0]!;
    assert.equal(end.exchange.answer, exchange!.answer);
    const sentEvents = JSON.stringify(h.of('run/events'));
    assert.ok(sentEvents.length < 2 * ANSWER_SHOWN_CHARS, `${sentEvents.length} characters of events sent to the chat`);
    // Stored once: not in the workspace storage twice, nor whole.
    const storage = stored(h.memento);
    assert.ok(storage.length < ANSWER_SHOWN_CHARS * 1.4, `${storage.length} characters in the workspace storage`);

    const { value: opened, longestGapMs } = await watchingTheEventLoop(() => h.service.wholeAnswer(exchange!.id));
    assert.equal(opened, whole, 'the whole answer, read from the trace');
    assert.ok(longestGapMs < HOST_STALL_LIMIT_MS, `reading it held the thread ${longestGapMs} ms`);

    // A reload: another window's service over the same storage and traces.
    const again = await harness({ dir, memento: h.memento, tracesDir: h.tracesDir });
    try {
      const shown = again.service.viewState().chat.exchanges[0]!;
      assert.equal(shown.answer, exchange!.answer);
      assert.equal(shown.answerChars, whole.length);
      assert.equal(await again.service.wholeAnswer(exchange!.id), whole);
    } finally {
      await again.close();
    }
    await assert.rejects(h.service.wholeAnswer('c0.q9'), /not in the chat history any more/);
  } finally {
    await h.close();
  }
});

test('a short answer is kept as it is and opens from the chat; one whose trace is cut short says so', async () => {
  const h = await harness();
  try {
    h.rootQueue.push(code('Done.', 'FINAL("In src/retry.ts:2")'), code('Big.', 'FINAL("line\\n".repeat(100000))'));
    const small = await h.service.ask('Where?');
    assert.equal(small?.answerChars, undefined);
    assert.equal(await h.service.wholeAnswer(small!.id), 'In src/retry.ts:2');
    const big = await h.service.ask('Big?');
    assert.equal(big?.answerChars, 500_000);
    // The trace lost its end (a disk filled up, a file edited): the chat says what is left.
    const trace = join(h.tracesDir, `${big!.id}.rlm.jsonl`);
    writeFileSync(trace, readFileSync(trace, 'utf8').split('\n').filter((l) => !l.startsWith('{"type":"run_end"') && !l.startsWith('{"type":"receipt"')).join('\n'));
    await assert.rejects(h.service.wholeAnswer(big!.id), /does not end with the answer \(it was cut short\): only its start, shown in the chat, is left/);
  } finally {
    await h.close();
  }
});

test('an error whose message echoes the key: the detail reaches the page and the store without it', async () => {
  const other = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
  const h = await harness({ settings: { provider: 'openai-compatible' }, keys: { 'openai-compatible': KEY } });
  try {
    h.rootQueue.push({ status: 400, text: `Invalid request from key ${KEY}: model not found. (Your GitHub token ${other} is not a key either.)` });
    const exchange = await h.service.ask('Where?');
    assert.equal(exchange?.status, 'error');
    assert.match(exchange!.detail!, /\[redacted\]/, exchange!.detail);
    for (const secret of [KEY, other]) {
      assert.ok(!exchange!.detail!.includes(secret), 'not in the detail');
      assert.ok(!JSON.stringify(h.of('run/end')).includes(secret), 'not in what the chat shows');
      assert.ok(!stored(h.memento).includes(secret), 'not in the workspace storage');
    }
    assert.ok(!JSON.stringify(h.posted).includes(KEY), 'the key is in nothing the page is sent (events included)');
    assert.ok(!h.log.lines.join('\n').includes(KEY), 'the key is not in the log');
  } finally {
    await h.close();
  }
});

test('Clear Chat History: a running question stopped, every chat, trace and stray trace gone, an empty chat on show', async () => {
  const h = await harness();
  try {
    h.rootQueue.push(code('One.', 'FINAL("first")'));
    const first = await h.service.ask('First?');
    h.service.newChat();
    h.rootQueue.push(code('Two.', 'FINAL("second")'));
    await h.service.ask('Second?');
    writeFileSync(join(h.tracesDir, 'c0stray.q1.rlm.jsonl'), '{}\n');
    writeFileSync(join(h.tracesDir, 'notes.txt'), 'not ours');
    // A third question, still running when the history is cleared.
    h.rootQueue.push({ text: code('Slow.', 'FINAL("late")'), delayMs: 20_000 });
    const running = h.service.ask('Third?');
    await waitUntil(() => h.service.busy && h.server.inFlight === 1);
    assert.equal(h.service.viewState().history.length, 2);

    const started = Date.now();
    const clearing = h.service.clearHistory();
    assert.equal(await h.service.ask('Meanwhile?'), undefined, 'no question starts while the history is cleared');
    assert.match(h.notices.at(-1)!, /clearing the chat history/);
    const cleared = await clearing;
    assert.ok(Date.now() - started < 3_000, `cleared in ${Date.now() - started} ms`);
    assert.equal(cleared, 2);
    assert.equal((await running)?.status, 'cancelled');
    assert.equal(h.service.busy, false);
    const state = h.service.viewState();
    assert.deepEqual(state.history, []);
    assert.deepEqual(state.chat.exchanges, []);
    assert.deepEqual([...h.memento.values.keys()], ['rlm.currentChat.v1'], 'no chat left in the workspace storage');
    assert.equal(h.memento.get('rlm.currentChat.v1'), state.chat.id, 'only the new chat\'s id');
    assert.deepEqual(readdirSync(h.tracesDir), ['notes.txt'], 'every trace gone, nothing else touched');
    const posted = h.of('chat/state').at(-1)!;
    assert.deepEqual(posted.chat.exchanges, []);
    assert.deepEqual(posted.history, []);
    await assert.rejects(h.service.wholeAnswer(first!.id), /not in the chat history any more/);

    // The chat goes on as new.
    h.rootQueue.push(code('Fresh.', 'FINAL("after")'));
    assert.equal((await h.service.ask('After?'))?.answer, 'after');
    assert.equal(h.service.viewState().history.length, 1);
  } finally {
    await h.close();
  }
});

test('Export Chat History: chats.jsonl (credential shapes cut) and the traces as written, into a new or empty folder only', async () => {
  const token = `ghp_${'Zz9'.repeat(13)}`;
  const h = await harness();
  try {
    h.rootQueue.push(code('One.', `FINAL("the token in config.json is ${token}")`));
    const first = await h.service.ask('First?');
    h.service.newChat();
    h.rootQueue.push(code('Big.', 'FINAL("row\\n".repeat(100000))'));
    const big = await h.service.ask('Big?');
    const store = new ChatStore(h.memento);
    const out = join(mkdtempSync(join(tmpdir(), 'rlm-export-')), 'history');

    const summary = await exportChatHistory(store.all(), h.tracesDir, out, []);
    assert.deepEqual(summary, { chats: 2, files: 2, missing: 0 });
    const lines = readFileSync(join(out, 'chats.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ChatRecord);
    assert.deepEqual(lines.map((c) => c.exchanges[0]!.question), ['Big?', 'First?'], 'newest first');
    assert.equal(lines[1]!.exchanges[0]!.answer, 'the token in config.json is [redacted]');
    assert.ok(!readFileSync(join(out, 'chats.jsonl'), 'utf8').includes(token));
    assert.deepEqual(readdirSync(join(out, 'traces')).sort(), [`${big!.id}.rlm.jsonl`, `${first!.id}.rlm.jsonl`].sort());
    assert.equal(readTrace(join(out, 'traces', `${big!.id}.rlm.jsonl`)).receipt, 'valid', 'copied as written: the receipt verifies');
    assert.equal((await readLastRunEnd(join(out, 'traces', `${big!.id}.rlm.jsonl`)))?.answer.length, 400_000, 'the whole answer is in its trace');

    await assert.rejects(exportChatHistory(store.all(), h.tracesDir, out, []), /is not empty: pick a name for a new folder/);
    const empty = join(mkdtempSync(join(tmpdir(), 'rlm-export-')), 'empty');
    mkdirSync(empty);
    assert.equal((await exportChatHistory(store.all(), h.tracesDir, empty, [])).chats, 2);
    // A trace that went missing is counted, not fatal.
    const gone = join(mkdtempSync(join(tmpdir(), 'rlm-export-')), 'gone');
    const chats = store.all();
    chats[0]!.exchanges[0]!.traceFile = 'c0missing.q1.rlm.jsonl';
    assert.deepEqual(await exportChatHistory(chats, h.tracesDir, gone, []), { chats: 2, files: 1, missing: 1 });
    assert.ok(existsSync(join(gone, 'chats.jsonl')));
  } finally {
    await h.close();
  }
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
