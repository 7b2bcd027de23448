// The chat in real VS Code, as a user meets it: the packaged extension over the fixture shop, its settings pointing
// at the fake OpenAI-compatible server, whose root model writes ```repl code and whose sub-model answers the code's
// llm_query calls. Ask in the Chat view, watch the text stream and the tree grow, follow a path:line link into the
// editor, ask about a selection, stop a slow question, reload the window and go on in the same chat, and open the
// question's trace in the trace editor. One session for the suite: each test goes on from where the last one left
// the window, as a user's afternoon would.

import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { code } from '../support/scriptedModels';
import { e2eSuite, TIMEOUTS, waitFor } from './harness';
import {
  ANSWER_TIMEOUT_MS, answerFileDialog, askInChat, chatView, ended, exchange, exchangeIds, lastUser, newExchange, resizeSideBar,
  openTraceFromExplorer, ROOT_MODEL, screenshotPath, ScriptedModels, SUB_MODEL, treeRows, webviewWhere, scriptedServerSettings,
} from './support';

const models = new ScriptedModels();

e2eSuite('the chat in VS Code', {
  modelServer: models.respond,
  modelServerOptions: { models: [ROOT_MODEL, SUB_MODEL] },
  settings: ({ modelServer }) => scriptedServerSettings(modelServer),
}, (it) => {
  let firstExchange = '';

  it('answers a question typed in the Chat view: the text streams, the answer renders, the tree shows turns, cells and sub-calls', async (vs) => {
    models.sub = (req) => (/^Explain/.test(lastUser(req)) ? 'It takes ten percent off orders of 5,000 cents or more.' : 'Cart.totalCents calls it on the sum of the lines.');
    models.script(
      // Slow enough to be seen streaming: about 4 s of text.
      { text: code('I will look for where the discount is applied, then ask a sub-model to explain each place I find.', `
const hits = grep("applyDiscount");
print(hits.map((h) => h.path + ":" + h.line).join("\\n"));
const [rule, caller] = await llm_query_batched([
  "Explain this function: " + read("src/pricing.ts", 10, 13),
  "Who calls applyDiscount? " + read("src/cart.ts", 16, 20),
]);
print(rule, caller);`), chunkChars: 8, chunkDelayMs: 80 },
      code('The rule and its caller are confirmed.', 'FINAL(`The discount is applied by applyDiscount in src/pricing.ts:11: ${rule} ${caller} (src/cart.ts:19).`)'),
    );
    const { chat, exchangeId } = await askInChat(vs, 'Where is the discount applied?');
    firstExchange = exchangeId;
    const x = exchange(chat, exchangeId);
    // The root model's text as it streams, and the status line while the question runs.
    await waitFor(async () => (await x.locator('[data-testid=streamed]').textContent().catch(() => ''))?.includes('I will look for'), { timeoutMs: ANSWER_TIMEOUT_MS, what: 'the root model\'s text to stream into the chat' });
    assert.equal(await x.getAttribute('data-status'), 'running');
    assert.equal(await chat.locator('[data-testid=status-line]').count(), 1, 'a status line while the question runs');
    assert.equal(await ended(chat, exchangeId), 'done');

    const answer = x.locator('[data-testid=answer]');
    assert.match(await answer.textContent() ?? '', /applied by applyDiscount in src\/pricing\.ts:11: It takes ten percent off .* Cart\.totalCents calls it/);
    const links = await answer.locator('[data-testid=path-link]').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-path')}:${el.getAttribute('data-line')}`));
    assert.deepEqual(links, ['src/pricing.ts:11', 'src/cart.ts:19']);
    const footer = x.locator('[data-testid=answer-footer]');
    assert.equal(await footer.locator('[data-field=stop-reason]').textContent(), 'final answer');
    assert.match(await footer.locator('[data-field=cost]').textContent() ?? '', /^\$0\.0\d*[1-9]\d*$/, 'priced models cost something');
    assert.equal(await chat.locator('[data-testid=status-line]').count(), 0, 'no status line once it ended');
    assert.equal(await chat.locator('[data-testid=chat-title]').textContent(), 'Where is the discount applied?', 'the chat is named after its first question');

    // The Trajectory view followed the run: run > turns > cells > sub-calls, all done, with costs and times.
    const tree = await vs.workbench.webview('trajectory');
    const rows = await waitFor(async () => {
      const shown = await treeRows(tree);
      return shown.length === 7 && shown.every((r) => r.status === 'done') && shown;
    }, { timeoutMs: TIMEOUTS.webview, what: 'the Trajectory view to show the finished run, every node done' });
    assert.deepEqual(rows.map((r) => `${r.level} ${r.kind} ${r.label}`), [
      `1 run run (${ROOT_MODEL})`,
      '2 turn turn 1',
      '3 cell cell 1',
      `4 subcall llm_query_batched[0] (${SUB_MODEL})`,
      `4 subcall llm_query_batched[1] (${SUB_MODEL})`,
      '2 turn turn 2',
      '3 cell cell 1',
    ]);
    for (const row of rows) {
      assert.match(row.cost, /^\$\d+\.\d{4}$/, `${row.label} shows its cost`);
      assert.match(row.time, /^\d+(\.\d)?m?s$/, `${row.label} shows its time`);
    }
    assert.equal(rows[0]!.cost, await footer.locator('[data-field=cost]').textContent(), 'the run\'s rolled-up cost is the answer\'s');
    assert.match(await tree.locator('[data-testid=tree-count]').textContent() ?? '', /^7 nodes$/);
    // Selecting a sub-call shows its prompt and response beside the tree.
    await tree.locator(`[data-testid=tree-row][data-node-id="${rows[3]!.id}"]`).click();
    const detail = tree.locator('[data-testid=node-detail]');
    await waitFor(async () => (await detail.getAttribute('data-node-id')) === rows[3]!.id, { timeoutMs: TIMEOUTS.webview, what: 'the sub-call\'s detail' });
    assert.match(await detail.locator('[data-testid=detail-input]').textContent() ?? '', /Explain this function: .*applyDiscount/s);
    assert.match(await detail.locator('[data-testid=detail-output]').textContent() ?? '', /ten percent off/);
    // The README's picture of the chat: the answer with its links, the tree of its run below.
    await resizeSideBar(vs, 480);
    await vs.workbench.screenshot(await screenshotPath('chat'), '.part.activitybar', '.part.sidebar');

    // Exactly what the models were asked: two root turns (the second sees the first cell's output), two sub-calls.
    const requests = vs.modelServer!.requests;
    assert.deepEqual(requests.map((r) => r.model).sort(), [ROOT_MODEL, ROOT_MODEL, SUB_MODEL, SUB_MODEL]);
    assert.match(lastUser(requests.filter((r) => r.model === ROOT_MODEL)[1]!), /src\/pricing\.ts:11/);
    assert.equal(models.pending, 0);
  });

  it('opens the file at the line when a path:line reference in the answer is clicked', async (vs) => {
    const chat = await chatView(vs);
    await exchange(chat, firstExchange).locator('[data-testid=path-link]', { hasText: 'src/cart.ts:19' }).click();
    await waitFor(async () => {
      const editor = await vs.workbench.activeEditor();
      return editor?.path === 'src/cart.ts' && editor.line === 19;
    }, { timeoutMs: TIMEOUTS.editor, what: 'src/cart.ts at line 19 in the editor' });
    await exchange(chat, firstExchange).locator('[data-testid=path-link]', { hasText: 'src/pricing.ts:11' }).click();
    await waitFor(async () => {
      const editor = await vs.workbench.activeEditor();
      return editor?.path === 'src/pricing.ts' && editor.line === 11;
    }, { timeoutMs: TIMEOUTS.editor, what: 'src/pricing.ts at line 11 in the editor' });
  });

  it('asks about a selection from the editor\'s context menu: the question carries the file and lines, and is answered', async (vs) => {
    models.script((req) => code('Reading the selected lines.', `FINAL("totalCents sums price times quantity for each line and applies the discount at src/cart.ts:19. Asked with: " + ${JSON.stringify(lastUser(req).includes('(The question is about src/cart.ts, lines 16-20') ? 'the focus' : 'no focus')})`));
    await vs.workbench.openFile('src/cart.ts', 16);
    // Lines 16 to 20: the selection ends at the start of line 21, which is not part of it.
    for (let i = 0; i < 5; i++) await vs.workbench.page.keyboard.press('Shift+ArrowDown');
    await waitFor(async () => /Ln 21, Col 1 \(\d+ selected\)/.test(await vs.workbench.page.locator('[id="status.editor.selection"]').getAttribute('aria-label') ?? ''), { timeoutMs: TIMEOUTS.editor, what: 'lines 16 to 20 selected' });
    // Right-click inside the selection (the text layer above the selection's highlight takes the click).
    const box = (await vs.workbench.page.locator('.monaco-editor .selected-text').first().boundingBox())!;
    await vs.workbench.page.mouse.click(box.x + Math.min(40, box.width / 2), box.y + box.height / 2, { button: 'right' });
    // The menu takes the item under the mouse as focused; Enter runs it (a click right after the menu opens is ignored).
    const item = vs.workbench.page.locator('.monaco-menu .action-item', { has: vs.workbench.page.locator('.action-label', { hasText: /^Ask About Selection$/ }) });
    await item.hover({ timeout: TIMEOUTS.command });
    await waitFor(async () => (await item.getAttribute('class'))?.includes('focused'), { timeoutMs: TIMEOUTS.command, what: '"Ask About Selection" focused in the context menu' });
    await vs.workbench.page.keyboard.press('Enter');
    const before = await exchangeIds(await chatView(vs));
    await vs.workbench.answerInput('What does this compute?');

    const chat = await chatView(vs);
    const id = await newExchange(chat, 'What does this compute?', before);
    const x = exchange(chat, id);
    assert.equal(await x.locator('[data-testid=focus-link]').textContent(), 'src/cart.ts:16-20');
    assert.match(await x.locator('[data-testid=question-text]').textContent() ?? '', /What does this compute\?/);
    assert.equal(await ended(chat, id), 'done');
    assert.match(await x.locator('[data-testid=answer]').textContent() ?? '', /Asked with: the focus/);
    const asked = lastUser(vs.modelServer!.requests.filter((r) => r.model === ROOT_MODEL).at(-1)!);
    assert.match(asked, /What does this compute\?/);
    assert.match(asked, /read\("src\/cart\.ts", 16, 20\)/);
  });

  it('stops a running question with the Stop button: it ends cancelled within about a second, every node of its tree ended', async (vs) => {
    // Three sub-calls that would take a minute each: Stop must cut them off, not wait for them.
    const defaultSub = models.sub;
    models.sub = (req) => (/^slow/.test(lastUser(req)) ? { text: 'too late', delayMs: 60_000 } : defaultSub(req));
    models.script(code('Asking three sub-models at once.', 'const answers = await llm_query_batched(["slow 1", "slow 2", "slow 3"]);\nFINAL(answers.join(" "));'));
    const { chat, exchangeId } = await askInChat(vs, 'Summarise each module');
    const tree = await vs.workbench.webview('trajectory');
    await waitFor(async () => (await treeRows(tree)).filter((r) => r.kind === 'subcall' && r.status === 'running').length === 3, { timeoutMs: ANSWER_TIMEOUT_MS, what: 'three sub-calls running in the Trajectory view' });
    await waitFor(() => vs.modelServer!.inFlight === 3, { timeoutMs: TIMEOUTS.command, what: 'the three sub-calls at the server' });
    // The status line and the status bar while it runs: sub-calls done/total, the cost so far against the cap.
    const statusLine = chat.locator('[data-testid=status-line]');
    assert.match(await statusLine.locator('[data-field=subcalls]').textContent() ?? '', /sub-calls 0\/3/);
    assert.match(await statusLine.locator('[data-field=cost]').textContent() ?? '', /^\$0\.\d{4} \/ \$2\.00$/);
    const statusBarItem = vs.workbench.page.locator('.part.statusbar .statusbar-item', { hasText: /RLM \$0\.\d+ \/ \$2\.00/ });
    await statusBarItem.waitFor({ timeout: TIMEOUTS.command });

    const stopped = Date.now();
    await chat.locator('[data-testid=stop]').click();
    assert.equal(await ended(chat, exchangeId), 'cancelled');
    const tookMs = Date.now() - stopped;
    console.log(`Stop: the exchange showed cancelled ${tookMs} ms after the click`);
    // About a second, with room for a loaded machine (the engine cancels in well under that; see the log line).
    assert.ok(tookMs < 3_000, `the question ended ${tookMs} ms after Stop`);
    assert.equal(await exchange(chat, exchangeId).locator('[data-testid=answer-footer] [data-field=stop-reason]').textContent(), 'stopped');
    assert.equal(await chat.locator('[data-testid=send]').count(), 1, 'Send is back in place of Stop');
    await statusBarItem.waitFor({ state: 'hidden', timeout: TIMEOUTS.command });

    const rows = await waitFor(async () => {
      const shown = await treeRows(tree);
      return shown.every((r) => r.status !== 'running' && r.status !== 'queued') && shown;
    }, { timeoutMs: TIMEOUTS.webview, what: 'every node of the stopped run to have ended' });
    assert.deepEqual(rows.filter((r) => r.kind === 'subcall').map((r) => r.status), ['cancelled', 'cancelled', 'cancelled']);
    assert.equal(rows[0]!.status, 'cancelled');
    await waitFor(() => vs.modelServer!.inFlight === 0, { timeoutMs: TIMEOUTS.command, what: 'the sub-calls\' connections to be closed' });
    models.sub = defaultSub;
  });

  it('brings the chat back after a window reload: the exchanges, the history, and a follow-up answered in the same session', async (vs) => {
    let chat = await chatView(vs);
    const before = await chat.locator('[data-testid=exchange]').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-exchange-id')} ${el.getAttribute('data-status')}`));
    assert.equal(before.length, 3);
    const chatId = before[0]!.split('.')[0]!;

    await vs.workbench.reload();
    chat = await chatView(vs);
    await waitFor(async () => (await chat.locator('[data-testid=exchange]').count()) === before.length, { timeoutMs: TIMEOUTS.webview, what: 'the exchanges to come back' });
    assert.deepEqual(await chat.locator('[data-testid=exchange]').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-exchange-id')} ${el.getAttribute('data-status')}`)), before);
    assert.match(await exchange(chat, firstExchange).locator('[data-testid=answer]').textContent() ?? '', /applied by applyDiscount/);
    assert.equal(await chat.locator('[data-testid=chat-title]').textContent(), 'Where is the discount applied?');
    // The history lists it, marked as the chat on show.
    await chat.locator('[data-testid=history-toggle]').click();
    const item = chat.locator(`[data-testid=history-item][data-chat-id="${chatId}"]`);
    await item.waitFor({ timeout: TIMEOUTS.webview });
    assert.equal(await item.getAttribute('aria-current'), 'true');
    assert.match(await item.textContent() ?? '', /Where is the discount applied\?/);
    await chat.locator('[data-testid=history-toggle]').click();

    // A follow-up goes on in the same chat: its session is restored from the snapshot, so the model has the earlier answers.
    let followUp = '';
    models.script((req) => {
      followUp = req.messages.map((m) => m.content).join('\n');
      return code('The earlier answer named the rule.', 'FINAL("Only the order total: 5,000 cents or more, at src/pricing.ts:12.")');
    });
    const { exchangeId } = await askInChat(vs, 'And what does the discount depend on?');
    assert.equal(exchangeId, `${chatId}.q4`, 'the fourth question of the same chat');
    assert.equal(await ended(chat, exchangeId), 'done');
    assert.match(await exchange(chat, exchangeId).locator('[data-testid=answer]').textContent() ?? '', /Only the order total/);
    assert.match(followUp, /Where is the discount applied\?/);
    assert.match(followUp, /applied by applyDiscount in src\/pricing\.ts:11/);
  });

  it('opens the question\'s trace in the trace editor, from "RLM: Open Trajectory..." and from the explorer: the tree, receipt valid', async (vs) => {
    // "Show run" on the first answer: the Trajectory view reads it back from its trace file (written before the reload).
    const chat = await chatView(vs);
    await exchange(chat, firstExchange).locator('[data-testid=show-run]').click();
    const view = await vs.workbench.webview('trajectory');
    await waitFor(async () => (await view.locator('[data-testid=receipt]').getAttribute('data-receipt', { timeout: 1000 })) === 'valid'
      && (await view.locator('[data-testid=tree-title]').textContent()) === 'Where is the discount applied?', { timeoutMs: TIMEOUTS.webview, what: 'the first run in the Trajectory view, read from its trace' });
    assert.equal((await treeRows(view)).filter((r) => r.kind === 'subcall' && r.status === 'done').length, 2);

    // The trace the chat wrote, in the extension's workspace storage.
    const storage = join(vs.root, 'user-data', 'User', 'workspaceStorage');
    const traces = (await readdir(storage, { recursive: true })).filter((f) => f.endsWith('.rlm.jsonl')).map((f) => join(storage, f));
    const trace = traces.find((f) => f.endsWith(`/rlm-code.rlm-code/traces/${firstExchange}.rlm.jsonl`));
    assert.ok(trace, `the first question's trace among ${JSON.stringify(traces)}`);
    assert.equal(traces.length, 4, 'one trace per question');

    await vs.workbench.runCommand('RLM: Open Trajectory...');
    await answerFileDialog(vs, trace);
    const fromCommand = await webviewWhere(vs, 'trajectory', async (frame) => (await frame.locator('[data-testid=tree-title]').textContent()) === `${firstExchange}.rlm.jsonl`, 'the trace editor opened by the command');
    await waitFor(async () => (await fromCommand.locator('[data-testid=receipt]').getAttribute('data-receipt', { timeout: 1000 })) === 'valid', { timeoutMs: TIMEOUTS.webview, what: 'the receipt verified' });
    assert.equal(await fromCommand.locator('[data-testid=receipt]').textContent(), 'receipt verified');
    const rows = await waitFor(async () => {
      const shown = await treeRows(fromCommand);
      return shown.length === 7 && shown;
    }, { timeoutMs: TIMEOUTS.webview, what: 'the trace\'s seven nodes' });
    assert.deepEqual(rows.map((r) => `${r.kind} ${r.status}`), ['run done', 'turn done', 'cell done', 'subcall done', 'subcall done', 'turn done', 'cell done']);

    // From the explorer: a *.rlm.jsonl in the workspace opens in the trace editor by default.
    const fromExplorer = await openTraceFromExplorer(vs, trace, 'discount.rlm.jsonl');
    await waitFor(async () => (await treeRows(fromExplorer)).length === 7, { timeoutMs: TIMEOUTS.webview, what: 'the copied trace\'s seven nodes' });

    // The README's picture of the tree: a sub-call selected, its prompt and response beside the tree.
    const subcall = (await treeRows(fromExplorer)).find((r) => r.kind === 'subcall')!;
    await fromExplorer.locator(`[data-testid=tree-row][data-node-id="${subcall.id}"]`).click();
    await waitFor(async () => (await fromExplorer.locator('[data-testid=node-detail]').getAttribute('data-node-id')) === subcall.id, { timeoutMs: TIMEOUTS.webview, what: 'the sub-call\'s detail' });
    await vs.workbench.screenshot(await screenshotPath('trajectory'), '.part.editor');
  });

  it('shuts down leaving no process behind', async (vs) => {
    assert.deepEqual(await vs.close(), []);
  });
});
