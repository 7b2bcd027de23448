// What a trajectory page receives from the host: a whole tree as a reset and slices, live events behind it in
// order, and nothing more of an older tree once a newer one is on its way. The page is a fake webview that
// records posts and answers each after a delay, as the editor does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { statusText, statusTooltip, usd } from '../../../src/extension/views/statusText';
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
  assert.equal(statusText({ costUsd: 0, maxCostUsd: 2, savedUsd: 0 }), '$(loading~spin) RLM $0.00 / $2.00');
  assert.equal(statusText({ costUsd: 0.01234, maxCostUsd: null, savedUsd: 0 }), '$(loading~spin) RLM $0.0123');
  assert.equal(statusText({ costUsd: 1.5, maxCostUsd: 0.5, savedUsd: 0 }), '$(loading~spin) RLM $1.50 / $0.50');
  assert.equal(statusText({ costUsd: 0.05, maxCostUsd: 2, savedUsd: 0.15 }), '$(loading~spin) RLM $0.0500 / $2.00 (saved $0.15)', 'billed cost, then the savings');
  assert.match(statusTooltip({ title: 'Where?', events: [event(1)], costUsd: 0.05, savedUsd: 0.15 }), /Cost so far \$0\.0500 as billed; caching saved \$0\.15 \(75% off the list price\)/);
  assert.equal(usd(0.1), '$0.10');
  assert.match(statusTooltip({ title: 'Where?', events: [event(1)], costUsd: 0, savedUsd: 0 }), /answering "Where\?" \(1 event so far\)\. Click to show the chat\./);
});
