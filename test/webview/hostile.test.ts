// Model output is hostile input. An answer, a streamed turn, a question, a node's prompt or response may hold
// script, event handlers, javascript: links, SVG, forms, remote images or styles; none of it may run, fetch
// or navigate. Checked three ways: nothing ran (a flag the payloads would set stays unset), no request left
// the page (the harness aborts and records every one) and the CSP never had to step in (no violation event:
// the sanitiser removed it first). The bundles themselves use no eval.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { HostToChat, HostToTree } from '../../src/protocol/messages';
import { launchChromium, message, NO_CHROMIUM, openWebview, webviewCsp, type Webview } from './harness';
import { HOSTILE, PAYLOADS } from './hostilePayloads';
import { chat, doneExchange, READY, T0 } from './protocolData';



const FORBIDDEN_TAGS = ['script', 'iframe', 'object', 'embed', 'img', 'svg', 'math', 'style', 'link', 'meta', 'base', 'form', 'input', 'video', 'source', 'template', 'dialog', 'noscript'];

/** Every element under `selector` is harmless: no forbidden tags, no handlers, no script URLs, no styles. */
async function assertInert(page: Page, selector: string): Promise<void> {
  const report = await page.evaluate(([sel, tags]) => {
    const bad: string[] = [];
    for (const root of document.querySelectorAll(sel as string)) {
      for (const el of root.querySelectorAll('*')) {
        if ((tags as string[]).includes(el.localName)) bad.push(`<${el.localName}>`);
        for (const attr of el.attributes) {
          if (/^on/i.test(attr.name)) bad.push(`${el.localName}[${attr.name}]`);
          if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'ping', 'style', 'srcdoc'].includes(attr.name) && !(attr.name === 'href' && /^(https?:|mailto:|#)/i.test(attr.value.trim()))) bad.push(`${el.localName}[${attr.name}=${attr.value}]`);
          if (attr.name === 'id' && attr.value === 'app') bad.push('a second #app');
        }
      }
    }
    return bad;
  }, [selector, FORBIDDEN_TAGS] as const);
  assert.deepEqual(report, []);
}

async function assertNothingRan(w: Webview): Promise<void> {
  // Image errors and focus handlers fire after a task or two: give them time.
  await w.page.waitForTimeout(300);
  await w.frames(3);
  assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'no payload ran');
  assert.deepEqual(w.leaks, [], 'no request left the page');
  assert.deepEqual(await w.violations(), [], 'the CSP never had to block anything');
  assert.deepEqual(w.errors, []);
  assert.ok(w.page.url().endsWith('/index.html'), 'the page did not navigate');
  assert.equal(await w.page.evaluate(() => typeof document.getElementById('app')?.querySelector), 'function', '#app is still the page\'s own');
}

describe('hostile model output', { skip: NO_CHROMIUM }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('the harness serves the page under webviewHtml\'s CSP, and Chromium enforces it', async () => {
    const w = await openWebview(browser, 'chat');
    const csp = await w.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.equal(csp!.replace(/'nonce-[^']+'/, "'nonce-N'"), webviewCsp('N'));
    assert.match(csp!, /default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'/);
    // Script the page did not bring with its nonce does not run, and Chromium says so.
    await w.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__pwned = 1';
      document.body.append(script);
      document.body.insertAdjacentHTML('beforeend', '<img src="data:," onload="window.__pwned = 2">');
    });
    await w.page.waitForFunction(() => (window as unknown as { __rlm: { violations: unknown[] } }).__rlm.violations.length >= 2);
    assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual((await w.violations()).map((v) => v.directive).sort(), ['script-src-attr', 'script-src-elem']);
    await w.close();
  });

  test('in an answer, a streamed turn, a question and an error: nothing runs, loads or navigates, even when clicked', async () => {
    const w = await openWebview(browser, 'chat');
    const page = w.page;
    const answers = PAYLOADS.map((payload, i) => doneExchange(`h${i}`, `See src/retry.ts:${i + 1}\n\n${payload}`, { question: payload }));
    const failed = { id: 'x2', question: 'q', status: 'error' as const, detail: HOSTILE, startedAt: T0 };
    await w.send(message<HostToChat>({ type: 'chat/state', chat: chat([...answers, failed], 'c1', HOSTILE), history: [{ id: 'c1', title: HOSTILE, updatedAt: T0 }], setup: READY, busy: false }));
    await w.send(message<HostToChat>({ type: 'run/start', chatId: 'c1', exchange: { id: 'x3', question: HOSTILE, status: 'running', startedAt: T0 } }));
    await w.send(message<HostToChat>({ type: 'run/events', chatId: 'c1', exchangeId: 'x3', events: [
      { type: 'run_start', time: T0, id: 'r', depth: 0, question: HOSTILE, rootModel: 'm', subModel: 'm', context: { type: 'text', size: 1 } },
      { type: 'turn_start', time: T0, id: 'r.t1', parentId: 'r', iteration: 1 },
      { type: 'model_text', time: T0, parentId: 'r.t1', delta: HOSTILE },
    ] }));
    await page.waitForSelector('[data-testid="streamed"]');
    await page.waitForSelector('[data-testid="answer"]');
    await page.click('[data-testid="history-toggle"]');
    await page.waitForSelector('[data-testid="history-item"]');
    await assertInert(page, '#app');
    // The markup came through as harmless text or plain elements: the words of the payloads are still readable.
    const shown = (await page.locator('[data-testid="answer"]').allTextContents()).join('\n');
    for (const words of ['js link', 'spaced js link', 'data link', 'vb link', 'details', 'styled div', 'web link', 'src/evil.ts:1']) assert.ok(shown.includes(words), words);
    assert.match((await page.textContent('[data-testid="answer"] pre code'))!, /<script>window.__pwned=1<\/script>/);
    assert.deepEqual(await page.locator('[data-testid="question-text"]').allTextContents(), [...PAYLOADS, 'q', HOSTILE], 'questions are text');
    assert.equal(await page.textContent('[data-testid="error"]'), HOSTILE, 'the error is text');
    // Web links keep their address but send no referrer and open nothing here.
    const web = page.locator('[data-testid="answer"] a[href^="https://evil.example"]', { hasText: 'web link' });
    assert.equal(await web.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await web.getAttribute('ping'), null);
    assert.equal(await web.getAttribute('target'), null);
    // Click every link that is not a web link (those VS Code opens outside, after asking): none may run or navigate.
    const posted = (await w.posted()).length;
    const targets = page.locator(['answer', 'streamed'].map((id) => `[data-testid="${id}"] a:not([href^="https:"])`).join(', '));
    const count = await targets.count();
    assert.ok(count >= PAYLOADS.length, `${count} links to click`);
    for (let i = 0; i < count; i++) await targets.nth(i).click({ timeout: 10_000 }); // a loaded machine took over 2 s to make one clickable
    await assertNothingRan(w);
    // The only messages the clicks posted open the real reference: the text that was shown, nothing the markup claimed.
    const opened = (await w.posted()).slice(posted).filter((m) => m.type === 'link/open');
    assert.ok(opened.length >= PAYLOADS.length);
    for (const m of opened) assert.ok(['src/retry.ts', 'src/evil.ts'].includes(m.path as string), JSON.stringify(m));
    await w.close();
  });

  test('the sanitiser alone (the second wall) turns raw hostile HTML into inert DOM', async () => {
    // Markdown rendering escapes HTML before DOMPurify sees it; here DOMPurify gets the raw payloads, as it
    // would if that escaping ever failed. The bundle is evaluated through the debugger protocol (the page's CSP
    // allows no other script). Chromium reports a CSP violation for every handler attribute it merely parses,
    // inert documents included, so violations are not the measure here: what ends up in the page is.
    const bundle = await esbuild.build({
      entryPoints: [join(__dirname, '..', '..', 'webview', 'shared', 'sanitize.ts')],
      bundle: true, format: 'iife', globalName: 'rlmSanitize', platform: 'browser', target: 'chrome120', write: false, logLevel: 'silent',
    });
    const w = await openWebview(browser, 'chat');
    await w.page.evaluate(bundle.outputFiles[0]!.text + ';window.rlmSanitize = rlmSanitize;');
    await w.page.evaluate((payloads) => {
      const out = document.createElement('div');
      out.id = 'sanitised';
      for (const p of payloads) {
        const holder = document.createElement('section');
        holder.append((window as unknown as { rlmSanitize: { sanitize(html: string): DocumentFragment } }).rlmSanitize.sanitize(p));
        out.append(holder);
      }
      document.body.append(out);
    }, PAYLOADS);
    await assertInert(w.page, '#sanitised');
    await w.page.locator('#sanitised a').evaluateAll((as) => as.forEach((a) => { if (!(a as HTMLAnchorElement).href.startsWith('https:')) (a as HTMLAnchorElement).click(); }));
    await w.page.waitForTimeout(300);
    assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(w.leaks, []);
    assert.deepEqual(w.errors.filter((e) => !e.includes('Content Security Policy')), []);
    // Plain HTML survives: the payloads' words are still there.
    assert.match((await w.page.textContent('#sanitised'))!, /js link.*data link.*details.*styled div.*raw web link/s);
    assert.equal(await w.page.getAttribute('#sanitised a[href="https://evil.example/"]', 'rel'), 'noopener noreferrer');
    await w.close();
  });

  test('in the trajectory tree and the node detail: prompts, responses, models and errors stay text', async () => {
    const w = await openWebview(browser, 'trajectory', { width: 900 });
    const page = w.page;
    const usage = { inputTokens: 1, outputTokens: 1, estimated: false };
    await w.send(message<HostToTree>({ type: 'tree/reset', title: HOSTILE, live: true, events: [
      { type: 'run_start', time: T0, id: 'r', depth: 0, question: HOSTILE, rootModel: HOSTILE, subModel: 'm', context: { type: 'text', size: 1 } },
      { type: 'turn_start', time: T0, id: 'r.t1', parentId: 'r', iteration: 1 },
      { type: 'model_text', time: T0, parentId: 'r.t1', delta: HOSTILE },
      { type: 'cell_start', time: T0, id: 'r.t1.c1', parentId: 'r.t1', index: 0, code: HOSTILE },
      { type: 'subcall_start', time: T0, id: 'r.t1.c1.s1', parentId: 'r.t1.c1', fn: 'llm_query', model: HOSTILE, prompt: HOSTILE, promptChars: 1 },
      { type: 'subcall_end', time: T0 + 1, id: 'r.t1.c1.s1', parentId: 'r.t1.c1', status: 'error', model: HOSTILE, response: HOSTILE, error: HOSTILE, usage, costUsd: 0, latencyMs: 1 },
    ], source: { file: HOSTILE, receipt: 'missing', skipped: { [HOSTILE]: 1 } } }));
    await page.waitForSelector('[data-node-id="r.t1.c1.s1"]');
    for (const id of ['r', 'r.t1', 'r.t1.c1', 'r.t1.c1.s1']) {
      await page.click(`[data-node-id="${id}"]`);
      await page.waitForSelector(`[data-testid="node-detail"][data-node-id="${id}"]`);
      // The rows' own inline positions (styleMap) are ours; what came from the run is in labels, detail and header.
      await assertInert(page, '.row .label, [data-testid="node-detail"], .tree-header');
    }
    assert.equal(await page.textContent('[data-testid="detail-output"]'), HOSTILE);
    assert.equal(await page.textContent('[data-testid="detail-error"]'), HOSTILE);
    await page.locator('[data-testid="tree-search"]').click();
    await page.keyboard.type('<script>');
    await page.waitForSelector('[data-testid="search-count"]');
    await assertInert(page, '.row .label, [data-testid="node-detail"], .tree-header');
    await assertNothingRan(w);
    await w.close();
  });
});

test('the page bundles never evaluate strings as code (the CSP has no unsafe-eval)', () => {
  for (const page of ['chat', 'trajectory']) {
    const code = readFileSync(join(__dirname, '..', '..', 'dist', 'webview', `${page}.js`), 'utf8');
    assert.doesNotMatch(code, /\beval\(|new Function\(|\bFunction\(["'`]|set(?:Timeout|Interval)\(["'`]/, `${page}.js`);
  }
});
