// The Chat view and the tree in Chromium when a model has no known price, and in Restricted Mode: the cost reads
// "unknown" (never $0.0000) in the status line, the footer and the tree; the status line counts the requests
// against the request cap and says why; before a question, the chat names the models and caps it will use; the
// one Restricted Mode line offers the way out through the host.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { RlmEvent } from '../../src/core/trajectory/events';
import type { HostToChat, HostToTree, SetupStatus } from '../../src/protocol/messages';
import { launchChromium, message, NO_CHROMIUM, openWebview } from './harness';
import { chat, doneExchange, endingEvents, runningEvents } from './protocolData';

/** The editor's models: no price, so the request cap governs them; in a folder that is not trusted. */
const EDITOR_MODELS: SetupStatus = {
  ready: true, provider: 'vscode-lm', rootModel: 'Copilot GPT-4o', subModel: 'Copilot GPT-4o', maxCostUsd: 2,
  unpriced: { models: ['Copilot GPT-4o'], maxRequests: 300 },
  restricted: { message: "Restricted Mode: this folder's settings for models, limits and commands are ignored, and no command runs.", actions: [{ label: 'Manage Workspace Trust', command: 'workbench.trust.manage' }] },
};

/** The sample run's calls as calls to a model without a price (cost 0 and marked so), under a request cap of 300. */
function unpriced(events: RlmEvent[]): RlmEvent[] {
  return events.map((e) => (e.type === 'turn_end' || e.type === 'subcall_end' ? { ...e, costUsd: 0, unpriced: true as const }
    : e.type === 'run_start' ? { ...e, limits: { maxDepth: 1, maxIterations: 30, maxSubCalls: 1000, maxTokens: null, maxCostUsd: 2, maxRequests: 300, timeoutMs: null, concurrency: 16 } } : e));
}

describe('unknown prices and Restricted Mode in the pages', { skip: NO_CHROMIUM }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('before a question: the models and caps it will use, why its cost will be unknown, and the Restricted Mode line', async () => {
    const w = await openWebview(browser, 'chat');
    await w.send(message<HostToChat>({ type: 'chat/state', chat: chat([]), history: [], setup: EDITOR_MODELS, busy: false }));
    const page = w.page;
    await page.waitForSelector('[data-testid="setup-summary"]');
    assert.equal(await page.textContent('[data-testid="setup-summary"]'), 'vscode-lm · Copilot GPT-4o · up to $2.00 a question · up to 300 requests');
    assert.equal(await page.textContent('[data-testid="unpriced-note"]'),
      "The editor's models have no known price: the cost shows as unknown, the $2.00 cap cannot be enforced, and a question stops at 300 requests.");
    const note = page.locator('[data-testid="restricted-note"]');
    assert.equal(await note.locator('span').textContent(), EDITOR_MODELS.restricted!.message);
    await note.locator('[data-testid="restricted-action"]').click();
    assert.deepEqual(await w.waitForPosted('command/run'), { type: 'command/run', command: 'workbench.trust.manage' }, 'the page asks; the host opens its own trust editor');

    // A server's model without a price, no request cap: said as it is.
    await w.send(message<HostToChat>({ type: 'chat/setup', setup: { ready: true, provider: 'openai-compatible', rootModel: 'qwen3-coder', subModel: 'qwen3-coder', maxCostUsd: null, unpriced: { models: ['qwen3-coder'], maxRequests: null } } }));
    await page.waitForFunction(() => document.querySelector('[data-testid="unpriced-note"]')?.textContent?.startsWith('qwen3-coder'));
    assert.equal(await page.textContent('[data-testid="unpriced-note"]'),
      'qwen3-coder has no known price: the cost shows as unknown, no dollar cap applies, and no request cap is set (rlm.maxRequestsPerQuestion is 0).');
    assert.equal(await page.locator('[data-testid="restricted-note"]').count(), 0, 'trusted now: the line is gone');
    assert.deepEqual(w.errors, []);
    await w.close();
  });

  test('while it runs: the cost is unknown against the cap, and the requests count against the request cap', async () => {
    const w = await openWebview(browser, 'chat');
    const page = w.page;
    const running = { id: 'x1', question: 'Where is the backoff computed?', status: 'running' as const, startedAt: Date.now() };
    await w.send(message<HostToChat>({ type: 'chat/state', chat: chat([]), history: [], setup: EDITOR_MODELS, busy: false }));
    await w.send(message<HostToChat>({ type: 'run/start', chatId: 'c1', exchange: running }));
    await w.send(message<HostToChat>({ type: 'run/events', chatId: 'c1', exchangeId: 'x1', events: unpriced(runningEvents()) }));
    await page.waitForSelector('[data-testid="status-line"] [data-field="requests"]');
    const field = (name: string) => page.locator(`[data-testid="status-line"] [data-field="${name}"]`);
    assert.equal(await field('cost').textContent(), 'unknown / $2.00');
    assert.equal(await field('requests').textContent(), '3/300 requests', 'the root turn and the two sub-calls that ended');
    assert.equal(await field('requests').getAttribute('title'), 'Requests to a model with no known price: the dollar cap cannot be enforced for it, so the run stops at 300.');
    assert.equal(await page.locator('[data-testid="setup-summary"]').count(), 0, 'the status line takes its place');
    assert.equal(await page.locator('[data-testid="unpriced-note"]').count(), 1, 'the note stays while it runs');

    await w.send(message<HostToChat>({ type: 'run/events', chatId: 'c1', exchangeId: 'x1', events: unpriced(endingEvents()) }));
    await w.send(message<HostToChat>({ type: 'run/end', chatId: 'c1', exchange: { ...running, status: 'done', answer: 'In src/retry.ts:2', stopReason: 'final', costUsd: 0, unpricedCalls: 5, inputTokens: 5_000, outputTokens: 125, durationMs: 3_100 } }));
    await page.waitForSelector('[data-testid="answer-footer"]');
    const cost = page.locator('[data-testid="answer-footer"] [data-field="cost"]');
    assert.equal(await cost.textContent(), 'unknown', 'never $0.0000');
    assert.equal(await cost.getAttribute('title'), '5 requests to a model with no known price are not counted in dollars');
    assert.deepEqual(w.errors, []);
    await w.close();
  });

  test('a footer of a run that mixed priced and unpriced calls, and one that stopped at the request cap', async () => {
    const w = await openWebview(browser, 'chat');
    await w.send(message<HostToChat>({ type: 'chat/state', chat: chat([
      doneExchange('x1', 'Mixed.', { costUsd: 0.0123, unpricedCalls: 2, savedUsd: 0.05 }),
      doneExchange('x2', 'Partial.', { costUsd: 0, unpricedCalls: 300, stopReason: 'max_requests', detail: 'Stopped: the run reached its limit of 300 requests to models without a known price.' }),
    ]), history: [], setup: EDITOR_MODELS, busy: false }));
    await w.page.waitForSelector('[data-testid="answer-footer"]');
    const costs = await w.page.locator('[data-testid="answer-footer"] [data-field="cost"]').allTextContents();
    assert.deepEqual(costs, ['$0.0123 + unknown', 'unknown']);
    assert.deepEqual(await w.page.locator('[data-testid="answer-footer"] [data-field="saved"]').allTextContents(), ['saved $0.0500'], 'the priced part\'s savings show beside the unknown');
    assert.equal(await w.page.locator('[data-exchange-id="x2"] [data-field="stop-reason"]').textContent(), 'request limit reached');
    await w.close();
  });

  test('the tree: every row of an unpriced run reads unknown; a priced one keeps its dollars', async () => {
    const w = await openWebview(browser, 'trajectory');
    const events = [...runningEvents(), ...endingEvents()];
    // The sub-calls went to a model without a price; the root turns were priced.
    // The priced root turns read from the prompt cache: their savings show beside the unknown part.
    const mixed = events.map((e) => (e.type === 'subcall_end' ? { ...e, costUsd: 0, unpriced: true as const } : e.type === 'turn_end' ? { ...e, savedUsd: 0.001 } : e));
    await w.send(message<HostToTree>({ type: 'tree/reset', title: 'q', events: mixed, live: false }));
    await w.page.waitForSelector('[data-testid="tree-row"]');
    const costs = await w.page.locator('[data-testid="tree-row"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-kind'), e.querySelector('[data-field="cost"]')!.textContent]));
    assert.deepEqual(costs.find(([kind]) => kind === 'run'), ['run', '$0.0058 + unknown']);
    assert.ok(costs.filter(([kind]) => kind === 'subcall').every(([, cost]) => cost === 'unknown'), JSON.stringify(costs));
    assert.deepEqual(costs.filter(([kind]) => kind === 'turn' || kind === 'cell'), [['turn', '$0.0030 + unknown'], ['cell', 'unknown'], ['turn', '$0.0028']], 'a node holding unpriced calls says so; a priced turn keeps its dollars');
    assert.match(await w.page.textContent('[data-testid="tree-total"]') ?? '', /^\$0\.0058 \+ unknown \(saved \$0\.0020\) · /);
    assert.equal(await w.page.locator('[data-testid="tree-row"][data-kind="run"] [data-field="saved"]').textContent(), 'saved $0.0020');
    assert.deepEqual(w.errors, []);
    await w.close();
  });
});
