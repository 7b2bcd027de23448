// A 5 MB answer never holds the page: the Chat view renders the part it shows in pieces, a slice at a time, and
// lays out only the pieces on screen; the trace's node detail shows the start of a long text. Measured in Chromium
// while the answer arrives, renders, and is scrolled through from top to bottom: the long tasks Chromium reports
// (over 50 ms), the long animation frames, and the gaps between frames. Answers: a package-lock.json as the host
// sends it (its first 200,000 characters and its length), the same 5 MB sent whole (the page cuts it itself), one
// 5 MB line, one 5 MB code block, and deeply nested Markdown and HTML an adversary might plant. Runs alone (a
// `.serial` test, after the others) so the other test files do not take the cores it measures on.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shownAnswer } from '../../src/extension/chats/answers';
import type { RlmEvent } from '../../src/core/trajectory/events';
import { ANSWER_SHOWN_CHARS, type HostToChat, type HostToTree, type MessageOf } from '../../src/protocol/messages';
import { chromiumForTests, NO_CHROMIUM, openWebview } from './harness';
import { LARGE_ANSWERS } from './largeAnswers';
import { chat, doneExchange, READY, T0 } from './protocolData';

const LONG_TASK_MS = 50;

interface Measured {
  /** Tasks Chromium reported as long (over 50 ms), their durations. */
  longTasks: number[];
  /** Animation frames over 50 ms (script, style, layout and paint of one frame), their durations. */
  longFrames: number[];
  maxFrameGapMs: number;
  renderedMs: number;
  pieces: number;
  piecesInDom: number;
  text: number;
}

// In the page: post `message` as the host would, wait until the answer is rendered, scroll it from top to bottom
// and back, and report what held the page meanwhile. A string: it runs as written, without the test compiler's helpers.
const DRIVER = `async ({ message, selector }) => {
  const longTasks = [];
  const longFrames = [];
  const gaps = [];
  const tasks = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(Math.round(e.duration)); });
  tasks.observe({ type: 'longtask', buffered: false });
  const frames = new PerformanceObserver((list) => { for (const e of list.getEntries()) longFrames.push(Math.round(e.duration)); });
  frames.observe({ type: 'long-animation-frame', buffered: false });
  let measuring = true;
  let last = performance.now();
  function frame(now) { gaps.push(now - last); last = now; if (measuring) requestAnimationFrame(frame); }
  await new Promise((r) => requestAnimationFrame(() => { last = performance.now(); requestAnimationFrame(frame); r(); }));
  const nextFrame = () => new Promise((r) => requestAnimationFrame(r));
  const started = performance.now();
  window.postMessage(message, '*');
  const el = await new Promise((resolve) => {
    function check() {
      const found = document.querySelector(selector);
      if (found && !found.hasAttribute('data-rendering') && found.childElementCount === Number(found.dataset.pieces ?? found.childElementCount)) resolve(found);
      else requestAnimationFrame(check);
    }
    check();
  });
  const renderedMs = performance.now() - started;
  const scroller = document.querySelector('.conversation') ?? document.scrollingElement;
  for (let step = 0; step <= 40; step++) {
    scroller.scrollTop = (scroller.scrollHeight - scroller.clientHeight) * (step / 40);
    await nextFrame();
  }
  scroller.scrollTop = 0;
  await nextFrame();
  await new Promise((r) => setTimeout(r, 300));
  measuring = false;
  tasks.disconnect();
  frames.disconnect();
  return { longTasks, longFrames, maxFrameGapMs: Math.round(Math.max(...gaps)), renderedMs: Math.round(renderedMs),
    pieces: Number(el.dataset.pieces ?? 1), piecesInDom: el.childElementCount, text: el.textContent.length };
}`;

const browser = chromiumForTests();

const figures: Record<string, Measured> = {};

async function measureChat(name: string, answer: string, extra: Parameters<typeof doneExchange>[2] = {}): Promise<Measured> {
  const w = await openWebview(browser(), 'chat', { width: 420, height: 800 });
  try {
    const message: MessageOf<HostToChat> = { type: 'chat/state', chat: chat([doneExchange('x1', answer, extra)]), history: [], setup: READY, busy: false };
    const measured = await w.page.evaluate(`(${DRIVER})(${JSON.stringify({ message, selector: '[data-testid="answer"]' })})`) as Measured;
    figures[name] = measured;
    console.log(`${name}: ${JSON.stringify(measured)}`);
    assert.deepEqual(w.errors, []);
    return measured;
  } finally {
    await w.close();
  }
}

function assertResponsive(m: Measured): void {
  assert.deepEqual(m.longTasks.filter((d) => d > LONG_TASK_MS), [], `long tasks ${JSON.stringify(m.longTasks)}`);
  assert.ok(m.longFrames.every((d) => d <= LONG_TASK_MS + 1), `long animation frames ${JSON.stringify(m.longFrames)}`);
}

test('a 5 MB package-lock.json as the host sends it (the first 200,000 characters): rendered in pieces, no task over 50 ms', { skip: NO_CHROMIUM, timeout: 120_000 }, async () => {
  const lock = LARGE_ANSWERS.lockfile();
  const sent = shownAnswer(lock);
  assert.equal(sent.answerChars, lock.length);
  const m = await measureChat('lockfile (host cut)', sent.answer!, { answerChars: sent.answerChars });
  assert.ok(m.pieces > 20 && m.piecesInDom === m.pieces, `${m.piecesInDom} of ${m.pieces} pieces`);
  assert.ok(m.text > ANSWER_SHOWN_CHARS * 0.9 && m.text <= ANSWER_SHOWN_CHARS);
  assertResponsive(m);
});

for (const [name, make] of Object.entries(LARGE_ANSWERS)) {
  test(`5 MB sent whole (${name}): the page shows its first 200,000 characters, no task over 50 ms`, { skip: NO_CHROMIUM, timeout: 120_000 }, async () => {
    const answer = make();
    assert.ok(answer.length >= 5 * 1024 * 1024);
    const m = await measureChat(`${name} (whole)`, answer);
    assert.ok(m.text <= ANSWER_SHOWN_CHARS, `${m.text} characters in the answer`);
    assertResponsive(m);
  });
}

test('the trajectory view: a run whose answer is 5 MB, its node selected: the detail shows the start, no task over 50 ms', { skip: NO_CHROMIUM, timeout: 120_000 }, async () => {
  const answer = LARGE_ANSWERS.lockfile();
  const totals = { calls: 1, inputTokens: 1, outputTokens: 1, costUsd: 0, estimated: false };
  const events: RlmEvent[] = [
    { type: 'run_start', time: T0, id: 's1.r1', depth: 0, question: 'Print the lock file', rootModel: 'gpt-5', subModel: 'gpt-5-mini', context: { type: 'workspace', size: 1, files: 1 } },
    { type: 'run_end', time: T0 + 1, id: 's1.r1', status: 'done', answer, stopReason: 'final', iterations: 1, subCalls: 0, usage: { root: totals, sub: totals, total: totals }, durationMs: 1 },
  ];
  const w = await openWebview(browser(), 'trajectory', { width: 900, height: 800 });
  try {
    const reset: MessageOf<HostToTree> = { type: 'tree/reset', title: 'Print the lock file', events, live: false };
    await w.page.evaluate((m) => window.postMessage(m, '*'), reset);
    await w.page.waitForSelector('[data-testid="tree-row"][data-node-id="s1.r1"]');
    const clicked = await w.page.evaluate(`(async () => {
      const long = [];
      const o = new PerformanceObserver((list) => { for (const e of list.getEntries()) long.push(Math.round(e.duration)); });
      o.observe({ type: 'longtask', buffered: false });
      const started = performance.now();
      document.querySelector('[data-testid="tree-row"][data-node-id="s1.r1"]').click();
      await new Promise((resolve) => { function check() { if (document.querySelector('[data-testid="detail-output"]')) resolve(); else requestAnimationFrame(check); } check(); });
      await new Promise((r) => setTimeout(r, 300));
      o.disconnect();
      return { long, shownMs: Math.round(performance.now() - started - 300) };
    })()`) as { long: number[]; shownMs: number };
    console.log(`trajectory detail of a 5 MB answer: ${JSON.stringify(clicked)}`);
    assert.deepEqual(clicked.long.filter((d) => d > LONG_TASK_MS), []);
    assert.match(await w.page.textContent('[data-testid="cut-output"]') ?? '', /Shown: the first 20 kB of 5\.\d MB\./);
    assert.deepEqual(w.errors, []);
  } finally {
    await w.close();
  }
});

after(() => {
  if (Object.keys(figures).length === 0) return;
  // Where the README's figures come from.
  const dir = join(__dirname, '..', '..', '.test-output', 'webview');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'answers.json'), JSON.stringify(figures, null, 2));
});
