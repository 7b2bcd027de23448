// The Chat view in Chromium: answers as Markdown with highlighted code, clickable path:line links, the question
// box's keys, Stop, the status line folded from run events, the welcome's actions, errors, history, and the
// draft kept across a reload.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { HostToChat } from '../../src/protocol/messages';
import { TrajectoryTree } from '../../src/core/trajectory/TrajectoryTree';
import { formatCost, formatTokens } from '../../webview/shared/format';
import { assertClean, launchChromium, message, NO_CHROMIUM, openWebview, type Webview } from './harness';
import type { RlmEvent } from '../../src/core/trajectory/events';
import { shownAnswer } from '../../src/extension/chats/answers';
import { longProse } from './largeAnswers';
import { chat, doneExchange, endingEvents, READY, runningEvents, T0 } from './protocolData';

const msg = (m: Parameters<typeof message<HostToChat>>[0]) => message<HostToChat>(m);

describe('Chat view', { skip: NO_CHROMIUM }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  async function openChat(options: Parameters<typeof openWebview>[2] = {}): Promise<Webview> {
    return openWebview(browser, 'chat', options);
  }

  /** No page errors, no request left the page, no CSP violation. */
  test('an answer renders as Markdown with highlighted code; its path:line references post link/open', async () => {
    const w = await openChat();
    const answer = [
      '## Where', '',
      'The delay is computed in `src/retry.ts:2`, called from src/client/http.ts:40-52 and lib/util.py:7:3.', '',
      '- not a path: turn 2:3, 12:30, https://example.com:8080/x.ts:4', '',
      '| file | line |', '|---|---|', '| src/a.go:9 | 9 |', '',
      '```ts', 'export function backoff(attempt: number): number {', '  return 2 ** attempt * 100;', '}', '```',
    ].join('\n');
    await w.send(msg({ type: 'chat/state', chat: chat([doneExchange('x1', answer)]), history: [], setup: READY, busy: false }));
    const page = w.page;
    await page.waitForSelector('[data-testid="answer"] h2');
    assert.equal(await page.textContent('[data-testid="answer"] h2'), 'Where');
    // Highlighted by highlight.js: keywords and numbers in their own spans.
    assert.ok(await page.locator('[data-testid="answer"] pre code .hljs-keyword').count() >= 2);
    assert.equal(await page.locator('[data-testid="answer"] pre code .hljs-number').first().textContent(), '2');
    assert.equal(await page.locator('[data-testid="answer"] table td').count(), 2);
    const links = page.locator('[data-testid="answer"] [data-testid="path-link"]');
    assert.deepEqual(await links.evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('data-path'), a.getAttribute('data-line'), a.getAttribute('data-end-line')])), [
      ['src/retry.ts:2', 'src/retry.ts', '2', null],
      ['src/client/http.ts:40-52', 'src/client/http.ts', '40', '52'],
      ['lib/util.py:7:3', 'lib/util.py', '7', null],
      ['src/a.go:9', 'src/a.go', '9', null],
    ]);
    await links.nth(0).click();
    assert.deepEqual(await w.waitForPosted('link/open'), { type: 'link/open', path: 'src/retry.ts', line: 2 });
    const before = (await w.posted()).length;
    await links.nth(1).focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await w.waitForPosted('link/open', before), { type: 'link/open', path: 'src/client/http.ts', line: 40, endLine: 52 });
    // The web link stays a web link (VS Code opens those outside); the page itself never navigates.
    assert.equal(await page.locator('[data-testid="answer"] a[href^="https://example.com"]').count(), 0, 'no autolinks: fuzzy linking is off');
    // The footer: figures of the run, and the way to its tree.
    const footer = page.locator('[data-testid="answer-footer"]');
    assert.equal(await footer.locator('[data-field="cost"]').textContent(), '$0.0123');
    assert.equal(await footer.locator('[data-field="tokens"]').textContent(), '4.1k tokens');
    assert.equal(await footer.locator('[data-field="time"]').textContent(), '5.3s');
    assert.equal(await footer.locator('[data-field="stop-reason"]').textContent(), 'final answer');
    await footer.locator('[data-testid="show-run"]').click();
    assert.deepEqual(await w.waitForPosted('chat/showRun'), { type: 'chat/showRun', exchangeId: 'x1' });
    assert.ok(page.url().endsWith('/index.html'));
    await assertClean(w);
    await w.close();
  });

  test('Enter sends the question, Shift+Enter adds a line; the draft survives a reload', async () => {
    const w = await openChat();
    await w.send(msg({ type: 'chat/state', chat: chat([]), history: [], setup: READY, busy: false }));
    const box = w.page.locator('[data-testid="question"]');
    await w.page.waitForSelector('[data-testid="empty-chat"]');
    await box.click();
    await w.page.keyboard.type('Where is the backoff');
    await w.page.keyboard.press('Shift+Enter');
    await w.page.keyboard.type('computed?');
    assert.deepEqual((await w.posted()).filter((m) => m.type === 'chat/ask'), [], 'Shift+Enter does not send');
    assert.equal(await box.evaluate((el) => (el as HTMLTextAreaElement).value), 'Where is the backoff\ncomputed?');
    await w.page.keyboard.press('Enter');
    assert.deepEqual(await w.waitForPosted('chat/ask'), { type: 'chat/ask', question: 'Where is the backoff\ncomputed?' });
    assert.equal(await box.evaluate((el) => (el as HTMLTextAreaElement).value), '', 'the box is emptied');
    // The Send button does the same; an empty box sends nothing.
    const count = (await w.posted()).length;
    await w.page.click('[data-testid="send"]');
    await w.frames();
    assert.equal((await w.posted()).length, count);
    // A draft is kept in the webview state and restored after the view is re-created.
    await box.click();
    await w.page.keyboard.type('half a thought');
    const saved = await w.state();
    assert.equal((saved as { draft: string }).draft, 'half a thought');
    await assertClean(w);
    await w.close();
    const again = await openChat({ state: saved });
    assert.equal(await again.page.locator('[data-testid="question"]').evaluate((el) => (el as HTMLTextAreaElement).value), 'half a thought');
    await assertClean(again);
    await again.close();
  });

  test('a running question: streamed text, a status line folded with TrajectoryTree, Stop, then the answer', async () => {
    const w = await openChat();
    const page = w.page;
    const running = { id: 'x1', question: 'Where is the backoff computed?', status: 'running' as const, startedAt: Date.now() - 3_000 };
    await w.send(msg({ type: 'chat/state', chat: chat([]), history: [], setup: READY, busy: false }));
    await w.send(msg({ type: 'run/start', chatId: 'c1', exchange: running }));
    await page.waitForSelector('[data-testid="streamed-waiting"]');
    await page.waitForSelector('[data-testid="stop"]');
    assert.equal(await page.locator('[data-testid="send"]').count(), 0, 'Stop replaces Send while a question runs');
    const events = runningEvents();
    // Batched as the host sends them: several messages between two frames are applied together.
    for (const batch of [events.slice(0, 3), events.slice(3, 9), events.slice(9)]) await w.send(msg({ type: 'run/events', chatId: 'c1', exchangeId: 'x1', events: batch }));
    await page.waitForSelector('[data-testid="status-line"] [data-field="subcalls"]');
    await w.frames();
    const field = (name: string) => page.locator(`[data-testid="status-line"] [data-field="${name}"]`).textContent();
    const run = TrajectoryTree.from(events).roots[0]!;
    assert.equal(await field('turn'), 'turn 1');
    assert.equal(await field('cells'), 'cells 0 (running)');
    assert.equal(await field('subcalls'), `sub-calls 2/${run.total.subCalls}`);
    assert.equal(await field('tokens'), `${formatTokens(run.total.inputTokens + run.total.outputTokens)} tokens`);
    assert.equal(await field('cost'), `${formatCost(run.total.costUsd)} / $2.00`);
    assert.equal(await field('errors'), '1 failed');
    assert.match((await field('elapsed'))!, /^[3-9]\.\ds$/);
    // The root model's text as it streams, rendered as Markdown.
    assert.equal(await page.locator('[data-testid="streamed"] strong').textContent(), 'backoff');
    await page.click('[data-testid="stop"]');
    assert.deepEqual(await w.waitForPosted('chat/stop'), { type: 'chat/stop' });
    await w.send(msg({ type: 'run/events', chatId: 'c1', exchangeId: 'x1', events: endingEvents() }));
    await w.send(msg({ type: 'run/end', chatId: 'c1', exchange: { ...running, status: 'done', answer: 'In `src/retry.ts:2`.', stopReason: 'final', costUsd: 0.0072, inputTokens: 5_000, outputTokens: 125, durationMs: 3_100 } }));
    await page.waitForSelector('[data-testid="answer"]');
    assert.equal(await page.locator('[data-testid="status-line"]').count(), 0);
    assert.equal(await page.locator('[data-testid="answer"] [data-testid="path-link"]').textContent(), 'src/retry.ts:2');
    assert.equal(await page.locator('[data-testid="send"]').count(), 1);
    await assertClean(w);
    await w.close();
  });

  test('a view re-created mid-run folds the events so far, which the host sends again after chat/state', async () => {
    const w = await openChat();
    const running = { id: 'x1', question: 'q', status: 'running' as const, startedAt: Date.now() };
    await w.send(msg({ type: 'chat/state', chat: chat([running]), history: [], setup: READY, busy: true }));
    await w.send(msg({ type: 'run/events', chatId: 'c1', exchangeId: 'x1', events: runningEvents() }));
    await w.page.waitForSelector('[data-testid="status-line"]');
    assert.equal(await w.page.textContent('[data-testid="status-line"] [data-field="subcalls"]'), 'sub-calls 2/3');
    assert.equal(await w.page.locator('[data-testid="stop"]').count(), 1);
    await assertClean(w);
    await w.close();
  });

  test('a long conversation: the reader\'s scroll position is kept across a reload; a state sent mid-run keeps the fold', async () => {
    const w = await openChat({ height: 500 });
    const long = Array.from({ length: 12 }, (_, i) => doneExchange(`x${i}`, `Answer ${i}\n\n${'A paragraph of text. '.repeat(30)}`));
    const state = msg({ type: 'chat/state', chat: chat(long), history: [], setup: READY, busy: false });
    await w.send(state);
    await w.page.waitForSelector('[data-exchange-id="x11"]');
    const conversation = w.page.locator('[data-testid="conversation"]');
    // It opens at the newest answer.
    assert.ok(await conversation.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 4));
    await conversation.evaluate((el) => { el.scrollTop = 700; });
    await w.page.waitForFunction(() => (window as unknown as { __rlm: { state: { scrollTop: number } } }).__rlm.state?.scrollTop === 700);
    const saved = await w.state();
    await w.close();
    const again = await openChat({ height: 500, state: saved });
    await again.send(state);
    await again.page.waitForSelector('[data-exchange-id="x11"]');
    await again.frames(2);
    assert.equal(await again.page.locator('[data-testid="conversation"]').evaluate((el) => el.scrollTop), 700);
    // A running question: a chat/state without its events (the history changed, say) keeps the status line's fold.
    const running = { id: 'r1', question: 'q', status: 'running' as const, startedAt: Date.now() };
    await again.send(msg({ type: 'run/start', chatId: 'c1', exchange: running }));
    await again.send(msg({ type: 'run/events', chatId: 'c1', exchangeId: 'r1', events: runningEvents() }));
    await again.page.waitForFunction(() => document.querySelector('[data-testid="status-line"] [data-field="subcalls"]')?.textContent === 'sub-calls 2/3');
    await again.send(msg({ type: 'chat/state', chat: chat([...long, running]), history: [{ id: 'c1', title: 'Backoff', updatedAt: T0 }], setup: READY, busy: true }));
    await again.frames(3);
    assert.equal(await again.page.textContent('[data-testid="status-line"] [data-field="subcalls"]'), 'sub-calls 2/3');
    assert.deepEqual(again.errors, []);
    await again.close();
  });

  test('with nothing set up, the welcome explains why and its buttons run the commands that fix it', async () => {
    const w = await openChat();
    const setup = {
      ready: false, provider: 'openai', maxCostUsd: 2,
      problem: { message: 'No API key for OpenAI.', actions: [{ label: 'Set API key', command: 'rlm.setApiKey' }, { label: 'Open settings', command: 'workbench.action.openSettings', args: ['rlm.'] }] },
      localServer: { url: 'http://127.0.0.1:11434/v1', models: ['qwen2.5-coder', 'llama3.1'], action: { label: 'Use this server', command: 'rlm.useLocalServer', args: ['http://127.0.0.1:11434/v1'] } },
    };
    await w.send(msg({ type: 'chat/state', chat: chat([]), history: [], setup, busy: false }));
    const page = w.page;
    await page.waitForSelector('[data-testid="welcome"]');
    assert.equal(await page.textContent('[data-testid="welcome-problem"]'), 'No API key for OpenAI.');
    assert.match((await page.textContent('[data-testid="local-server"]'))!, /127\.0\.0\.1:11434.*qwen2\.5-coder, llama3\.1/s);
    const actions = page.locator('[data-testid="welcome-action"]');
    assert.deepEqual(await actions.evaluateAll((els) => els.map((e) => [e.textContent!.trim(), e.getAttribute('data-command')])), [
      ['Use this server', 'rlm.useLocalServer'], ['Set API key', 'rlm.setApiKey'], ['Open settings', 'workbench.action.openSettings'],
    ]);
    for (let i = 0; i < 3; i++) {
      const n = (await w.posted()).length;
      // Keyboard: Tab to the button, Enter presses it.
      await actions.nth(i).focus();
      await page.keyboard.press('Enter');
      const posted = await w.waitForPosted('command/run', n);
      const expected = [setup.localServer.action, ...setup.problem.actions][i]!;
      assert.deepEqual(posted, { type: 'command/run', command: expected.command, ...(expected.args ? { args: expected.args } : {}) });
    }
    // Nothing can be asked yet: Enter in the box sends nothing.
    await page.locator('[data-testid="question"]').click();
    await page.keyboard.type('hello');
    await page.keyboard.press('Enter');
    await w.frames();
    assert.deepEqual((await w.posted()).filter((m) => m.type === 'chat/ask'), []);
    assert.equal(await page.locator('[data-testid="send"]').getAttribute('disabled'), '');
    // Once set up, the welcome goes.
    await w.send(msg({ type: 'chat/setup', setup: READY }));
    await page.waitForSelector('[data-testid="empty-chat"]');
    assert.equal(await page.locator('[data-testid="welcome"]').count(), 0);
    await assertClean(w);
    await w.close();
  });

  test('an error keeps the conversation and shows the action that fixes it; a stopped run says why', async () => {
    const w = await openChat();
    const failed = { id: 'x2', question: 'And the jitter?', status: 'error' as const, detail: 'The budget of $2.00 for this question is spent.', actions: [{ label: 'Raise the limit', command: 'workbench.action.openSettings', args: ['rlm.maxCostUsd'] }], stopReason: 'error' as const, startedAt: T0 };
    const cancelled = doneExchange('x3', 'Best answer so far: src/retry.ts:2', { status: 'cancelled', stopReason: 'cancelled', detail: 'Stopped by you.' });
    // Ended before a run started (no folder picked in a multi-root window): no stop reason, only why.
    const notAsked = { id: 'x4', question: 'And the timeout?', status: 'cancelled' as const, detail: 'No folder was picked, so the question was not asked.', startedAt: T0, noRun: true as const };
    await w.send(msg({ type: 'chat/state', chat: chat([doneExchange('x1', 'First answer'), failed, cancelled, notAsked]), history: [], setup: READY, busy: false }));
    const page = w.page;
    await page.waitForSelector('[data-testid="error"]');
    assert.equal(await page.locator('[data-testid="exchange"]').count(), 4);
    assert.equal(await page.textContent('[data-testid="error"]'), failed.detail);
    assert.equal(await page.getAttribute('[data-testid="error"]', 'role'), 'alert');
    await page.click('[data-testid="error-action"]');
    assert.deepEqual(await w.waitForPosted('command/run'), { type: 'command/run', command: 'workbench.action.openSettings', args: ['rlm.maxCostUsd'] });
    const stopped = page.locator('[data-exchange-id="x3"]');
    assert.equal(await stopped.getAttribute('data-status'), 'cancelled');
    assert.equal(await stopped.locator('[data-testid="stop-detail"]').textContent(), 'Stopped by you.');
    assert.equal(await stopped.locator('[data-field="stop-reason"]').textContent(), 'stopped');
    const unasked = page.locator('[data-exchange-id="x4"]');
    assert.equal(await unasked.locator('[data-testid="stop-detail"]').textContent(), notAsked.detail);
    assert.equal(await unasked.locator('[data-testid="question-text"] .text').textContent(), 'And the timeout?');
    // It never ran: no figures and no "Show run" leading to an empty trace.
    assert.equal(await unasked.locator('[data-testid="answer-footer"]').count(), 0);
    assert.equal(await stopped.locator('[data-testid="show-run"]').count(), 1);
    // A final answer's footer says so; no note above it.
    assert.equal(await page.locator('[data-exchange-id="x1"] [data-testid="stop-detail"]').count(), 0);
    await assertClean(w);
    await w.close();
  });

  test('a new chat takes the name of its first question once the host has saved it', async () => {
    const w = await openChat();
    await w.send(msg({ type: 'chat/state', chat: chat([], 'c9', 'New chat'), history: [], setup: READY, busy: false }));
    const page = w.page;
    await page.waitForSelector('[data-testid="empty-chat"]');
    assert.equal(await page.textContent('[data-testid="chat-title"]'), 'New chat');
    const running = { id: 'c9.q1', question: 'Where is the discount applied?', status: 'running' as const, startedAt: T0 };
    await w.send(msg({ type: 'run/start', chatId: 'c9', exchange: running }));
    // The host saves the chat and sends the history, which is where the new name comes from.
    await w.send(msg({ type: 'chat/history', history: [{ id: 'c1', title: 'Backoff', updatedAt: T0 - 1 }, { id: 'c9', title: 'Where is the discount applied?', updatedAt: T0 }] }));
    await page.waitForFunction(() => document.querySelector('[data-testid="chat-title"]')?.textContent === 'Where is the discount applied?');
    // Another chat's entry never renames the one on show.
    await w.send(msg({ type: 'chat/history', history: [{ id: 'c1', title: 'Renamed elsewhere', updatedAt: T0 + 1 }, { id: 'c9', title: 'Where is the discount applied?', updatedAt: T0 }] }));
    await w.frames();
    assert.equal(await page.textContent('[data-testid="chat-title"]'), 'Where is the discount applied?');
    await assertClean(w);
    await w.close();
  });

  test('New chat, the history list and opening an earlier chat', async () => {
    const w = await openChat();
    const history = [{ id: 'c1', title: 'Backoff', updatedAt: T0, folder: 'client' }, { id: 'c0', title: 'Config parsing', updatedAt: T0 + 5_000 }];
    await w.send(msg({ type: 'chat/state', chat: chat([doneExchange('x1', 'a')]), history, setup: READY, busy: false }));
    const page = w.page;
    await page.waitForSelector('[data-testid="exchange"]');
    assert.equal(await page.textContent('[data-testid="chat-title"]'), 'Backoff');
    await page.click('[data-testid="new-chat"]');
    assert.deepEqual(await w.waitForPosted('chat/new'), { type: 'chat/new' });
    const toggle = page.locator('[data-testid="history-toggle"]');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    await page.waitForSelector('[data-testid="history-item"]');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    // Newest first; the open chat is marked.
    assert.deepEqual(await page.locator('[data-testid="history-item"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-chat-id'), e.getAttribute('aria-current')])), [['c0', 'false'], ['c1', 'true']]);
    // Each names the folder it asks about, once it has one.
    assert.deepEqual(await page.locator('[data-testid="history-item"]').evaluateAll((els) => els.map((e) => e.querySelector('[data-testid="history-folder"]')?.textContent ?? null)), [null, 'client']);
    await page.locator('[data-testid="history-item"]').first().focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await w.waitForPosted('chat/open'), { type: 'chat/open', chatId: 'c0' });
    await w.send(msg({ type: 'chat/state', chat: chat([doneExchange('y1', 'older answer')], 'c0', 'Config parsing'), history, setup: READY, busy: false }));
    await page.waitForSelector('[data-exchange-id="y1"]');
    assert.equal(await page.textContent('[data-testid="chat-title"]'), 'Config parsing');
    assert.equal(await page.locator('[data-testid="history"]').count(), 0, 'the list closes once a chat is picked');
    await assertClean(w);
    await w.close();
  });

  test('a huge answer: the start the host sent, rendered in pieces, a "Shown" line, and Open Whole Answer asks the host', async () => {
    const w = await openChat();
    const page = w.page;
    const shown = shownAnswer(longProse(5_300_000));
    await w.send(msg({ type: 'chat/state', chat: chat([doneExchange('x1', shown.answer!, { answerChars: shown.answerChars }), doneExchange('x2', 'A short one.')]), history: [], setup: READY, busy: false }));
    const answer = page.locator('[data-exchange-id="x1"] [data-testid="answer"]');
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-exchange-id="x1"] [data-testid="answer"]') as HTMLElement | null;
      return el && !el.hasAttribute('data-rendering') && el.childElementCount === Number(el.dataset.pieces);
    });
    assert.ok(Number(await answer.getAttribute('data-pieces')) > 50, 'in pieces');
    assert.equal(await answer.locator('h2').first().textContent(), '1. The retry path in src/net/retry0.ts:3');
    const lastHeading = [...shown.answer!.matchAll(/^## (.*)$/gm)].at(-1)![1]!;
    assert.equal(await answer.locator('h2').last().textContent(), lastHeading, 'down to the end of what was sent');
    assert.match(await page.textContent('[data-exchange-id="x1"] [data-testid="answer-cut"]') ?? '', /Shown: the first 200 kB of 5\.3 MB\./);
    assert.equal(await page.locator('[data-exchange-id="x2"] [data-testid="answer-cut"]').count(), 0, 'a short answer is shown whole');
    await page.click('[data-exchange-id="x1"] [data-testid="answer-cut-open"]');
    assert.deepEqual(await w.waitForPosted('answer/open'), { type: 'answer/open', exchangeId: 'x1' });
    await assertClean(w);
    await w.close();
  });

  test('a long streamed reply: the pieces already drawn stay as the text grows; only the last is drawn again', async () => {
    const w = await openChat();
    const page = w.page;
    const running = { id: 'x1', question: 'Summarise', status: 'running' as const, startedAt: Date.now() };
    await w.send(msg({ type: 'chat/state', chat: chat([]), history: [], setup: READY, busy: false }));
    await w.send(msg({ type: 'run/start', chatId: 'c1', exchange: running }));
    const text = longProse(40_000);
    const events = (from: number, to: number): RlmEvent[] => [
      ...(from === 0 ? runningEvents().slice(0, 2) : []),
      { type: 'model_text', time: T0 + 5, parentId: 's1.r1.t1', delta: text.slice(from, to) },
    ];
    await w.send(msg({ type: 'run/events', chatId: 'c1', exchangeId: 'x1', events: events(0, 20_000) }));
    const streamed = '[data-testid="streamed"]';
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-pieces')) > 5 && !document.querySelector(sel)!.hasAttribute('data-rendering'), streamed);
    await page.evaluate((sel) => { (document.querySelector(sel)!.firstElementChild as unknown as { kept: boolean }).kept = true; }, streamed);
    await w.send(msg({ type: 'run/events', chatId: 'c1', exchangeId: 'x1', events: events(20_000, 40_000) }));
    await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel as string)?.getAttribute('data-pieces')) > (n as number) && !document.querySelector(sel as string)!.hasAttribute('data-rendering'), [streamed, 10] as const);
    assert.equal(await page.evaluate((sel) => (document.querySelector(sel)!.firstElementChild as unknown as { kept?: boolean }).kept, streamed), true, 'the first piece is the same element');
    assert.equal(await page.locator(`${streamed} h2`).last().textContent(), [...text.matchAll(/^## (.*)$/gm)].at(-1)![1]);
    await assertClean(w);
    await w.close();
  });
});
