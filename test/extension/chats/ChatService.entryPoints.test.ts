// What the other entry points (VS Code's Chat view, agent-mode tools) ask of ChatService: a question in a chat of its
// own while the sidebar's chat stays on show, follow-ups by chat id that keep the REPL, the picked model instead of the
// settings' (with the settings' caps still in force), limits a caller may only lower, its cancellation signal, and
// its listeners. The real engine, workspace and fake server, as in ChatService.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResult } from '../../../src/core/loop/RlmRun';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { chatOfExchange, NEW_CHAT } from '../../../src/extension/chats/ChatService';
import type { FolderRef } from '../../../src/extension/chats/ChatStore';
import type { ModelSources } from '../../../src/extension/models/modelSetup';
import { pickedModelPair } from '../../../src/extension/models/pickedModel';
import { FakeCancellationTokenSource, FakeEditorModel, type FakeEditorMessage, type FakeEditorReply } from '../../fakes/FakeEditorModel';
import { harness } from '../../support/chatHarness';
import { code } from '../../support/scriptedModels';

test('a question in a chat of its own: the chat on show stays; a follow-up by its id keeps the variables; both are in the history', async () => {
  const h = await harness();
  try {
    const shown = h.service.viewState().chat.id;
    h.rootQueue.push(code('Remember it.', 'const answer = 6 * 7;\nFINAL("stored")'));
    const first = await h.service.ask('Store a number', { chat: NEW_CHAT });
    assert.equal(first?.status, 'done');
    const chatId = chatOfExchange(first!.id);
    assert.notEqual(chatId, shown, 'a chat of its own');
    assert.equal(h.service.viewState().chat.id, shown, 'the sidebar still shows its chat');
    assert.equal(h.of('run/start')[0]!.chatId, chatId, 'the view is told which chat ran (and ignores it: not on show)');

    h.rootQueue.push(code('Use it.', 'FINAL(String(answer))'));
    const second = await h.service.ask('What was the number?', { chat: chatId });
    assert.equal(second?.answer, '42', 'the same session: the REPL variable is still there');
    assert.equal(second?.id, `${chatId}.q2`);
    assert.deepEqual(h.service.viewState().history.map((c) => c.id), [chatId], 'saved to the history like any chat');
  } finally {
    await h.close();
  }
});

test('a chat id that is not in the store any more starts a new chat instead of failing', async () => {
  const h = await harness();
  try {
    h.rootQueue.push(code('Done.', 'FINAL("ok")'));
    const x = await h.service.ask('Anything', { chat: 'c-gone-long-ago' });
    assert.equal(x?.status, 'done');
    assert.notEqual(chatOfExchange(x!.id), 'c-gone-long-ago');
  } finally {
    await h.close();
  }
});

/** The editor's models as the Chat view offers them: the picked one answers the root turns, its mini sibling the sub-calls. */
function editorModels(rootReplies: FakeEditorReply[]) {
  const picked = new FakeEditorModel('fake-gpt', (i) => rootReplies[i] ?? { text: 'FINAL("out of script")' });
  const mini = new FakeEditorModel('fake-gpt-mini', () => ({ text: 'sub says 7' }));
  const sources: ModelSources<FakeEditorMessage> = {
    editorModels: async () => [picked, mini],
    editorApi: { message: (role, content) => ({ role, content }), cancellationSource: () => new FakeCancellationTokenSource() },
    key: async () => undefined,
    findLocalServer: async () => undefined,
  };
  return { picked, mini, sources };
}

test('the picked model answers the root turns and its cheaper sibling the sub-calls; the settings\' request cap still stops the run', async () => {
  const h = await harness({ settings: { maxRequestsPerQuestion: 3 } });
  try {
    const { picked, mini, sources } = editorModels([
      { text: code('Ask twice.', 'const a = await llm_query("one");\nconst b = await llm_query("two");\nprint(a, b);') },
      { text: code('Again.', 'print(await llm_query("three"));') },
      { text: 'FINAL("best so far")' },
    ]);
    const x = await h.service.ask('Count things', { chat: NEW_CHAT, models: (settings) => pickedModelPair(picked, settings, sources) });
    assert.equal(x?.stopReason, 'max_requests', JSON.stringify(x));
    assert.match(x!.detail!, /300|3/);
    assert.equal(mini.requests.length, 2, 'sub-calls went to the sibling, until the cap');
    assert.ok(picked.requests.length >= 1);
    assert.equal(x?.unpricedCalls, 3, 'the editor\'s models have no price: each request counts against the cap');
    assert.equal(h.server.requests.length, 0, 'nothing went to the settings\' server');
    assert.ok(h.log.lines.some((l) => l.includes('the model picked in the Chat view: the editor\'s models: fake-gpt (root), fake-gpt-mini (sub-calls)')), h.log.lines.join('\n'));
  } finally {
    await h.close();
  }
});

test('rlm.subModel naming one of the editor\'s models wins over the sibling', async () => {
  const h = await harness({ settings: { subModel: 'fake-gpt' } });
  try {
    const { picked, mini, sources } = editorModels([{ text: code('One call.', 'FINAL(await llm_query("x"))') }]);
    const x = await h.service.ask('q', { chat: NEW_CHAT, models: (settings) => pickedModelPair(picked, settings, sources) });
    assert.equal(x?.status, 'done');
    assert.equal(mini.requests.length, 0);
    assert.equal(picked.requests.length, 2, 'root turn and sub-call on the model the setting names');
  } finally {
    await h.close();
  }
});

test('limits a caller asks for lower the settings\', never raise them; a bad one fails the question with its name', async () => {
  const h = await harness({ settings: { maxIterations: 3 } });
  try {
    const started = () => h.of('run/events').flatMap((m) => m.events).filter((e): e is Extract<RlmEvent, { type: 'run_start' }> => e.type === 'run_start').at(-1)!;
    h.rootQueue.push(code('Look.', 'print(1)'), 'FINAL("best")');
    const lowered = await h.service.ask('q1', { chat: NEW_CHAT, limits: { maxIterations: 1, maxCostUsd: 0.5 } });
    assert.equal(lowered?.stopReason, 'max_iterations');
    assert.equal(started().limits?.maxIterations, 1);
    assert.equal(started().limits?.maxCostUsd, 0.5);

    h.rootQueue.push(code('Done.', 'FINAL("ok")'));
    const raised = await h.service.ask('q2', { chat: NEW_CHAT, limits: { maxIterations: 500, maxCostUsd: 100 } });
    assert.equal(raised?.status, 'done');
    assert.equal(started().limits?.maxIterations, 3, 'the settings\' 3, not the 500 asked for');
    assert.equal(started().limits?.maxCostUsd, 2, 'the settings\' $2 cap, not $100');
    assert.ok(h.log.lines.some((l) => /maxIterations 500 is above the 3 in force, which was kept/.test(l)));

    const bad = await h.service.ask('q3', { chat: NEW_CHAT, limits: { maxIterations: -2 } });
    assert.equal(bad?.status, 'error');
    assert.match(bad!.detail!, /maxIterations must be a whole number above 0, got -2/);
  } finally {
    await h.close();
  }
});

test('the caller\'s signal stops the question within a second, even before the run starts', async () => {
  const h = await harness();
  try {
    h.rootQueue.push({ text: code('Slow.', 'FINAL("late")'), delayMs: 30_000 });
    const controller = new AbortController();
    const asking = h.service.ask('slow one', { chat: NEW_CHAT, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const at = Date.now();
    controller.abort();
    const x = await asking;
    assert.ok(Date.now() - at < 1000, `stopped in ${Date.now() - at} ms`);
    assert.equal(x?.status, 'cancelled');
    assert.equal(h.service.busy, false);

    const already = new AbortController();
    already.abort();
    h.rootQueue.length = 0;
    h.rootQueue.push(code('Never asked.', 'FINAL("no")'));
    const none = await h.service.ask('never', { chat: NEW_CHAT, signal: already.signal });
    assert.equal(none?.status, 'cancelled');
    assert.equal(h.rootQueue.length, 1, 'no root call was made');

    // Stopped once the run is under way (the root call in flight): within a second too.
    h.rootQueue.length = 0;
    h.rootQueue.push({ text: code('Slow.', 'FINAL("late")'), delayMs: 30_000 });
    const running = new AbortController();
    const inFlight = h.service.ask('slow two', { chat: NEW_CHAT, signal: running.signal });
    while (h.server.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const stoppedAt = Date.now();
    running.abort();
    assert.equal((await inFlight)?.status, 'cancelled');
    assert.ok(Date.now() - stoppedAt < 1000, `stopped in ${Date.now() - stoppedAt} ms`);
  } finally {
    await h.close();
  }
});

test('listeners see every event and the result with its edits; one that throws is logged and the question still ends well', async () => {
  const h = await harness();
  try {
    h.rootQueue.push(code('Change it.', 'propose_edit("src/retry.ts", [{find: "30_000", replace: "60_000"}], "longer cap");\nFINAL("proposed")'));
    const seen: RlmEvent[] = [];
    let result: { result: RunResult; folder: FolderRef } | undefined;
    const x = await h.service.ask('Raise the cap', {
      chat: NEW_CHAT,
      onEvent: (e) => {
        seen.push(e);
        if (e.type === 'turn_start') throw new Error('a broken progress line');
      },
      onResult: (r, folder) => {
        result = { result: r, folder };
      },
    });
    assert.equal(x?.status, 'done');
    assert.equal(seen[0]?.type, 'run_start');
    assert.equal(seen.at(-1)?.type, 'run_end');
    assert.ok(h.log.lines.some((l) => l.includes('An event listener failed: a broken progress line')));
    assert.equal(result?.result.edits?.changes.files()[0]?.path, 'src/retry.ts');
    assert.equal(result?.folder.name, 'demo');

    h.rootQueue.push(code('Done.', 'FINAL("ok")'));
    const y = await h.service.ask('again', { chat: NEW_CHAT, onResult: () => { throw new Error('result listener broke'); } });
    assert.equal(y?.status, 'done');
    assert.ok(h.log.lines.some((l) => l.includes('A result listener failed: result listener broke')));
  } finally {
    await h.close();
  }
});
