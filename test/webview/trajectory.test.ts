// The Trajectory view in Chromium: the tree folded from tree/reset + tree/events with statuses and rolled-up
// figures equal to TrajectoryTree's, virtual rows, selection and detail, copy, expand/collapse by mouse and
// keyboard, search, and where a trace file came from.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { HostToTree } from '../../src/protocol/messages';
import type { RlmEvent } from '../../src/core/trajectory/events';
import { TrajectoryTree, type TreeNode } from '../../src/core/trajectory/TrajectoryTree';
import { formatCost, formatDuration } from '../../webview/shared/format';
import { DETAIL_SHOWN_CHARS } from '../../webview/trajectory/nodeDetail';
import { sampleRun } from '../core/trajectory/sampleRun';
import { assertClean, launchChromium, message, NO_CHROMIUM, openWebview, type Webview } from './harness';
import { endingEvents, largeRun, runningEvents } from './protocolData';

const msg = (m: Parameters<typeof message<HostToTree>>[0]) => message<HostToTree>(m);

function walk(nodes: TreeNode[], out: TreeNode[] = []): TreeNode[] {
  for (const n of nodes) {
    out.push(n);
    walk(n.children, out);
  }
  return out;
}

interface RowInfo { id: string; status: string; kind: string; level: string; cost: string; time: string; expanded: string | null; role: string; posinset: string; setsize: string }
const rowsOf = (w: Webview): Promise<RowInfo[]> => w.page.locator('[data-testid="tree-row"]').evaluateAll((els) => els
  .map((e) => ({
    id: e.getAttribute('data-node-id')!, status: e.getAttribute('data-status')!, kind: e.getAttribute('data-kind')!, level: e.getAttribute('aria-level')!,
    cost: e.querySelector('[data-field="cost"]')!.textContent!, time: e.querySelector('[data-field="time"]')!.textContent!, expanded: e.getAttribute('aria-expanded'),
    role: e.getAttribute('role')!, posinset: e.getAttribute('aria-posinset')!, setsize: e.getAttribute('aria-setsize')!,
  })));
/** What a screen reader is told of each row's place: level, place among its siblings, and their number. */
const placesOf = async (w: Webview) => (await rowsOf(w)).map((r) => `${r.role} ${r.level} ${r.posinset}/${r.setsize}`);

describe('Trajectory view', { skip: NO_CHROMIUM }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('the live tree shows each node with the status and rolled-up cost and time TrajectoryTree folds', async () => {
    const w = await openWebview(browser, 'trajectory');
    const first = runningEvents();
    await w.send(msg({ type: 'tree/reset', title: 'Where is the backoff computed?', events: first.slice(0, 8), live: true }));
    await w.send(msg({ type: 'tree/events', events: first.slice(8) }));
    await w.page.waitForSelector('[data-node-id="s1.r1.t1.c1.s2"][data-status="error"]');
    await w.frames();
    const check = async (events: typeof first) => {
      const tree = TrajectoryTree.from(events);
      const expected = walk(tree.roots).map((n) => ({ id: n.id, status: n.status, cost: formatCost(n.total.costUsd), time: formatDuration(n.total.elapsedMs) }));
      assert.deepEqual((await rowsOf(w)).map(({ id, status, cost, time }) => ({ id, status, cost, time })), expected);
    };
    await check(first);
    const statuses = new Set((await rowsOf(w)).map((r) => r.status));
    for (const s of ['running', 'done', 'error']) assert.ok(statuses.has(s), `a ${s} row`);
    assert.equal(await w.page.getAttribute('[data-node-id="s1.r1.t1.c1.s3"]', 'data-status'), 'running');
    assert.equal(await w.page.locator('[data-testid="live"]').count(), 1);
    assert.deepEqual((await rowsOf(w)).map((r) => r.level), ['1', '2', '3', '4', '4', '4']);
    assert.deepEqual(await placesOf(w), ['treeitem 1 1/1', 'treeitem 2 1/1', 'treeitem 3 1/1', 'treeitem 4 1/3', 'treeitem 4 2/3', 'treeitem 4 3/3']);
    // A queued sub-call (no slot yet), then the rest of the run.
    await w.send(msg({ type: 'tree/events', events: [{ type: 'subcall_start', time: first.at(-1)!.time, id: 's1.r1.t1.c1.s4', parentId: 's1.r1.t1.c1', fn: 'llm_query', model: 'gpt-5-mini', prompt: 'wait', promptChars: 4 }] }));
    await w.page.waitForSelector('[data-node-id="s1.r1.t1.c1.s4"][data-status="queued"]');
    await w.frames();
    // A sibling appended live: the earlier ones now say "of 4".
    assert.deepEqual((await placesOf(w)).slice(3), ['treeitem 4 1/4', 'treeitem 4 2/4', 'treeitem 4 3/4', 'treeitem 4 4/4']);
    const rest = [...first, { type: 'subcall_start', time: first.at(-1)!.time, id: 's1.r1.t1.c1.s4', parentId: 's1.r1.t1.c1', fn: 'llm_query', model: 'gpt-5-mini', prompt: 'wait', promptChars: 4 } as const,
      { type: 'subcall_end', time: first.at(-1)!.time + 1, id: 's1.r1.t1.c1.s4', parentId: 's1.r1.t1.c1', status: 'cancelled', model: 'gpt-5-mini', response: '', usage: { inputTokens: 1, outputTokens: 0, estimated: true }, costUsd: 0, latencyMs: 0 } as const,
      ...endingEvents()];
    await w.send(msg({ type: 'tree/events', events: rest.slice(first.length + 1) }));
    await w.page.waitForSelector('[data-node-id="s1.r1"][data-status="done"]');
    await w.frames();
    await check(rest);
    assert.equal(await w.page.getAttribute('[data-node-id="s1.r1.t1.c1.s4"]', 'data-status'), 'cancelled');
    assert.equal(await w.page.locator('[data-testid="live"]').count(), 0, 'the run ended');
    assert.equal(await w.page.textContent('[data-testid="tree-count"]'), '8 nodes');
    await assertClean(w);
    await w.close();
  });

  test('only the rows in view are in the DOM; scrolling brings the others', async () => {
    const w = await openWebview(browser, 'trajectory', { height: 600 });
    const { events, lastNodeId } = largeRun(2_000);
    await w.send(msg({ type: 'tree/reset', title: 'big', events, live: false }));
    await w.page.waitForFunction(() => document.querySelector('[data-testid="tree-count"]')?.textContent === '2,000 nodes');
    await w.frames();
    const inDom = await w.page.locator('[data-testid="tree-row"]').count();
    assert.ok(inDom > 5 && inDom < 80, `rows in the DOM: ${inDom}`);
    assert.equal(await w.page.locator(`[data-node-id="${lastNodeId}"]`).count(), 0);
    await w.page.locator('[data-testid="tree"]').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await w.page.waitForSelector(`[data-node-id="${lastNodeId}"]`);
    assert.ok(await w.page.locator('[data-testid="tree-row"]').count() < 80);
    await assertClean(w);
    await w.close();
  });

  test('selecting a node shows its full detail; copy posts its prompt or output', async () => {
    const w = await openWebview(browser, 'trajectory', { width: 900 });
    const events = [...runningEvents(), ...endingEvents()];
    await w.send(msg({ type: 'tree/reset', title: 'q', events, live: false }));
    const page = w.page;
    await page.click('[data-node-id="s1.r1.t1.c1.s2"]');
    const detail = page.locator('[data-testid="node-detail"]');
    await page.waitForSelector('[data-testid="node-detail"][data-node-id="s1.r1.t1.c1.s2"]');
    const field = (name: string) => detail.locator(`[data-field="${name}"]`).textContent();
    assert.match((await field('status'))!, /error/);
    assert.equal(await field('model'), 'gpt-5-mini');
    assert.equal(await field('function'), 'llm_query_batched');
    assert.equal(await field('batch'), 's1.r1.b1');
    assert.equal(await field('slot'), '1');
    assert.equal(await field('latency'), '8ms');
    assert.equal(await field('queued'), '1ms');
    assert.equal(await field('own-input-tokens'), '300');
    assert.equal(await field('own-cost'), '$0.0003');
    assert.equal(await page.textContent('[data-testid="detail-error"]'), '500 from the server');
    assert.equal(await page.textContent('[data-testid="detail-input"]'), 'Summarise chunk 1');
    await page.click('[data-testid="copy-input"]');
    assert.deepEqual(await w.waitForPosted('clipboard/copy'), { type: 'clipboard/copy', text: 'Summarise chunk 1' });
    // A cell: its code and output; rolled-up figures beside its own.
    await page.click('[data-node-id="s1.r1.t1.c1"]');
    await page.waitForSelector('[data-testid="node-detail"][data-node-id="s1.r1.t1.c1"]');
    assert.equal(await page.textContent('[data-testid="detail-input"]'), 'const hits = grep("backoff")');
    const cell = TrajectoryTree.from(events).get('s1.r1.t1.c1')!;
    assert.equal(await field('total-cost'), formatCost(cell.total.costUsd));
    assert.equal(await field('total-subcalls'), '3');
    assert.equal(await field('total-errors'), '1');
    const n = (await w.posted()).length;
    await page.click('[data-testid="copy-output"]');
    assert.deepEqual(await w.waitForPosted('clipboard/copy', n), { type: 'clipboard/copy', text: '3 hits' });
    // The run: question, answer, stop reason, models.
    await page.click('[data-node-id="s1.r1"]');
    await page.waitForSelector('[data-testid="node-detail"][data-node-id="s1.r1"]');
    assert.equal(await field('stopped'), 'final answer');
    assert.equal(await field('root-model'), 'gpt-5');
    assert.equal(await page.textContent('[data-testid="detail-output"]'), 'In src/retry.ts:2');
    // References in a node's text open the file, as in the chat.
    await page.click('[data-testid="detail-output"] [data-testid="path-link"]');
    assert.deepEqual(await w.waitForPosted('link/open'), { type: 'link/open', path: 'src/retry.ts', line: 2 });
    // The selection is kept in the view state.
    assert.equal((await w.state() as { selectedId: string }).selectedId, 's1.r1');
    await assertClean(w);
    await w.close();
  });

  test('caching and compaction: cached tokens and savings beside the billed cost, a reused answer marked, a compaction with its summary', async () => {
    const w = await openWebview(browser, 'trajectory', { width: 900 });
    const id = 's1.r1';
    const c = `${id}.t1.c1`;
    const events: RlmEvent[] = [
      { type: 'run_start', time: 1, id, depth: 0, question: 'q', rootModel: 'gpt-5', subModel: 'gpt-5-mini', context: { type: 'text', size: 10 } },
      { type: 'turn_start', time: 2, id: `${id}.t1`, parentId: id, iteration: 1 },
      { type: 'turn_end', time: 3, id: `${id}.t1`, parentId: id, status: 'done', text: 'x', model: 'gpt-5', usage: { inputTokens: 6_000, outputTokens: 50, estimated: false, cachedInputTokens: 5_120 }, costUsd: 0.002, savedUsd: 0.0058, latencyMs: 1 },
      { type: 'cell_start', time: 4, id: c, parentId: `${id}.t1`, index: 0, code: 'llm_query("a")' },
      { type: 'subcall_start', time: 5, id: `${c}.s1`, parentId: c, fn: 'llm_query', model: 'gpt-5-mini', prompt: 'a', promptChars: 1 },
      { type: 'subcall_end', time: 6, id: `${c}.s1`, parentId: c, status: 'done', model: 'gpt-5-mini', response: 'b', usage: { inputTokens: 0, outputTokens: 0, estimated: false }, costUsd: 0, savedUsd: 0.001, cached: true, latencyMs: 0 },
      { type: 'cell_end', time: 7, id: c, parentId: `${id}.t1`, status: 'done', output: 'b', durationMs: 3 },
      { type: 'compaction_start', time: 8, id: `${id}.k1`, parentId: id, reason: 'window', model: 'gpt-5', window: 8_192, tokensBefore: 7_100, turns: 1 },
      { type: 'compaction_end', time: 9, id: `${id}.k1`, parentId: id, status: 'done', summary: 'The count is in `count.n`.', model: 'gpt-5', usage: { inputTokens: 7_200, outputTokens: 20, estimated: false }, costUsd: 0.009, latencyMs: 1, tokensAfter: 2_000 },
    ];
    await w.send(msg({ type: 'tree/reset', title: 'q', events, live: false }));
    const page = w.page;
    await page.waitForSelector(`[data-node-id="${id}.k1"][data-kind="compaction"]`);
    const saved = await page.textContent(`[data-node-id="${id}"] [data-field="saved"]`);
    assert.equal(saved, 'saved $0.0068');
    assert.match((await page.getAttribute(`[data-node-id="${id}.t1"]`, 'title'))!, /6\.0k in \(5\.1k cached\) \+ 50 out tokens · \$0\.0020 \(saved \$0\.0068\)/, 'the turn\'s figures roll up its cell\'s reused answer');
    assert.match((await page.textContent(`[data-node-id="${c}.s1"] .label`))!, /\(cached\)/);
    assert.match((await page.textContent('[data-testid="tree-total"]'))!, /\$0\.0110 \(saved \$0\.0068\)/);
    await page.click(`[data-node-id="${id}.k1"]`);
    await page.waitForSelector(`[data-testid="node-detail"][data-node-id="${id}.k1"]`);
    const detail = page.locator('[data-testid="node-detail"]');
    assert.equal(await detail.locator('[data-field="window"]').textContent(), '8,192 tokens');
    assert.match((await detail.locator('[data-field="history"]').textContent())!, /7,100 tokens → 2,000/);
    assert.equal(await page.textContent('[data-testid="detail-output"]'), 'The count is in `count.n`.');
    assert.equal(await detail.locator('[data-field="own-cost"]').textContent(), '$0.0090');
    await assertClean(w);
    await w.close();
  });

  test('expand and collapse with the mouse and the keyboard', async () => {
    const w = await openWebview(browser, 'trajectory');
    await w.send(msg({ type: 'tree/reset', title: 'sample', events: sampleRun(), live: false }));
    const page = w.page;
    await page.waitForSelector('[data-node-id="r1.t1.c1.s1"]');
    const ids = async () => (await rowsOf(w)).map((r) => r.id);
    assert.deepEqual(await ids(), ['r1', 'r1.t1', 'r1.t1.c1', 'r1.t1.c1.s1', 'r1.t1.c1.r1']);
    await page.click('[data-node-id="r1.t1.c1"] [data-action="toggle"]');
    await w.frames();
    assert.deepEqual(await ids(), ['r1', 'r1.t1', 'r1.t1.c1']);
    assert.equal(await page.getAttribute('[data-node-id="r1.t1.c1"]', 'aria-expanded'), 'false');
    // Keyboard: Right opens, Down moves, Left goes to the parent and then closes it, Home goes to the top.
    const tree = page.locator('[data-testid="tree"]');
    await tree.focus();
    await page.keyboard.press('ArrowRight');
    await w.frames();
    assert.deepEqual(await ids(), ['r1', 'r1.t1', 'r1.t1.c1', 'r1.t1.c1.s1', 'r1.t1.c1.r1']);
    await page.keyboard.press('ArrowDown');
    await w.frames();
    assert.equal(await tree.getAttribute('aria-activedescendant'), 'n-r1.t1.c1.s1');
    assert.equal(await page.getAttribute('[data-node-id="r1.t1.c1.s1"]', 'aria-selected'), 'true');
    await page.keyboard.press('ArrowLeft');
    await w.frames();
    assert.equal(await tree.getAttribute('aria-activedescendant'), 'n-r1.t1.c1');
    await page.keyboard.press('ArrowLeft');
    await w.frames();
    assert.deepEqual(await ids(), ['r1', 'r1.t1', 'r1.t1.c1']);
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    await w.frames();
    assert.equal(await tree.getAttribute('aria-activedescendant'), 'n-r1');
    await page.keyboard.press('Enter');
    await w.frames();
    assert.deepEqual(await ids(), ['r1']);
    await assertClean(w);
    await w.close();
  });

  test('search shows the matching nodes with their ancestors, in labels, code, prompts and output', async () => {
    const w = await openWebview(browser, 'trajectory');
    await w.send(msg({ type: 'tree/reset', title: 'q', events: [...runningEvents(), ...endingEvents()], live: false }));
    const page = w.page;
    await page.waitForSelector('[data-node-id="s1.r1.t2"]');
    const search = page.locator('[data-testid="tree-search"]');
    await search.click();
    await page.keyboard.type('CHUNK 2');
    // Each keystroke searches: "CHUNK " matches three sub-calls until the "2" is in, later on a loaded machine.
    await page.waitForFunction(() => document.querySelector('[data-testid="search-count"]')?.textContent === '1 matching');
    await w.frames();
    const rows = await rowsOf(w);
    assert.deepEqual(rows.map((r) => r.id), ['s1.r1', 's1.r1.t1', 's1.r1.t1.c1', 's1.r1.t1.c1.s3']);
    // The place among the siblings shown: the match is "1 of 1" under its cell while the search hides the others.
    assert.deepEqual(await placesOf(w), ['treeitem 1 1/1', 'treeitem 2 1/1', 'treeitem 3 1/1', 'treeitem 4 1/1']);
    assert.equal(await page.locator('.row.match').getAttribute('data-node-id'), 's1.r1.t1.c1.s3');
    // Output text matches too ("3 hits" is the cell's output).
    await search.evaluate((el) => { (el as HTMLInputElement).value = ''; });
    await search.click();
    await page.keyboard.type('3 hits');
    await page.waitForFunction(() => document.querySelector('[data-testid="search-count"]')?.textContent === '1 matching'
      && document.querySelector('.row.match')?.getAttribute('data-node-id') === 's1.r1.t1.c1');
    // Clearing the search brings every row back.
    await search.evaluate((el) => { (el as HTMLInputElement).value = ''; el.dispatchEvent(new Event('input', { bubbles: true, composed: true })); });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="tree-row"]').length === 7);
    await assertClean(w);
    await w.close();
  });

  test('a trace file says whether its receipt verified and what it skipped', async () => {
    const w = await openWebview(browser, 'trajectory');
    const events = [...sampleRun(), { type: 'proposed_edit', time: 1, parentId: 'r1' } as never];
    await w.send(msg({ type: 'tree/reset', title: 'run.rlm.jsonl', events, live: false, source: { file: '/work/run.rlm.jsonl', receipt: 'mismatch', skipped: { proposed_edit: 2 } } }));
    const page = w.page;
    await page.waitForSelector('[data-testid="trace-source"]');
    assert.equal(await page.getAttribute('[data-testid="receipt"]', 'data-receipt'), 'mismatch');
    assert.match((await page.textContent('[data-testid="receipt"]'))!, /MISMATCH/);
    assert.match((await page.textContent('[data-testid="skipped"]'))!, /^skipped unknown events: proposed_edit ×2$/);
    await w.send(msg({ type: 'tree/reset', title: 'ok.rlm.jsonl', events: sampleRun(), live: false, source: { file: '/work/ok.rlm.jsonl', receipt: 'valid', skipped: {} } }));
    await page.waitForSelector('[data-receipt="valid"]');
    assert.equal(await page.locator('[data-testid="skipped"]').count(), 0);
    assert.equal(await page.textContent('[data-testid="tree-title"]'), 'ok.rlm.jsonl');
    // A file that is no trace: the reason, and no tree.
    await w.send(msg({ type: 'tree/reset', title: 'notes.jsonl', events: [], live: false, error: 'notes.jsonl is not an RLM trace: line 1 has no event type.' }));
    await page.waitForSelector('[data-testid="tree-error"]');
    assert.equal(await page.textContent('[data-testid="tree-error"]'), 'notes.jsonl is not an RLM trace: line 1 has no event type.');
    assert.equal(await page.locator('[data-testid="tree-row"]').count(), 0);
    assert.equal(await page.textContent('[data-testid="tree-count"]'), '0 nodes');
    await assertClean(w);
    await w.close();
  });

  test('a long text in the detail: its first 20,000 characters, a "Shown" line, and the whole opens in an editor', async () => {
    const w = await openWebview(browser, 'trajectory', { width: 900 });
    const answer = `${'# Every file\n\n'}${'src/a.ts:1 does a thing\n'.repeat(10_000)}`;
    const events = [...runningEvents(), ...endingEvents()].map((e) => (e.type === 'run_end' ? { ...e, answer } : e));
    await w.send(msg({ type: 'tree/reset', title: 'q', events, live: false }));
    const page = w.page;
    await page.click('[data-node-id="s1.r1"]');
    await page.waitForSelector('[data-testid="node-detail"][data-node-id="s1.r1"]');
    assert.equal((await page.textContent('[data-testid="detail-output"]'))!.length, DETAIL_SHOWN_CHARS);
    assert.equal(await page.textContent('[data-testid="cut-output"] [data-field="shown"]'), 'Shown: the first 20 kB of 240 kB.');
    assert.equal(await page.locator('[data-testid="cut-input"]').count(), 0, 'the question is shown whole');
    await page.click('[data-testid="cut-output-open"]');
    assert.deepEqual(await w.waitForPosted('text/open'), { type: 'text/open', text: answer, language: 'markdown' });
    // A cell's code opens as JavaScript.
    const code = `const x = 1;\n${'print(x);\n'.repeat(3_000)}`;
    await w.send(msg({ type: 'tree/reset', title: 'q', events: events.map((e) => (e.type === 'cell_start' ? { ...e, code } : e)), live: false }));
    await page.click('[data-node-id="s1.r1.t1.c1"]');
    await page.waitForSelector('[data-testid="node-detail"][data-node-id="s1.r1.t1.c1"]');
    const before = (await w.posted()).length;
    await page.click('[data-testid="cut-input-open"]');
    assert.deepEqual(await w.waitForPosted('text/open', before), { type: 'text/open', text: code, language: 'javascript' });
    await assertClean(w);
    await w.close();
  });
});
