// Attachments in the Chat view, in Chromium: the `+` menu asks the host for each source, chips show name and size
// (a refused one says why and is not sent), remove buttons, `#file` completion with the keyboard and the mouse,
// files dropped from the Explorer, the chips kept with the draft across a reload, the attached names on the
// question once sent, and a hostile chip label rendered as text.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { AttachmentChip, HostToChat } from '../../src/protocol/messages';
import { assertClean, launchChromium, message, NO_CHROMIUM, openWebview, type Webview } from './harness';
import { chat, READY } from './protocolData';

const msg = (m: Parameters<typeof message<HostToChat>>[0]) => message<HostToChat>(m);

const CART: AttachmentChip = { ref: { kind: 'path', path: 'src/cart/total.ts' }, label: 'src/cart/total.ts', detail: '3 lines, 98 bytes' };
const ENV: AttachmentChip = { ref: { kind: 'path', path: '.env' }, label: '.env', detail: "File '.env' is not readable: it is a credential file", refused: true };
const SELECTION: AttachmentChip = { ref: { kind: 'selection', path: 'src/cart/total.ts', startLine: 2, endLine: 3 }, label: 'src/cart/total.ts:2-3', detail: '2 lines' };

describe('Chat view attachments', { skip: NO_CHROMIUM }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  async function ready(state?: unknown): Promise<Webview> {
    const w = await openWebview(browser, 'chat', state === undefined ? {} : { state });
    await w.send(msg({ type: 'chat/state', chat: chat([]), history: [], setup: READY, busy: false }));
    await w.page.waitForSelector('[data-testid="empty-chat"]');
    return w;
  }

  const chipTexts = (w: Webview) => w.page.locator('[data-testid="chip"]').evaluateAll((els) => els.map((el) => [
    el.querySelector('.chip-label')!.textContent, el.querySelector('[data-testid="chip-detail"]')!.textContent, el.classList.contains('refused'),
  ]));

  test('the + menu asks the host for each source; chips show name and size, a refused one why; remove; only accepted ones go with the question', async () => {
    const w = await ready();
    const page = w.page;
    const add = page.locator('[data-testid="attach-add"]');
    assert.equal(await add.getAttribute('aria-expanded'), 'false');
    await add.click();
    assert.equal(await add.getAttribute('aria-expanded'), 'true');
    const sources = await page.locator('[data-testid="attach-menu"] [role="menuitem"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-source')));
    assert.deepEqual(sources, ['files', 'selection', 'editors', 'problems', 'changes']);
    for (const source of sources) {
      if (source !== 'files') await add.click();
      const before = (await w.posted()).length;
      await page.click(`[data-testid="attach-menu"] [data-source="${source}"]`);
      assert.deepEqual(await w.waitForPosted('attach/pick', before), { type: 'attach/pick', source });
      assert.equal(await page.locator('[data-testid="attach-menu"]').count(), 0, 'the menu closes on a pick');
    }
    await w.send(msg({ type: 'attach/chips', chips: [CART, ENV, SELECTION] }));
    await page.waitForSelector('[data-testid="chip"] >> nth=2');
    assert.deepEqual(await chipTexts(w), [
      ['src/cart/total.ts', '3 lines, 98 bytes', false],
      ['.env', "not attached: File '.env' is not readable: it is a credential file", true],
      ['src/cart/total.ts:2-3', '2 lines', false],
    ]);
    // The same attachment again replaces its chip (one chip per attachment).
    await w.send(msg({ type: 'attach/chips', chips: [{ ...CART, detail: '4 lines, 120 bytes' }] }));
    await w.frames(2);
    assert.equal(await page.locator('[data-testid="chip"]').count(), 3);
    assert.equal(await page.locator('[data-testid="chip"] >> nth=0').locator('[data-testid="chip-detail"]').textContent(), '4 lines, 120 bytes');
    // Remove the selection by its button (named for screen readers).
    await page.click('[data-testid="chip-remove"][aria-label="Remove src/cart/total.ts:2-3"]');
    assert.equal(await page.locator('[data-testid="chip"]').count(), 2);
    await page.locator('[data-testid="question"]').click();
    await page.keyboard.type('Why is the total wrong?');
    await page.keyboard.press('Enter');
    assert.deepEqual(await w.waitForPosted('chat/ask'), { type: 'chat/ask', question: 'Why is the total wrong?', attachments: [{ kind: 'path', path: 'src/cart/total.ts' }] },
      'the refused .env is not sent');
    await w.frames();
    assert.equal(await page.locator('[data-testid="chip"]').count(), 0, 'the chips go with the question');
    // The question shows what was attached to it.
    await w.send(msg({ type: 'run/start', chatId: 'c1', exchange: { id: 'x1', question: 'Why is the total wrong?', attached: ['src/cart/total.ts'], status: 'running', startedAt: Date.now() } }));
    await page.waitForSelector('[data-testid="attached"]');
    assert.equal(await page.locator('[data-testid="attached"]').textContent(), 'src/cart/total.ts');
    await assertClean(w);
    await w.close();
  });

  test('#file completion: typing asks the host, arrows and Enter pick a file, which leaves the question as a chip; Escape closes; a click picks too', async () => {
    const w = await ready();
    const page = w.page;
    const box = page.locator('[data-testid="question"]');
    await box.click();
    await page.keyboard.type('Explain #tot');
    await w.waitForPosted('attach/complete');
    const queries = (await w.posted()).filter((m) => m.type === 'attach/complete').map((m) => m.query);
    assert.deepEqual(queries, ['', 't', 'to', 'tot'], 'each keystroke after the # asks for its word');
    // An answer to an older query is ignored.
    await w.send(msg({ type: 'attach/completions', query: 'to', paths: ['src/tools.ts'] }));
    await w.send(msg({ type: 'attach/completions', query: 'tot', paths: ['src/cart/total.ts', 'test/total.test.ts'] }));
    await page.waitForSelector('[data-testid="file-completions"] [role="option"] >> nth=1');
    const options = () => page.locator('[data-testid="file-completions"] [role="option"]').evaluateAll((els) => els.map((el) => [el.textContent, el.getAttribute('aria-selected')]));
    assert.deepEqual(await options(), [['src/cart/total.ts', 'true'], ['test/total.test.ts', 'false']]);
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await options(), [['src/cart/total.ts', 'false'], ['test/total.test.ts', 'true']]);
    const before = (await w.posted()).length;
    await page.keyboard.press('Enter');
    assert.deepEqual(await w.waitForPosted('attach/add', before), { type: 'attach/add', refs: [{ kind: 'path', path: 'test/total.test.ts' }] });
    assert.equal((await w.posted()).filter((m) => m.type === 'chat/ask').length, 0, 'Enter picked the file, it did not send');
    assert.equal(await box.evaluate((el) => (el as HTMLTextAreaElement).value), 'Explain ', 'the #word leaves the question');
    assert.equal(await page.locator('[data-testid="file-completions"]').count(), 0);
    // Escape closes the list without picking; a click on an option picks it.
    await page.keyboard.type('#car');
    await w.send(msg({ type: 'attach/completions', query: 'car', paths: ['src/cart/total.ts'] }));
    await page.waitForSelector('[data-testid="file-completions"] [role="option"]');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('[data-testid="file-completions"]').count(), 0);
    await page.keyboard.type('t');
    await w.send(msg({ type: 'attach/completions', query: 'cart', paths: ['src/cart/total.ts'] }));
    await page.waitForSelector('[data-testid="file-completions"] [role="option"]');
    const count = (await w.posted()).length;
    await page.click('[data-testid="file-completions"] [role="option"]');
    assert.deepEqual(await w.waitForPosted('attach/add', count), { type: 'attach/add', refs: [{ kind: 'path', path: 'src/cart/total.ts' }] });
    assert.equal(await box.evaluate((el) => (el as HTMLTextAreaElement).value), 'Explain ');
    // A '#' inside a word (an issue number, a colour) asks nothing.
    const asks = (await w.posted()).filter((m) => m.type === 'attach/complete').length;
    await page.keyboard.type('issue#12 ');
    await w.frames();
    assert.equal((await w.posted()).filter((m) => m.type === 'attach/complete').length, asks);
    await assertClean(w);
    await w.close();
  });

  test('files dropped from the Explorer are posted as URIs; chips are kept with the draft across a reload; a hostile label is text', async () => {
    const w = await ready();
    const page = w.page;
    await page.evaluate(() => {
      const target = document.querySelector('[data-testid="question"]')!;
      const data = new DataTransfer();
      data.setData('text/uri-list', '# dragged from the Explorer\r\nfile:///work/shop/src/cart/total.ts\r\nfile:///work/shop/src/api\r\n');
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    assert.deepEqual(await w.waitForPosted('attach/drop'), { type: 'attach/drop', uris: ['file:///work/shop/src/cart/total.ts', 'file:///work/shop/src/api'] });
    // VS Code's own list wins over text/uri-list.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData('application/vnd.code.uri-list', 'file:///work/shop/README.md');
      data.setData('text/uri-list', 'file:///elsewhere');
      document.querySelector('[data-testid="composer"]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    assert.deepEqual(await w.waitForPosted('attach/drop', (await w.posted()).findIndex((m) => m.type === 'attach/drop') + 1), { type: 'attach/drop', uris: ['file:///work/shop/README.md'] });
    const hostile: AttachmentChip = { ref: { kind: 'path', path: 'x.ts' }, label: '<img src=x onerror="document.title=1">x.ts', detail: '<b>1 line</b>' };
    await w.send(msg({ type: 'attach/chips', chips: [CART, hostile, ENV] }));
    await page.waitForSelector('[data-testid="chip"] >> nth=2');
    assert.equal(await page.locator('[data-testid="attachments"] img, [data-testid="attachments"] b').count(), 0, 'labels are text, never HTML');
    const saved = await w.state();
    await assertClean(w);
    await w.close();
    const again = await ready(saved);
    await again.page.waitForSelector('[data-testid="chip"] >> nth=2');
    assert.deepEqual((await chipTexts(again)).map((c) => c[0]), ['src/cart/total.ts', '<img src=x onerror="document.title=1">x.ts', '.env']);
    await again.page.locator('[data-testid="question"]').click();
    await again.page.keyboard.type('Still there?');
    await again.page.keyboard.press('Enter');
    assert.deepEqual((await again.waitForPosted('chat/ask')).attachments, [{ kind: 'path', path: 'src/cart/total.ts' }, { kind: 'path', path: 'x.ts' }]);
    await assertClean(again);
    await again.close();
  });
});
