// The Chat view for someone who does not watch it: a question that ends is announced through a polite live region
// (its answer's start as plain words, not Markdown), a chat merely loaded is not, and "RLM: Focus Chat" puts the
// keyboard in the question box. The tree rows' places (aria-posinset, aria-setsize) are checked in trajectory.test.ts.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Exchange, HostToChat } from '../../src/protocol/messages';
import { ANNOUNCED_CHARS, plainText } from '../../webview/chat/announcement';
import { launchChromium, message, NO_CHROMIUM, openWebview } from './harness';
import { chat, doneExchange, READY } from './protocolData';

const msg = (m: Parameters<typeof message<HostToChat>>[0]) => message<HostToChat>(m);

test('an answer reads aloud without its Markdown: no fences, marks, hashes or link targets', () => {
  assert.equal(plainText('## Where\n\nThe delay is in `src/retry.ts:2`, **not** in [the client](src/client.ts).\n\n```ts\nconst x = 1;\n```\n- one\n- two'),
    'Where The delay is in src/retry.ts:2, not in the client. const x = 1; one two');
  assert.equal(plainText('snake_case_name and 2 * 3 * 4'), 'snake_case_name and 2 * 3 * 4');
});

describe('Chat view for screen readers and the keyboard', { skip: NO_CHROMIUM }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('a question that ends is announced in a polite live region; a loaded chat is not; the same words twice are announced twice', async () => {
    const w = await openWebview(browser, 'chat');
    const page = w.page;
    await w.send(msg({ type: 'chat/state', chat: chat([doneExchange('x1', 'An earlier answer')]), history: [], setup: READY, busy: false }));
    await page.waitForSelector('[data-testid="answer"]');
    const announcer = page.locator('[data-testid="announcer"]');
    assert.deepEqual(await announcer.evaluate((el) => [el.getAttribute('role'), el.getAttribute('aria-live'), el.getAttribute('aria-atomic'), el.textContent]), ['status', 'polite', 'true', ''],
      'present before anything is announced (a live region added with its text is not read), and silent for a loaded chat');
    // The region is out of sight but not hidden from assistive technology.
    assert.deepEqual(await announcer.evaluate((el) => [el.getBoundingClientRect().width <= 1, getComputedStyle(el).display !== 'none', getComputedStyle(el).visibility]), [true, true, 'visible']);

    const heard: string[] = [];
    await page.exposeFunction('heard', (text: string) => heard.push(text));
    await announcer.evaluate((el) => new MutationObserver(() => (window as unknown as { heard(t: string): void }).heard(el.textContent ?? '')).observe(el, { childList: true, subtree: true, characterData: true }));

    const ask = async (id: string, end: Partial<Exchange>) => {
      const running = { id, question: `Question ${id}`, status: 'running' as const, startedAt: Date.now() };
      await w.send(msg({ type: 'run/start', chatId: 'c1', exchange: running }));
      await w.frames();
      await w.send(msg({ type: 'run/end', chatId: 'c1', exchange: { ...running, stopReason: 'final', ...end } }));
      await w.frames();
      return (await announcer.textContent())!;
    };
    const answer = `The delay is computed in \`src/retry.ts:2\` by **backoff**. ${'More words. '.repeat(60)}`;
    const said = await ask('x2', { status: 'done', answer });
    assert.ok(said.startsWith('Answer ready: The delay is computed in src/retry.ts:2 by backoff. More words.'), said);
    assert.ok(said.endsWith('… (the whole answer is in the conversation)'), 'a long answer: its start');
    assert.ok(said.length < ANNOUNCED_CHARS + 80, `${said.length} characters`);
    // Worded as the one before: emptied when the question starts, so it is heard again.
    assert.equal(await ask('x3', { status: 'done', answer }), said);
    assert.equal(heard.filter((t) => t === said).length, 2, 'announced once per question');
    assert.equal(await ask('x4', { status: 'cancelled', answer: '' }), 'The question was stopped.');
    assert.equal(await ask('x5', { status: 'error', detail: 'The budget of $2.00 for this question is spent.', answer: undefined }), 'The question failed.');
    assert.equal(await page.getAttribute('[data-exchange-id="x5"] [data-testid="error"]', 'role'), 'alert', 'the error itself is an alert');
    // A question of another chat (asked from VS Code's Chat view) ending is not this conversation's news.
    await w.send(msg({ type: 'run/end', chatId: 'other', exchange: doneExchange('y1', 'Elsewhere') }));
    await w.frames();
    assert.equal(await announcer.textContent(), 'The question failed.');
    assert.deepEqual(w.errors, []);
    assert.deepEqual(await w.violations(), []);
    await w.close();
  });

  test('"RLM: Focus Chat" puts the keyboard in the question box, where typing and Enter ask', async () => {
    const w = await openWebview(browser, 'chat');
    const page = w.page;
    await w.send(msg({ type: 'chat/state', chat: chat([]), history: [], setup: READY, busy: false }));
    await page.waitForSelector('[data-testid="empty-chat"]');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    const focusedIsBox = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'question');
    assert.equal(await focusedIsBox(), false);
    await w.send(msg({ type: 'composer/focus' }));
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'question');
    await page.keyboard.type('Who calls backoff?');
    await page.keyboard.press('Enter');
    assert.deepEqual(await w.waitForPosted('chat/ask'), { type: 'chat/ask', question: 'Who calls backoff?' });
    assert.deepEqual(w.errors, []);
    await w.close();
  });
});
