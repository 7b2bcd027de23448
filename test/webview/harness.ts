// Loads a built webview page (dist/webview/<page>.js + .css) in Debian's Chromium the way VS Code serves it:
// the same Content-Security-Policy as src/extension/webviewHtml.ts (scripts by nonce only, no remote anything),
// the page's strings when a test gives a translation, the theme's variables on the body, and a fake `acquireVsCodeApi` that records what the page posts and keeps
// its state. Tests send protocol messages as the host would (window.postMessage). Every request that is not
// the page's own file is recorded as a leak and aborted; CSP violations and page errors are recorded too.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pageStringsHtml, type MessageOf, type PageStrings } from '../../src/protocol/messages';
import { THEMES, type ThemeKind } from './themes';

export const CHROMIUM = '/usr/bin/chromium';
/** Set when the browser is missing: the tests skip with this message (CI installs it, see .ci/run). */
export const NO_CHROMIUM = existsSync(CHROMIUM) ? undefined : `Debian chromium is not installed at ${CHROMIUM} (apt-get install -y chromium): webview tests skipped`;

const ROOT = join(__dirname, '..', '..');
/** Where the page "comes from": stands in for the webview's resource origin (webview.cspSource). */
export const ORIGIN = 'https://webview.rlm.test';

/** Chromium for the tests of a file (or suite): launched before them, closed after them; the getter gives it. */
export function chromiumForTests(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    if (!NO_CHROMIUM) browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser!;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export type PageName = 'chat' | 'trajectory';

export interface OpenOptions {
  theme?: ThemeKind;
  /** What getState() returns at load (a reload restores from it). */
  state?: unknown;
  width?: number;
  height?: number;
  /** The translations the host gives the page in its HTML (vscode.l10n.bundle); none: English. */
  strings?: PageStrings;
}

export interface Webview {
  page: Page;
  /** Requests to anything but the page's own files, aborted. */
  leaks: string[];
  /** Uncaught errors and console errors of the page. */
  errors: string[];
  /** Sends a host message to the page. */
  send(message: { type: string } & Record<string, unknown>): Promise<void>;
  /** Everything the page posted so far. */
  posted(): Promise<Array<{ type: string } & Record<string, unknown>>>;
  /** Waits for the page to post a message of `type` (after the `after`-th message) and returns it. */
  waitForPosted(type: string, after?: number): Promise<{ type: string } & Record<string, unknown>>;
  violations(): Promise<Array<{ directive: string; blocked: string; sample: string }>>;
  state(): Promise<unknown>;
  /** Resolves after `n` animation frames (the pages apply messages once per frame). */
  frames(n?: number): Promise<void>;
  close(): Promise<void>;
}

export async function openWebview(browser: Browser, pageName: PageName, options: OpenOptions = {}): Promise<Webview> {
  const theme = THEMES[options.theme ?? 'dark'];
  const context = await browser.newContext({ viewport: { width: options.width ?? 420, height: options.height ?? 800 } });
  const leaks: string[] = [];
  const errors: string[] = [];
  const nonce = randomBytes(16).toString('base64');
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === `${ORIGIN}/index.html`) {
      return route.fulfill({ contentType: 'text/html', body: harnessHtml(pageName, nonce, theme, options) });
    }
    const file = url.startsWith(`${ORIGIN}/dist/webview/`) ? url.slice(`${ORIGIN}/`.length).split(/[?#]/)[0]! : '';
    if (file && !file.includes('..') && existsSync(join(ROOT, file))) {
      return route.fulfill({ contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(join(ROOT, file)) });
    }
    leaks.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  context.on('page', (popup) => leaks.push(`popup: ${popup.url()}`));
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as Harness).__rlm.posted.some((m) => m.type === 'ready'));

  const webview: Webview = {
    page,
    leaks,
    errors,
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    posted: () => page.evaluate(() => (window as unknown as Harness).__rlm.posted),
    waitForPosted: async (type, after = 0) => {
      const handle = await page.waitForFunction(([t, a]) => (window as unknown as Harness).__rlm.posted.slice(a as number).find((m) => m.type === t), [type, after] as const);
      return (await handle.jsonValue()) as { type: string } & Record<string, unknown>;
    },
    violations: () => page.evaluate(() => (window as unknown as Harness).__rlm.violations),
    state: () => page.evaluate(() => (window as unknown as Harness).__rlm.state),
    // A string: tsx would wrap named arrow functions in a helper the page does not have.
    frames: (n = 2) => page.evaluate(`new Promise((resolve) => {
      let left = ${Number(n)};
      function tick() { if (--left <= 0) resolve(); else requestAnimationFrame(tick); }
      requestAnimationFrame(tick);
    })`),
    close: () => context.close(),
  };
  return webview;
}

/** The page threw nothing, asked for nothing outside its files, and broke no rule of its CSP. */
export async function assertClean(w: Webview): Promise<void> {
  assert.deepEqual(w.errors, []);
  assert.deepEqual(w.leaks, []);
  assert.deepEqual(await w.violations(), []);
}

/** Typed host messages for a page's map (keeps the tests honest about the protocol). */
export function message<M>(m: MessageOf<M>): { type: string } & Record<string, unknown> {
  return m as unknown as { type: string } & Record<string, unknown>;
}

interface Harness {
  __rlm: { posted: Array<{ type: string }>; violations: Array<{ directive: string; blocked: string; sample: string }>; state: unknown };
}

/**
 * The Content-Security-Policy src/extension/webviewHtml.ts gives every page, read from its source so the harness
 * cannot drift from it: the directives of its `const csp = [...]`, with this nonce and ORIGIN for webview.cspSource.
 */
export function webviewCsp(nonce: string): string {
  const source = readFileSync(join(ROOT, 'src', 'extension', 'webviewHtml.ts'), 'utf8');
  const list = /const csp = \[([\s\S]*?)\]\.join\('; '\)/.exec(source)?.[1];
  const directives = [...(list ?? '').matchAll(/(["'`])((?:(?!\1).)*)\1/g)].map((m) => m[2]!
    .replace(/\$\{nonce\}/g, nonce)
    .replace(/\$\{webview\.cspSource\}/g, ORIGIN));
  if (directives.length === 0 || directives.some((d) => d.includes('${'))) {
    throw new Error('test/webview/harness.ts cannot read the CSP in src/extension/webviewHtml.ts any more: update webviewCsp()');
  }
  return directives.join('; ');
}

function harnessHtml(page: PageName, nonce: string, theme: (typeof THEMES)[ThemeKind], { state, strings }: OpenOptions): string {
  const csp = webviewCsp(nonce);
  const vars = Object.entries(theme.vars).map(([k, v]) => `${k}: ${v}`).join('; ');
  const fakeHost = `(() => {
  const rlm = { posted: [], violations: [], state: ${JSON.stringify(state ?? null)} };
  window.__rlm = rlm;
  document.addEventListener('securitypolicyviolation', (e) => rlm.violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage: (m) => rlm.posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => rlm.state === null ? undefined : rlm.state,
      setState: (s) => { rlm.state = JSON.parse(JSON.stringify(s)); return s; },
    });
  };
})();`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${ORIGIN}/dist/webview/${page}.css">
</head>
<body data-page="${page}" class="${theme.bodyClass}" data-vscode-theme-kind="${theme.bodyClass}" style="${vars.replace(/"/g, '&quot;')}">
<div id="app"></div>
<script nonce="${nonce}">${fakeHost}</script>
${pageStringsHtml(strings, nonce)}
<script nonce="${nonce}" src="${ORIGIN}/dist/webview/${page}.js"></script>
</body>
</html>`;
}
