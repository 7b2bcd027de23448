// The proposed edits under an answer, in the Chat view in Chromium: files with counts and statuses, hunks with
// their lines, every button posting what the host acts on (and nothing else), conflicted files that offer only
// the merge, a busy review, a review that arrives before its question ends, the loading placeholder, hostile
// text in paths and lines, and the validation's result.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { HostToChat, Review } from '../../src/protocol/messages';
import { assertClean, launchChromium, message, NO_CHROMIUM, openWebview, type Webview } from './harness';
import { chat, doneExchange, READY, reviewOf, SENSITIVE_FILE, T0 } from './protocolData';

const msg = (m: Parameters<typeof message<HostToChat>>[0]) => message<HostToChat>(m);
const SHOTS = join(__dirname, '..', '..', '.test-output', 'webview');

describe('Chat view: proposed changes', { skip: NO_CHROMIUM }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });

  /** A chat with one answered question whose run proposed edits, and its review. */
  async function withReview(review: Review = reviewOf('x1'), options: { width?: number } = {}): Promise<Webview> {
    const w = await openWebview(browser, 'chat', { width: options.width ?? 520, height: 1100 });
    await w.send(msg({ type: 'chat/state', chat: chat([doneExchange('x1', 'I proposed edits to four files.', { changes: { files: 4, added: 6, removed: 4 } })]), history: [], setup: READY, busy: false }));
    await w.send(msg({ type: 'review/state', chatId: 'c1', review }));
    await w.page.waitForSelector('[data-testid="change-set"]');
    return w;
  }

  /** Clicks and returns what the page posted for it. */
  async function click(w: Webview, locator: ReturnType<Webview['page']['locator']>): Promise<Record<string, unknown>> {
    const before = (await w.posted()).length;
    await locator.click();
    await w.page.waitForFunction((n) => (window as unknown as { __rlm: { posted: unknown[] } }).__rlm.posted.length > n, before);
    return (await w.posted())[before]!;
  }

  test('each file with its counts and status, notes, hunks with their lines; totals in the head', async () => {
    const w = await withReview();
    const page = w.page;
    const set = page.locator('[data-testid="change-set"]');
    assert.equal(await set.getAttribute('data-exchange-id'), 'x1');
    assert.equal(await set.locator('.change-set-head [data-field="totals"]').textContent(), '4 files +6 -4');
    const files = await set.locator('[data-testid="review-file"]').evaluateAll((els) => els.map((el) => [
      el.getAttribute('data-path'), el.getAttribute('data-status'), el.getAttribute('data-progress'),
      el.querySelector('[data-testid="review-status"]')?.textContent, el.querySelector('.review-file-row .counts')?.textContent,
    ]));
    assert.deepEqual(files, [
      ['src/cart.ts', 'clean', 'pending', 'clean', '+2 -2'],
      ['src/pricing.ts', 'conflicted', 'pending', 'conflicted', '+1 -1'],
      ['src/receipt.ts', 'merged', 'pending', 'merged', '+1 -1'],
      ['src/money.ts', 'clean', 'pending', 'create, clean', '+2 -0'],
    ]);
    assert.equal(await set.locator('[data-testid="review-sensitive"], [data-testid="review-sensitive-badge"], [data-testid="review-sensitive-count"]').count(), 0, 'none of them is sensitive');
    const notes = await set.locator('[data-testid="review-note"]').allTextContents();
    assert.match(notes[0]!, /overlap the proposal \(line 1 of the file now\)/);
    assert.match(notes[1]!, /re-applied onto it by three-way merge/);
    const cart = set.locator('[data-testid="review-file"][data-path="src/cart.ts"]');
    const hunks = cart.locator('[data-testid="review-hunk"]');
    assert.equal(await hunks.count(), 2);
    assert.deepEqual(await hunks.nth(0).locator('.hunk-lines span').allTextContents(), ['-// A cart.', '+// A cart: totals and counts.']);
    assert.equal(await hunks.nth(0).locator('.hunk-lines .add').count(), 1);
    assert.equal(await hunks.nth(0).locator('.where').textContent(), 'line 1');
    assert.equal(await hunks.nth(1).getAttribute('data-rejected'), 'true');
    assert.equal(await hunks.nth(1).locator('[data-testid="review-unreject-hunk"]').count(), 1, 'a rejected hunk offers to take the rejection back');
    assert.equal(await set.locator('[data-testid="review-file"][data-path="src/money.ts"] [data-testid="review-accept-hunk"]').count(), 0, 'a created file is decided whole');
    assert.equal(await set.locator('[data-testid="review-file"][data-path="src/receipt.ts"] [data-testid="review-progress"]').textContent(), '1 applied');
    // The validation: the command, its verdict, the end of its output open because it failed.
    const validation = set.locator('[data-testid="validation"]');
    assert.equal(await validation.getAttribute('data-state'), 'failed');
    assert.equal(await validation.locator('[data-testid="validation-verdict"]').textContent(), 'failed (exit code 1)');
    assert.ok(await validation.locator('[data-testid="validation-output"]').isVisible());
    assert.match(await validation.locator('[data-testid="validation-output"]').textContent() ?? '', /1 failing/);
    await page.screenshot({ path: join(SHOTS, 'change-set.png'), fullPage: true });
    await assertClean(w);
    await w.close();
  });

  test('every button posts its review message: open, accept and reject a hunk or a file, Accept All, merge, validate', async () => {
    const w = await withReview(reviewOf('x1', { validation: { command: 'npm test', state: 'running' } }));
    const set = w.page.locator('[data-testid="change-set"]');
    const cart = set.locator('[data-testid="review-file"][data-path="src/cart.ts"]');
    const pricing = set.locator('[data-testid="review-file"][data-path="src/pricing.ts"]');
    const money = set.locator('[data-testid="review-file"][data-path="src/money.ts"]');
    assert.deepEqual(await click(w, cart.locator('[data-testid="review-file-open"]')), { type: 'review/open', exchangeId: 'x1', path: 'src/cart.ts' });
    assert.deepEqual(await click(w, set.locator('[data-testid="review-open-all"]')), { type: 'review/open', exchangeId: 'x1' });
    assert.deepEqual(await click(w, cart.locator('[data-testid="review-accept-hunk"]')), { type: 'review/accept', exchangeId: 'x1', path: 'src/cart.ts', hunk: '0123456789abcdef.0' });
    assert.deepEqual(await click(w, cart.locator('[data-testid="review-reject-hunk"]')), { type: 'review/reject', exchangeId: 'x1', path: 'src/cart.ts', hunk: '0123456789abcdef.0', rejected: true });
    assert.deepEqual(await click(w, cart.locator('[data-testid="review-unreject-hunk"]')), { type: 'review/reject', exchangeId: 'x1', path: 'src/cart.ts', hunk: 'fedcba9876543210.0', rejected: false });
    assert.deepEqual(await click(w, cart.locator('[data-testid="review-accept-file"]')), { type: 'review/accept', exchangeId: 'x1', path: 'src/cart.ts' });
    assert.deepEqual(await click(w, money.locator('[data-testid="review-reject-file"]')), { type: 'review/reject', exchangeId: 'x1', path: 'src/money.ts', rejected: true });
    assert.deepEqual(await click(w, set.locator('[data-testid="review-accept-all"]')), { type: 'review/accept', exchangeId: 'x1' });
    // A conflicted file offers the merge, never an accept.
    assert.equal(await pricing.locator('[data-testid="review-accept-file"], [data-testid="review-accept-hunk"], [data-testid="review-reject-hunk"]').count(), 0);
    assert.deepEqual(await click(w, pricing.locator('[data-testid="review-resolve"]')), { type: 'review/resolve', exchangeId: 'x1', path: 'src/pricing.ts' });
    // The validation runs: it can be stopped, and is not offered again meanwhile.
    assert.equal(await set.locator('[data-testid="review-validate"]').count(), 0);
    assert.deepEqual(await click(w, set.locator('[data-testid="validation-stop"]')), { type: 'review/stopValidation', exchangeId: 'x1' });
    await w.send(msg({ type: 'review/state', chatId: 'c1', review: reviewOf('x1', { validation: { command: 'npm test', state: 'passed', exitCode: 0, outputTail: 'ok', durationMs: 900 } }) }));
    await w.page.waitForSelector('[data-testid="validation"][data-state="passed"]');
    assert.equal(await set.locator('[data-testid="validation-output"]').isVisible(), false, 'a passing run keeps its output folded');
    assert.deepEqual(await click(w, set.locator('[data-testid="review-validate"]')), { type: 'review/validate', exchangeId: 'x1' });
    // Hiding a file's hunks is the page's own business: nothing is posted.
    const before = (await w.posted()).length;
    await cart.locator('.toggle').click();
    await w.frames(2);
    assert.equal(await cart.locator('[data-testid="review-hunk"]').count(), 0);
    assert.equal((await w.posted()).length, before);
    await assertClean(w);
    await w.close();
  });

  test('busy: the buttons wait; only conflicts left: Accept All is off; a message says what the last action did', async () => {
    const w = await withReview(reviewOf('x1', { busy: true }));
    const set = w.page.locator('[data-testid="change-set"]');
    assert.equal(await set.getAttribute('aria-busy'), 'true');
    for (const id of ['review-accept-all', 'review-accept-hunk', 'review-accept-file', 'review-reject-hunk', 'review-resolve']) {
      assert.equal(await set.locator(`[data-testid="${id}"]`).first().getAttribute('disabled'), '', id);
    }
    const onlyConflict = reviewOf('x1', {
      message: 'Applied 3 changes in 2 files: one undo (Ctrl+Z in the editor) reverts them.\nsrc/pricing.ts was not applied: it changed since the run read it',
    });
    onlyConflict.files = onlyConflict.files.filter((f) => f.status === 'conflicted');
    await w.send(msg({ type: 'review/state', chatId: 'c1', review: onlyConflict }));
    await w.page.waitForFunction(() => document.querySelectorAll('[data-testid="review-file"]').length === 1);
    assert.equal(await set.locator('[data-testid="review-accept-all"]').getAttribute('disabled'), '');
    assert.equal(await set.locator('[data-testid="review-message"]').textContent(), onlyConflict.message);
    await assertClean(w);
    await w.close();
  });

  test('a sensitive file: marked with why, its own Accept says it asks first, and Accept All leaves it out (off when only held-back files are left)', async () => {
    const why = SENSITIVE_FILE.sensitive!;
    const review = reviewOf('x1', { validation: undefined });
    review.files.push(SENSITIVE_FILE);
    const w = await withReview(review);
    const set = w.page.locator('[data-testid="change-set"]');
    const settings = set.locator('[data-testid="review-file"][data-path=".vscode/settings.json"]');
    assert.equal(await set.locator('[data-testid="review-sensitive-count"]').textContent(), '1 sensitive', 'the head says so, however long the list');
    assert.equal(await settings.getAttribute('data-sensitive'), 'true');
    assert.equal(await set.locator('[data-testid="review-file"][data-sensitive="true"]').count(), 1);
    assert.equal(await settings.locator('[data-testid="review-sensitive-badge"]').textContent(), 'sensitive');
    assert.equal(await settings.locator('[data-testid="review-sensitive-badge"]').getAttribute('title'), why);
    assert.equal(await settings.locator('[data-testid="review-sensitive"]').textContent(), `Sensitive: ${why}. Not in Accept All: read the diff, then accept it on its own.`);
    assert.equal(await settings.locator('[data-testid="review-accept-file"]').textContent(), 'Accept…');
    assert.match(await settings.locator('[data-testid="review-accept-file"]').getAttribute('title') ?? '', /a sensitive file, so VS Code asks first/);
    assert.equal(await settings.locator('[data-testid="review-accept-hunk"]').textContent(), 'Accept…');
    assert.equal(await set.locator('[data-testid="review-file"][data-path="src/cart.ts"] [data-testid="review-accept-file"]').textContent(), 'Accept');
    assert.match(await set.locator('[data-testid="review-accept-all"]').getAttribute('title') ?? '', /Leaves out 1 file to accept on its own \(sensitive, or a semantic conflict\)/);
    // The page posts the accept; the host is the one that asks (its modal), whatever the page sends.
    assert.deepEqual(await click(w, settings.locator('[data-testid="review-accept-file"]')), { type: 'review/accept', exchangeId: 'x1', path: '.vscode/settings.json' });
    await w.page.screenshot({ path: join(SHOTS, 'change-set-sensitive.png'), fullPage: true });
    // Only held-back and conflicted files left to decide: Accept All has nothing to do.
    const rest = { ...review, files: review.files.filter((f) => f.heldBack || f.status === 'conflicted') };
    await w.send(msg({ type: 'review/state', chatId: 'c1', review: rest }));
    await w.page.waitForFunction(() => document.querySelectorAll('[data-testid="review-file"]').length === 2);
    assert.equal(await set.locator('[data-testid="review-accept-all"]').getAttribute('disabled'), '');
    await assertClean(w);
    await w.close();
  });

  test('a review that arrives before its question ends waits for it; before any review, a placeholder with the sizes', async () => {
    const w = await openWebview(browser, 'chat');
    const running = { id: 'x1', question: 'Rename it', status: 'running' as const, startedAt: T0 };
    await w.send(msg({ type: 'chat/state', chat: chat([running]), history: [], setup: READY, busy: true }));
    await w.send(msg({ type: 'review/state', chatId: 'c1', review: reviewOf('x1') }));
    await w.send(msg({ type: 'review/state', chatId: 'other-chat', review: reviewOf('x9') }));
    await w.frames(3);
    assert.equal(await w.page.locator('[data-testid="change-set"]').count(), 0, 'not while the question runs');
    await w.send(msg({ type: 'run/end', chatId: 'c1', exchange: doneExchange('x1', 'Done.', { changes: { files: 4, added: 6, removed: 4 } }) }));
    await w.page.waitForSelector('[data-testid="change-set"][data-exchange-id="x1"]');
    assert.equal(await w.page.locator('[data-testid="change-set"]').count(), 1, 'another chat\'s review is not shown');
    // Another chat opened: its exchange says it has changes, the review follows.
    await w.send(msg({ type: 'chat/state', chat: chat([doneExchange('y1', 'Done too.', { changes: { files: 2, added: 3, removed: 1 } })], 'c2', 'Other'), history: [], setup: READY, busy: false }));
    await w.page.waitForSelector('[data-testid="change-set-loading"]');
    assert.equal(await w.page.locator('[data-testid="change-set-loading"] [data-field="totals"]').textContent(), '2 files +3 -1');
    assert.equal(await w.page.locator('[data-testid="change-set"]').count(), 0, 'the first chat\'s review went with it');
    await w.send(msg({ type: 'review/state', chatId: 'c2', review: { exchangeId: 'y1', totals: { files: 2, added: 3, removed: 1 }, files: [], error: 'The proposed edits of this question could not be read back (ENOENT).' } }));
    await w.page.waitForSelector('[data-testid="review-error"]');
    await assertClean(w);
    await w.close();
  });

  test('hostile paths, lines, notes and output are text, never markup', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const review = reviewOf('x1', { validation: { command: `npm test ${hostile}`, state: 'failed', exitCode: 1, outputTail: `<script>window.__pwned=2</script>${hostile}` } });
    review.files[0] = { ...review.files[0]!, path: `src/${hostile}.ts`, notes: [`note ${hostile}`], hunks: [{ ...review.files[0]!.hunks[0]!, preview: [`+${hostile}`, '-<script>window.__pwned=3</script>'] }] };
    const w = await withReview(review);
    await w.frames(3);
    assert.equal(await w.page.locator('#app img, #app script').count(), 0);
    assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.match(await w.page.locator('[data-testid="review-file-open"]').first().textContent() ?? '', /<img src=x/);
    assert.deepEqual(await w.page.locator('[data-testid="review-hunk"]').first().locator('.hunk-lines span').allTextContents(), [`+${hostile}`, '-<script>window.__pwned=3</script>']);
    await assertClean(w);
    await w.close();
  });
});
