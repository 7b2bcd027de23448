// The tree view's rows (webview/trajectory/TreeRows.ts, pure TypeScript, so plain Node here): appended one by one
// as a live run grows, they must stay exactly what a full rebuild of the same tree gives (their places among their
// siblings included), with child runs interleaving, collapsed branches and searches in between.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticStream } from '../../bench/trajectory';
import { TreeRows } from '../../webview/trajectory/TreeRows';
import { largeRun } from './protocolData';

// With each row's place among its siblings and their number (aria-posinset, aria-setsize): kept while rows are appended.
const shape = (rows: TreeRows) => rows.rows.map((r) => `${r.node.id}@${r.depth}${r.expanded ? '' : '+'}${r.match ? '*' : ''} ${r.position}/${rows.setSize(r)}`);

function rebuilt(events: Parameters<TreeRows['apply']>[0][], setup: (rows: TreeRows) => void = () => {}): string[] {
  const rows = new TreeRows();
  for (const e of events) rows.apply(e);
  setup(rows);
  return shape(rows);
}

test('rows appended as a live run grows equal a full rebuild at every point read', () => {
  const events = syntheticStream(6_000, 7);
  const live = new TreeRows();
  let checked = 0;
  for (let i = 0; i < events.length; i++) {
    live.apply(events[i]!);
    if (i % 97 === 0 || i === events.length - 1) {
      assert.deepEqual(shape(live), rebuilt(events.slice(0, i + 1)), `after event ${i}`);
      checked++;
    }
  }
  assert.ok(checked > 50);
  assert.ok(live.tree.size > 300, `${live.tree.size} nodes`);
  assert.ok(live.rows.some((r) => r.node.kind === 'run' && r.depth > 0), 'child runs are in the stream');
});

test('collapsing, searching and clearing the search while the run grows keep the rows right', () => {
  const { events } = largeRun(3_000);
  const live = new TreeRows();
  let collapsed = '';
  const sameAs = (i: number, search = '') => assert.deepEqual(shape(live), rebuilt(events.slice(0, i + 1), (r) => {
    r.setExpanded(r.tree.get(collapsed)!, false);
    if (search) r.search(search);
  }), `after event ${i}`);
  for (let i = 0; i < events.length; i++) {
    live.apply(events[i]!);
    if (i === 800) {
      collapsed = live.rows.find((r) => r.node.kind === 'cell')!.node.id;
      live.setExpanded(live.tree.get(collapsed)!, false);
      sameAs(i);
    }
    if (i === 1_600) {
      live.search('chunk 7 ');
      assert.ok(live.matchCount > 0);
      sameAs(i, 'chunk 7 ');
    }
    if (i > 1_600 && i < 2_400 && i % 101 === 0) sameAs(i, 'chunk 7 ');
    if (i === 2_400) live.search('');
    if (i > 2_400 && i % 101 === 0) sameAs(i);
  }
  sameAs(events.length - 1);
});

test('each row knows its place among its siblings and how many there are; while searching, among the siblings shown', () => {
  const { events } = largeRun(400);
  const rows = new TreeRows();
  for (const e of events) rows.apply(e);
  for (const row of rows.rows) {
    const parent = rows.parentOf(row.node);
    const siblings = parent ? parent.children : rows.tree.roots;
    assert.equal(row.position, siblings.indexOf(row.node) + 1, row.node.id);
    assert.equal(rows.setSize(row), siblings.length, row.node.id);
  }
  rows.search('chunk 7 ');
  const shown = rows.rows;
  assert.ok(rows.matchCount > 0);
  for (const row of shown) {
    const parent = rows.parentOf(row.node);
    const shownSiblings = shown.filter((r) => rows.parentOf(r.node) === parent);
    assert.equal(rows.setSize(row), shownSiblings.length, row.node.id);
    assert.equal(row.position, shownSiblings.indexOf(row) + 1, row.node.id);
  }
  assert.ok(shown.some((r) => rows.setSize(r) < (rows.parentOf(r.node)?.children.length ?? 0)), 'the search hides some siblings');
});
