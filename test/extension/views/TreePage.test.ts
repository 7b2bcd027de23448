// What a trajectory page receives from the host: a whole tree as a reset and slices, live events behind it in
// order, and nothing more of an older tree once a newer one is on its way. The page is a fake webview that
// records posts and answers each after a delay, as the editor does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { indexingStatus, statusText, statusTooltip } from '../../../src/extension/views/statusText';
import { TreePage } from '../../../src/extension/views/TreePage';
import type { HostToTree, MessageOf } from '../../../src/protocol/messages';

const event = (i: number) => ({ type: 'model_text', time: i, parentId: 't', delta: String(i) }) as RlmEvent;

function fakeWebview() {
  const posted: Array<MessageOf<HostToTree>> = [];
  let inFlight = 0;
  let most = 0;
  const webview = {
    postMessage: async (m: MessageOf<HostToTree>) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      posted.push(m);
      inFlight--;
      return true;
    },
  } as unknown as vscode.Webview;
  return { webview, posted, most: () => most };
}

test('a big tree goes in slices, one post at a time, and live events come after it', async () => {
  const page = fakeWebview();
  const tree = new TreePage(() => page.webview);
  tree.reset({ title: 'run', events: Array.from({ length: 5000 }, (_, i) => event(i)), live: true });
  tree.append([event(5000), event(5001)]);
  await tree.settled;
  assert.deepEqual(page.posted.map((m) => [m.type, m.events.length]), [['tree/reset', 2000], ['tree/events', 2000], ['tree/events', 1000], ['tree/events', 2]]);
  assert.deepEqual(page.posted.flatMap((m) => m.events).map((e) => e.time), Array.from({ length: 5002 }, (_, i) => i));
  assert.equal(page.most(), 1);
});

test('a newer tree cancels what is left of an older one', async () => {
  const page = fakeWebview();
  const tree = new TreePage(() => page.webview);
  tree.reset({ title: 'old', events: Array.from({ length: 10_000 }, (_, i) => event(i)), live: false });
  tree.reset({ title: 'new', events: [event(1)], live: false });
  await tree.settled;
  const titles = page.posted.filter((m): m is Extract<MessageOf<HostToTree>, { type: 'tree/reset' }> => m.type === 'tree/reset').map((m) => m.title);
  assert.deepEqual(titles, ['new'], 'the old tree had not started: none of it goes');
  assert.equal(page.posted.length, 1);
});

test('no page, no posts; the next reset starts over', async () => {
  let webview: vscode.Webview | undefined;
  const page = fakeWebview();
  const tree = new TreePage(() => webview);
  tree.reset({ title: 'unseen', events: [event(0)], live: false });
  await tree.settled;
  webview = page.webview;
  tree.reset({ title: 'seen', events: [event(0)], live: false });
  await tree.settled;
  assert.deepEqual(page.posted.map((m) => m.type === 'tree/reset' && m.title), ['seen']);
});

test('the status bar: a spinner, the cost so far and the cap', () => {
  const run = { unpriced: 0, maxRequests: 300, savedUsd: 0 };
  assert.equal(statusText({ ...run, costUsd: 0, maxCostUsd: 2 }), '$(loading~spin) RLM $0.0000 / $2.00');
  assert.equal(statusText({ ...run, costUsd: 0.01234, maxCostUsd: null }), '$(loading~spin) RLM $0.0123');
  assert.equal(statusText({ ...run, costUsd: 1.5, maxCostUsd: 0.5 }), '$(loading~spin) RLM $1.50 / $0.5000');
  assert.equal(statusText({ ...run, costUsd: 0.05, maxCostUsd: 2, savedUsd: 0.15 }), '$(loading~spin) RLM $0.0500 / $2.00 (saved $0.1500)', 'billed cost, then the savings');
  assert.match(statusTooltip({ ...run, title: 'Where?', events: [event(1)], costUsd: 0.05, savedUsd: 0.15 }), /Cost so far \$0\.0500 as billed; caching saved \$0\.1500 \(75% off the list price\)/);
  assert.match(statusTooltip({ ...run, title: 'Where?', events: [event(1)], costUsd: 0 }), /answering "Where\?" \(1 event so far\)\. Click to show the chat\./);
});

test('the status bar: a model with no known price shows an unknown cost and its requests against the request cap', () => {
  assert.equal(statusText({ costUsd: 0, maxCostUsd: 2, savedUsd: 0, unpriced: 12, maxRequests: 300 }), '$(loading~spin) RLM unknown / $2.00 · 12/300 requests');
  assert.equal(statusText({ costUsd: 0.5, maxCostUsd: 2, savedUsd: 0, unpriced: 1, maxRequests: null }), '$(loading~spin) RLM $0.5000 + unknown / $2.00 · 1 request');
  // Some calls priced and cached, some not: the discount and the unknown part both show.
  assert.equal(statusText({ costUsd: 0.05, maxCostUsd: 2, savedUsd: 0.15, unpriced: 3, maxRequests: 300 }), '$(loading~spin) RLM $0.0500 + unknown / $2.00 (saved $0.1500) · 3/300 requests');
  const tooltip = statusTooltip({ title: 'Where?', events: [event(1)], costUsd: 0, savedUsd: 0, unpriced: 12, maxRequests: 300 });
  assert.match(tooltip, /12 requests went to a model with no known price: the dollar cap cannot be enforced for it, and the run stops at 300 requests\./);
});

test('the status bar while folders are indexed for the first time: how far the first has got, and what a click does', () => {
  const walking = { uri: 'file:///a', name: 'shop', progress: { listed: 12_345, walked: false, parsed: 0, parseable: 12_345, done: false } };
  const parsing = { uri: 'file:///b', name: 'mono', progress: { listed: 96_000, walked: true, parsed: 5_000, parseable: 90_000, done: false } };
  assert.equal(indexingStatus([walking]).text, '$(sync~spin) RLM: indexing shop: 12,345 files listed so far');
  assert.equal(indexingStatus([parsing, walking]).text, '$(sync~spin) RLM: indexing mono: 5,000 of 90,000 files parsed (+1 more)');
  assert.equal(indexingStatus([{ uri: 'file:///c', name: 'new' }]).text, '$(sync~spin) RLM: indexing new: opening');
  assert.match(indexingStatus([parsing, walking]).tooltip, /indexing mono, shop for the first time; .* Click to stop/);
  // Over 20,000 files, the tooltip names the settings that narrow the folder; a smaller one says nothing of it.
  assert.match(indexingStatus([parsing, walking]).tooltip, /Click to stop \(the next question goes on from there\)\. mono is large \(96,000 files so far\): to index less of it, set rlm\.include to the folders you ask about, or rlm\.excludes to paths to leave out\.$/);
  assert.doesNotMatch(indexingStatus([walking]).tooltip, /is large/);
});
