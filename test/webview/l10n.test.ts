// The pages in the user's language: the host writes VS Code's bundle into the page's HTML (PageStrings), and the
// Chat and Trajectory pages word everything through it, placeholders filled as vscode.l10n.t fills them. Here the
// bundle is the pseudo-locale of l10n/bundle.l10n.json (@vscode/l10n-dev's, every letter accented), so an English
// word left on the page stands out. A translation is text: markup in one is shown, never parsed or run.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getL10nPseudoLocalized } from '@vscode/l10n-dev';
import type { Locator } from 'playwright-core';
import { pageStringsHtml, PAGE_STRINGS_ID, type HostToChat, type HostToTree } from '../../src/protocol/messages';
import { assertClean, chromiumForTests, message, NO_CHROMIUM, openWebview } from './harness';
import { chat, doneExchange, endingEvents, READY, runningEvents } from './protocolData';

const BUNDLE = JSON.parse(readFileSync(join(__dirname, '..', '..', 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
const PSEUDO = getL10nPseudoLocalized(BUNDLE) as Record<string, string>;

/** The pseudo-locale's words for `message`, its placeholders filled. */
function pseudo(message: string, ...args: Array<string | number>): string {
  const text = PSEUDO[message];
  assert.ok(text !== undefined && text !== message, `the bundle translates ${JSON.stringify(message)}`);
  return text.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
}

/** English words (three ASCII letters or more) in what a part of the page shows or says: its text and its labels. */
async function englishIn(locator: Locator): Promise<string[]> {
  const said = await locator.evaluateAll((els) => els.flatMap((el) => [el, ...el.querySelectorAll('*')].flatMap((e) => [
    ...[...e.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? ''),
    ...['title', 'aria-label', 'placeholder', 'label'].map((name) => e.getAttribute(name) ?? ''),
  ])));
  return said.flatMap((text) => text.match(/[A-Za-z]{3,}/g) ?? []);
}

test('the page strings go into the HTML as data that cannot close its element', () => {
  assert.equal(pageStringsHtml(undefined, 'N'), '', 'English: nothing to give');
  assert.equal(pageStringsHtml({}, 'N'), '');
  const html = pageStringsHtml({ Send: '</script><script>alert(1)</script>' }, 'N');
  assert.equal(html, `<script type="application/json" id="${PAGE_STRINGS_ID}" nonce="N">{"Send":"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"}</script>`);
  assert.deepEqual(JSON.parse(html.slice(html.indexOf('>') + 1, html.lastIndexOf('<'))), { Send: '</script><script>alert(1)</script>' });
});

describe('Pages given a translation', { skip: NO_CHROMIUM }, () => {
  const browser = chromiumForTests();

  test('the Chat view draws in the bundle\'s words from its first frame: buttons, labels, figures and what it announces', async () => {
    const w = await openWebview(browser(), 'chat', { strings: PSEUDO });
    const page = w.page;
    // Drawn before the host's first message.
    assert.equal(await page.textContent('[data-testid="send"]'), pseudo('Send'));
    assert.equal(await page.getAttribute('[data-testid="question"]', 'placeholder'), pseudo('Ask about this workspace (Enter to send, Shift+Enter for a new line)'));
    assert.equal(await page.textContent('[data-testid="chat-title"]'), pseudo('New chat'));
    assert.equal(await page.getAttribute('[data-testid="welcome-loading"] vscode-progress-ring', 'aria-label'), pseudo('Loading'));

    const history = [{ id: 'c1', title: 'Backoff', updatedAt: 1 }, { id: 'c0', title: 'Earlier', updatedAt: 0 }];
    await w.send(message<HostToChat>({ type: 'chat/state', chat: chat([doneExchange('x1', 'In `src/retry.ts:2`.')]), history, setup: READY, busy: false }));
    await page.waitForSelector('[data-testid="answer-footer"]');
    assert.equal(await page.textContent('[data-testid="history-toggle"]'), pseudo('History ({0})', 2));
    const footer = page.locator('[data-testid="answer-footer"]');
    assert.equal(await footer.locator('[data-field="tokens"]').textContent(), pseudo('{0} tokens', '4.1k'));
    assert.equal(await footer.locator('[data-field="time"]').textContent(), pseudo('{0}s', '5.3'));
    assert.equal(await footer.locator('[data-field="stop-reason"]').textContent(), pseudo('final answer'));
    assert.equal(await page.textContent('[data-testid="setup-summary"] [data-field="cap"]'), pseudo('up to {0} a question', '$2.00'));
    assert.equal(await page.getAttribute('[data-testid="attach-add"]', 'aria-label'), pseudo('Attach context'));
    // The path link's title is the page's words around the path.
    assert.equal(await page.getAttribute('[data-testid="answer"] [data-testid="path-link"]', 'title'), pseudo('Open {0} at line {1}', 'src/retry.ts', 2));
    // No English left in the page's own parts (the chat's title, the models and the answer are the host's data).
    assert.deepEqual(await englishIn(page.locator('[data-testid="composer"], [data-testid="answer-footer"], .toolbar [data-testid="history-toggle"], .toolbar [data-testid="new-chat"]')), []);
    await page.click('[data-testid="attach-add"]');
    assert.deepEqual(await englishIn(page.locator('[data-testid="attach-menu"]')), []);

    const running = { id: 'x2', question: 'Why?', status: 'running' as const, startedAt: Date.now() };
    await w.send(message<HostToChat>({ type: 'run/start', chatId: 'c1', exchange: running }));
    await page.waitForSelector('[data-testid="status-line"]');
    assert.equal(await page.textContent('[data-testid="stop"]'), pseudo('Stop'));
    assert.deepEqual(await englishIn(page.locator('[data-testid="status-line"], [data-testid="streamed-waiting"]')), []);
    await w.send(message<HostToChat>({ type: 'run/end', chatId: 'c1', exchange: { ...running, status: 'done', answer: 'Because.', stopReason: 'final' } }));
    await page.waitForFunction(() => document.querySelector('[data-testid="announcer"]')?.textContent !== '');
    assert.equal(await page.textContent('[data-testid="announcer"]'), pseudo('Answer ready: {0}', 'Because.'));
    await assertClean(w);
    await w.close();
  });

  test('the Trajectory view words its header, rows and detail from the bundle; the fields keep their names', async () => {
    const w = await openWebview(browser(), 'trajectory', { strings: PSEUDO, width: 900 });
    const page = w.page;
    await w.send(message<HostToTree>({ type: 'tree/reset', title: 'q', events: [...runningEvents(), ...endingEvents()], live: false }));
    await page.click('[data-node-id="s1.r1.t1.c1.s2"]');
    await page.waitForSelector('[data-testid="node-detail"][data-node-id="s1.r1.t1.c1.s2"]');
    assert.equal(await page.getAttribute('[data-testid="tree-search"]', 'placeholder'), pseudo('Search the tree (labels, code, prompts, output)'));
    const detail = page.locator('[data-testid="node-detail"]');
    assert.equal(await detail.locator('dd[data-field="model"]').textContent(), 'gpt-5-mini');
    assert.equal(await detail.locator('dd[data-field="model"]').evaluate((dd) => dd.previousElementSibling?.textContent), pseudo('Model'));
    assert.match((await detail.locator('[data-field="status"]').textContent())!, new RegExp(pseudo('error')));
    assert.ok((await page.getAttribute('[data-node-id="s1.r1.t1.c1.s2"]', 'aria-label'))!.includes(`, ${pseudo('error')}, `), 'a row says its status in the bundle\'s words');
    // The page's own parts; the node labels ("cell 1") are the engine's, and the texts the models'.
    assert.deepEqual(await englishIn(page.locator('.tree-header, .figures-table, dl.facts dt, .text-head')), []);
    await assertClean(w);
    await w.close();
  });

  test('a translation is text: markup in it shows as written and runs nothing; a broken bundle leaves the English', async () => {
    const hostile = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">Send';
    const w = await openWebview(browser(), 'chat', { strings: { Send: hostile, 'New chat': 42 as unknown as string } });
    assert.equal(await w.page.textContent('[data-testid="send"]'), hostile);
    assert.equal(await w.page.textContent('[data-testid="chat-title"]'), 'New chat', 'a translation that is not text is left out');
    assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await assertClean(w);
    await w.close();
  });
});
