// Light, dark and high-contrast: the pages take every colour from VS Code's theme variables. In Chromium,
// with each theme's variables on the body as VS Code sets them, every colour our elements compute is one of
// the theme's; text stands out from what is behind it; high contrast draws its borders and focus outline.
// Screenshots of each go to .test-output/webview/ for a look.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { HostToChat, HostToTree } from '../../src/protocol/messages';
import { launchChromium, message, NO_CHROMIUM, openWebview, type Webview } from './harness';
import { chat, doneExchange, endingEvents, READY, reviewOf, runningEvents, SENSITIVE_FILE, T0 } from './protocolData';
import { THEMES, type ThemeKind } from './themes';

const ROOT = join(__dirname, '..', '..');
const SHOTS = join(ROOT, '.test-output', 'webview');

/** Colours our own elements compute that are not one of the theme's, as "selector property colour". */
async function foreignColours(page: Page, theme: ThemeKind): Promise<string[]> {
  return page.evaluate((vars) => {
    const probe = document.createElement('div');
    document.body.append(probe);
    const allowed = new Set(['rgba(0, 0, 0, 0)']);
    for (const value of Object.values(vars)) {
      probe.style.color = value;
      allowed.add(getComputedStyle(probe).color);
    }
    probe.remove();
    const bad: string[] = [];
    // Light DOM only: inside @vscode-elements the library draws from the same variables.
    for (const el of [document.body, ...document.querySelectorAll('#app *')]) {
      const style = getComputedStyle(el);
      const props: Array<[string, string]> = [['color', style.color], ['background-color', style.backgroundColor]];
      for (const side of ['Top', 'Right', 'Bottom', 'Left'] as const) {
        if (parseFloat(style[`border${side}Width`]) > 0 && style[`border${side}Style`] !== 'none') props.push([`border-${side.toLowerCase()}-color`, style[`border${side}Color`]]);
      }
      if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) props.push(['outline-color', style.outlineColor]);
      for (const [prop, value] of props) {
        if (!allowed.has(value)) bad.push(`${el.localName}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} ${prop} ${value}`);
      }
    }
    return [...new Set(bad)];
  }, THEMES[theme].vars);
}

/** The colour of `selector`'s text and the first non-transparent background behind it. */
async function contrastPair(page: Page, selector: string): Promise<[string, string]> {
  return page.locator(selector).first().evaluate((el) => {
    let bg = 'rgba(0, 0, 0, 0)';
    for (let e: Element | null = el; e && bg === 'rgba(0, 0, 0, 0)'; e = e.parentElement) bg = getComputedStyle(e).backgroundColor;
    return [getComputedStyle(el).color, bg] as [string, string];
  });
}

function luminance(rgb: string): number {
  const [r, g, b] = rgb.match(/[\d.]+/g)!.slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = ([fg, bg]: [string, string]) => {
  const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
  return (a + 0.05) / (b + 0.05);
};

describe('themes', { skip: NO_CHROMIUM }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });

  async function chatPage(theme: ThemeKind): Promise<Webview> {
    const w = await openWebview(browser, 'chat', { theme });
    const answer = 'The delay is computed in `src/retry.ts:2`:\n\n```ts\nexport function backoff(attempt: number) {\n  return 2 ** attempt * 100; // ms\n}\n```\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |';
    const failed = { id: 'x2', question: 'And the jitter?', status: 'error' as const, detail: 'No API key for OpenAI.', actions: [{ label: 'Set API key', command: 'rlm.setApiKey' }], startedAt: T0 };
    const running = { id: 'x3', question: 'And where is it called?', status: 'running' as const, startedAt: Date.now() };
    const setup = { ...READY, ready: false, problem: { message: 'No API key for OpenAI.', actions: [{ label: 'Set API key', command: 'rlm.setApiKey' }] }, localServer: { url: 'http://127.0.0.1:11434/v1', models: ['qwen2.5-coder'] } };
    await w.send(message<HostToChat>({ type: 'chat/state', chat: chat([doneExchange('x1', answer, { question: 'Where is the backoff computed?', focus: { path: 'src/retry.ts', startLine: 1, endLine: 9 } }), failed, running]), history: [{ id: 'c1', title: 'Backoff', updatedAt: T0 }], setup, busy: true }));
    await w.send(message<HostToChat>({ type: 'run/events', chatId: 'c1', exchangeId: 'x3', events: runningEvents() }));
    const review = reviewOf('x1');
    await w.send(message<HostToChat>({ type: 'review/state', chatId: 'c1', review: { ...review, files: [...review.files, SENSITIVE_FILE] } }));
    await w.page.waitForSelector('[data-testid="status-line"]');
    await w.page.waitForSelector('[data-testid="change-set"]');
    await w.page.click('[data-testid="history-toggle"]');
    await w.page.locator('[data-testid="question"]').click();
    await w.frames(3);
    return w;
  }

  async function treePage(theme: ThemeKind): Promise<Webview> {
    const w = await openWebview(browser, 'trajectory', { theme, width: 900, height: 500 });
    await w.send(message<HostToTree>({ type: 'tree/reset', title: 'Where is the backoff computed?', events: [...runningEvents(), ...endingEvents().slice(0, 3)], live: true, source: { file: 'run.rlm.jsonl', receipt: 'missing', skipped: {} } }));
    await w.page.click('[data-node-id="s1.r1.t1.c1.s2"]');
    await w.page.waitForSelector('[data-testid="node-detail"]');
    await w.page.click('[data-node-id="s1.r1.t1.c1"]');
    await w.frames(3);
    return w;
  }

  for (const theme of Object.keys(THEMES) as ThemeKind[]) {
    test(`${theme}: every colour comes from the theme, text stands out, the focus shows`, async () => {
      const chatView = await chatPage(theme);
      await chatView.page.screenshot({ path: join(SHOTS, `chat-${theme}.png`) });
      assert.deepEqual(await foreignColours(chatView.page, theme), [], 'chat');
      const vars = THEMES[theme].vars;
      for (const selector of ['[data-testid="answer"] p', '[data-testid="question-text"]', '[data-testid="status-line"] [data-field="turn"]', '[data-testid="error"]', '[data-testid="welcome"] p', '[data-testid="answer-footer"] [data-field="cost"]', '[data-testid="history-item"] .title', '[data-testid="path-link"]', '[data-testid="review-file-open"]', '.hunk-lines .add', '.hunk-lines .del', '[data-testid="review-note"]', '[data-testid="review-sensitive"]', '[data-testid="review-sensitive-badge"]', '[data-testid="validation-verdict"]']) {
        const ratio = contrast(await contrastPair(chatView.page, selector));
        assert.ok(ratio >= 3, `${theme} ${selector}: contrast ${ratio.toFixed(2)}`);
      }
      assert.equal(await chatView.page.evaluate(() => getComputedStyle(document.body).backgroundColor), await chatView.page.evaluate((c) => {
        const p = document.createElement('div');
        p.style.color = c;
        document.body.append(p);
        return getComputedStyle(p).color;
      }, vars['--vscode-sideBar-background']!));
      if (theme === 'high-contrast') {
        // High contrast outlines what other themes separate by shade.
        const border = await chatView.page.locator('[data-testid="question-text"]').first().evaluate((el) => getComputedStyle(el).borderTopColor);
        assert.equal(border, 'rgb(111, 195, 223)', 'the question box has the contrast border');
      }
      await chatView.close();

      const tree = await treePage(theme);
      await tree.page.screenshot({ path: join(SHOTS, `trajectory-${theme}.png`) });
      assert.deepEqual(await foreignColours(tree.page, theme), [], 'trajectory');
      for (const selector of ['.row .label', '.row [data-field="cost"]', '[data-testid="node-detail"] .detail-title', '[data-testid="node-detail"] pre']) {
        const ratio = contrast(await contrastPair(tree.page, selector));
        assert.ok(ratio >= 3, `${theme} ${selector}: contrast ${ratio.toFixed(2)}`);
      }
      // Keyboard focus on the tree: the selected row carries the focus colours.
      await tree.page.locator('[data-testid="tree"]').focus();
      const selected = await tree.page.locator('.row.selected').evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).borderTopColor]);
      const expectedBg = await tree.page.evaluate((c) => {
        const p = document.createElement('div');
        p.style.color = c;
        document.body.append(p);
        return getComputedStyle(p).color;
      }, vars['--vscode-list-activeSelectionBackground']!);
      assert.equal(selected[0], expectedBg);
      assert.deepEqual(await foreignColours(tree.page, theme), [], 'trajectory with focus');
      assert.deepEqual(tree.errors, []);
      await tree.close();
    });
  }
});

test('the pages\' CSS names no colour of its own: only var(--vscode-*)', () => {
  const css = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? css(join(dir, e.name)) : e.name.endsWith('.css') ? [join(dir, e.name)] : []);
  const files = css(join(ROOT, 'webview'));
  assert.ok(files.length >= 3);
  const literal = /#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color-mix)\(|:\s*(?:white|black|red|green|blue|gray|grey|yellow|orange|purple|silver)\b/i;
  for (const file of files) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      assert.doesNotMatch(line, literal, `${file}:${i + 1}`);
    });
  }
});
