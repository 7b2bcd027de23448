import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { syntheticStream } from '../../../bench/trajectory';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { TrajectoryTree, type TreeNode } from '../../../src/core/trajectory/TrajectoryTree';
import { sampleRun } from './sampleRun';

const T = 1_700_000_000_000;
const usage = (inputTokens: number, outputTokens: number, estimated = false) => ({ inputTokens, outputTokens, estimated });

/** Everything a row or a detail view draws from a node, except its children (their count stands in). */
const snapshot = (node: TreeNode) => JSON.stringify({ ...node, children: node.children.length });

function ancestors(tree: TrajectoryTree, node: TreeNode): TreeNode[] {
  const chain: TreeNode[] = [];
  for (let p = node.parentId ? tree.get(node.parentId) : undefined; p; p = p.parentId ? tree.get(p.parentId) : undefined) chain.push(p);
  return chain;
}

test('the tree nests turns, cells, sub-calls and child runs, and drops text a retried stream re-sent', () => {
  const tree = new TrajectoryTree();
  const events = sampleRun();
  for (const e of events.slice(0, 7)) tree.apply(e);
  const cell = tree.get('r1.t1.c1')!;
  assert.equal(cell.status, 'running');
  const turn = tree.get('r1.t1')!;
  assert.equal(turn.output, 'Let me look.');
  assert.equal(turn.kind === 'turn' && turn.retries, 1);
  for (const e of events.slice(7)) tree.apply(e);
  const [run] = tree.roots;
  assert.equal(tree.roots.length, 1);
  assert.equal(tree.size, 5);
  assert.equal(tree.applied, events.length);
  assert.deepEqual(run!.children.map((n) => n.kind), ['turn']);
  assert.deepEqual(cell.children.map((n) => [n.kind, n.id]), [['subcall', 'r1.t1.c1.s1'], ['run', 'r1.t1.c1.r1']]);
  assert.equal(cell.children[1]!.output, 'child says 1');
  assert.equal(cell.children[1]!.label, 'child run (sub)');
  assert.equal(cell.status, 'done');
  assert.equal(cell.own.elapsedMs, 20);
  assert.equal(run!.output, '42');
  assert.equal(run!.kind === 'run' && run.stopReason, 'final');
  assert.deepEqual(TrajectoryTree.from(events).roots, tree.roots);
  assert.deepEqual(tree.anomalies, { unknownTypes: {}, malformed: 0, unknownNode: 0, repeated: 0, late: 0, orphans: 0 });
  // Plain data: the tree crosses into a webview as JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(tree.roots)), tree.roots);
});

test('each node keeps its own figures and the rollup over its subtree: tokens, cost, time, sub-calls, errors', () => {
  const tree = TrajectoryTree.from(sampleRun());
  const run = tree.get('r1')!;
  const cell = tree.get('r1.t1.c1')!;
  const sub = tree.get('r1.t1.c1.s1')!;
  const child = tree.get('r1.t1.c1.r1')!;
  // The run's reported usage is kept for the detail view, not counted again.
  assert.deepEqual(run.own, { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0, savedUsd: 0, subCalls: 0, errors: 0, estimated: false, unpriced: 0, elapsedMs: 33 });
  assert.deepEqual(run.total, { inputTokens: 20, outputTokens: 10, cachedInputTokens: 0, costUsd: 0.012, savedUsd: 0, subCalls: 2, errors: 0, estimated: false, unpriced: 0, elapsedMs: 33 });
  assert.equal(run.kind === 'run' && run.reported?.total.costUsd, 0.01);
  assert.deepEqual(tree.get('r1.t1')!.own, { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, costUsd: 0.01, savedUsd: 0, subCalls: 0, errors: 0, estimated: false, unpriced: 0, elapsedMs: 9 });
  // The turn's reply took 9 ms; its span runs on to the end of its cell.
  assert.deepEqual(tree.get('r1.t1')!.total, { inputTokens: 20, outputTokens: 10, cachedInputTokens: 0, costUsd: 0.012, savedUsd: 0, subCalls: 2, errors: 0, estimated: false, unpriced: 0, elapsedMs: 30 });
  assert.deepEqual(cell.total, { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, costUsd: 0.002, savedUsd: 0, subCalls: 2, errors: 0, estimated: false, unpriced: 0, elapsedMs: 20 });
  assert.deepEqual(sub.own, { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, costUsd: 0.002, savedUsd: 0, subCalls: 1, errors: 0, estimated: false, unpriced: 0, elapsedMs: 8 });
  assert.deepEqual(child.total.subCalls, 1, 'a child run is a sub-call of its cell');
  assert.equal(sub.kind === 'subcall' && sub.latencyMs, 8);
  assert.equal(sub.kind === 'subcall' && sub.fn, 'llm_query');
});

test('statuses: sub-calls wait queued until sent; errors, cancellations and estimated usage roll up', () => {
  const tree = new TrajectoryTree();
  const events: RlmEvent[] = [
    { type: 'run_start', time: T, id: 'r1', depth: 0, question: 'q', rootModel: 'root', subModel: 'sub', context: { type: 'text', size: 1 } },
    { type: 'turn_start', time: T, id: 'r1.t1', parentId: 'r1', iteration: 1 },
    { type: 'turn_end', time: T + 5, id: 'r1.t1', parentId: 'r1', status: 'done', text: 'go', model: 'root-2025', usage: usage(100, 10), costUsd: 0.1, latencyMs: 5 },
    { type: 'cell_start', time: T + 6, id: 'r1.t1.c1', parentId: 'r1.t1', index: 0, code: 'await llm_query_batched(ps)' },
    { type: 'subcall_start', time: T + 7, id: 'a', parentId: 'r1.t1.c1', fn: 'llm_query_batched', batchId: 'r1.b1', slot: 0, model: 'sub', prompt: 'p0', promptChars: 2 },
    { type: 'subcall_start', time: T + 7, id: 'b', parentId: 'r1.t1.c1', fn: 'llm_query_batched', batchId: 'r1.b1', slot: 1, model: 'sub', prompt: 'p1', promptChars: 2 },
    { type: 'subcall_running', time: T + 8, parentId: 'a' },
  ];
  for (const e of events) tree.apply(e);
  const [a, b] = [tree.get('a')!, tree.get('b')!];
  assert.deepEqual([tree.get('r1')!.status, tree.get('r1.t1')!.status, tree.get('r1.t1.c1')!.status, a.status, b.status], ['running', 'done', 'running', 'running', 'queued']);
  assert.equal(a.label, 'llm_query_batched[0] (sub)');
  assert.equal(a.kind === 'subcall' && a.sentTime, T + 8);
  assert.equal(tree.get('r1.t1')!.model, 'root-2025', 'the served model name replaces the requested one');
  tree.apply({ type: 'subcall_running', time: T + 20, parentId: 'b' });
  tree.apply({ type: 'subcall_end', time: T + 30, id: 'a', parentId: 'r1.t1.c1', status: 'error', model: 'sub', response: '', error: '500 internal', usage: usage(0, 0), costUsd: 0, latencyMs: 22 });
  tree.apply({ type: 'subcall_end', time: T + 31, id: 'b', parentId: 'r1.t1.c1', status: 'cancelled', model: 'sub', response: 'par', usage: usage(40, 3, true), costUsd: 0.01, latencyMs: 11 });
  tree.apply({ type: 'cell_end', time: T + 32, id: 'r1.t1.c1', parentId: 'r1.t1', status: 'cancelled', output: '', error: 'cancelled', durationMs: 26 });
  tree.apply({ type: 'limit', time: T + 33, parentId: 'r1', reason: 'cancelled', detail: 'the run was cancelled' });
  const zero = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, estimated: false };
  tree.apply({ type: 'run_end', time: T + 34, id: 'r1', status: 'cancelled', answer: '', stopReason: 'cancelled', detail: 'the run was cancelled', iterations: 1, subCalls: 2, usage: { root: zero, sub: zero, total: zero }, durationMs: 34 });
  assert.equal(a.status, 'error');
  assert.equal(a.error, '500 internal');
  assert.equal(b.status, 'cancelled');
  assert.equal(b.total.estimated, true);
  const run = tree.get('r1')!;
  assert.equal(run.status, 'cancelled');
  assert.equal(run.kind === 'run' && run.detail, 'the run was cancelled');
  assert.deepEqual(run.total, { inputTokens: 140, outputTokens: 13, cachedInputTokens: 0, costUsd: 0.11, savedUsd: 0, subCalls: 2, errors: 1, estimated: true, unpriced: 0, elapsedMs: 34 });
  assert.equal(tree.get('r1.t1')!.total.errors, 1, 'the turn counts the failed sub-call of its cell');
  assert.equal(tree.get('r1.t1')!.own.estimated, false);
});

test('elapsed time: a node\'s own runs start to end; its rollup reaches the latest event under it', () => {
  const tree = new TrajectoryTree();
  tree.apply({ type: 'run_start', time: T, id: 'r1', depth: 0, question: 'q', rootModel: 'root', subModel: 'sub', context: { type: 'text', size: 1 } });
  tree.apply({ type: 'turn_start', time: T + 100, id: 'r1.t1', parentId: 'r1', iteration: 1 });
  const changed = tree.apply({ type: 'model_text', time: T + 250, parentId: 'r1.t1', delta: 'Hel' });
  assert.deepEqual(changed.map((n) => n.id), ['r1.t1', 'r1']);
  assert.equal(tree.get('r1')!.total.elapsedMs, 250);
  assert.equal(tree.get('r1')!.own.elapsedMs, 0);
  assert.equal(tree.get('r1.t1')!.own.elapsedMs, 150);
  assert.equal(tree.get('r1.t1')!.total.elapsedMs, 150);
  // Text arriving with an older timestamp moves nothing above the turn.
  assert.deepEqual(tree.apply({ type: 'model_text', time: T + 200, parentId: 'r1.t1', delta: 'lo' }).map((n) => n.id), ['r1.t1']);
  assert.equal(tree.get('r1.t1')!.output, 'Hello');
  tree.apply({ type: 'turn_end', time: T + 300, id: 'r1.t1', parentId: 'r1', status: 'done', text: 'Hello', model: 'root', usage: usage(1, 1), costUsd: 0, latencyMs: 200 });
  assert.equal(tree.get('r1.t1')!.total.elapsedMs, 200);
  assert.equal(tree.get('r1')!.total.elapsedMs, 300);
  // The turn's cells run after its reply: its span grows with them, its own time does not.
  assert.deepEqual(tree.apply({ type: 'cell_start', time: T + 400, id: 'r1.t1.c1', parentId: 'r1.t1', index: 0, code: 'x' }).map((n) => n.id), ['r1.t1.c1', 'r1.t1', 'r1']);
  tree.apply({ type: 'cell_end', time: T + 900, id: 'r1.t1.c1', parentId: 'r1.t1', status: 'done', output: '', durationMs: 500 });
  assert.deepEqual([tree.get('r1.t1')!.own.elapsedMs, tree.get('r1.t1')!.total.elapsedMs, tree.get('r1')!.total.elapsedMs], [200, 800, 900]);
});

test('apply returns exactly what changed: the event\'s node, then the ancestors whose rollup moved, nearest first', () => {
  const events = syntheticStream(1_500, 7);
  const tree = new TrajectoryTree();
  let checked = 0;
  for (const event of events) {
    const before = new Map<string, string>();
    const all: TreeNode[] = [];
    const collect = (nodes: TreeNode[]) => nodes.forEach((n) => { all.push(n); collect(n.children); });
    collect(tree.roots);
    for (const n of all) before.set(n.id, snapshot(n));
    const changed = tree.apply(event);
    const after: TreeNode[] = [];
    const collectAfter = (nodes: TreeNode[]) => nodes.forEach((n) => { after.push(n); collectAfter(n.children); });
    collectAfter(tree.roots);
    const differs = after.filter((n) => before.get(n.id) !== snapshot(n)).map((n) => n.id).sort();
    assert.deepEqual([...new Set(changed.map((n) => n.id))].sort(), differs, `${event.type} #${event.seq ?? checked}`);
    if (changed.length > 0) {
      // A finished turn between a running cell and a running run does not change: it is skipped, the order kept.
      const chain = ancestors(tree, changed[0]!);
      const positions = changed.slice(1).map((n) => chain.indexOf(n));
      assert.ok(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!)), 'ancestors, nearest first');
    }
    checked++;
  }
  assert.equal(checked, events.length);
});

test('bad input is counted, never thrown: unknown types, unknown nodes, second ends, orphans, garbage', () => {
  const tree = new TrajectoryTree();
  const events = sampleRun();
  const apply = (e: unknown) => tree.apply(e as RlmEvent);
  for (const e of events.slice(0, 6)) apply(e);
  assert.deepEqual(apply({ type: 'proposed_edit', time: T, parentId: 'r1' }), []);
  apply({ type: 'proposed_edit', time: T });
  apply({ type: 'turn_end', time: T, id: 'nope', parentId: 'r1', status: 'done', text: '', model: 'm', usage: usage(1, 1), costUsd: 1, latencyMs: 1 });
  apply({ type: 'model_text', time: T, parentId: 'nope', delta: 'x' });
  // A second end for the turn: its figures must not count twice.
  assert.deepEqual(apply(events[5]), []);
  apply({ type: 'model_text', time: T + 50, parentId: 'r1.t1', delta: 'late' });
  apply(events[1]); // a second start with the same id
  for (const garbage of [null, 42, 'run_start', [], {}, { type: 5 }, { type: 'run_start', time: T }, { type: 'cell_end', time: T, id: 'r1' }, { type: 'model_text', time: T, parentId: 'r1', delta: 'runs do not stream' }]) {
    assert.deepEqual(apply(garbage), [], JSON.stringify(garbage));
  }
  // A child whose parent never started is drawn at the top level.
  apply({ type: 'turn_start', time: T, id: 'x.t1', parentId: 'x', iteration: 1 });
  // An end with no status and odd numbers still ends the node, as its fields say.
  apply({ type: 'turn_end', time: T + 9, id: 'x.t1', parentId: 'x', text: 't', model: 'm', usage: { inputTokens: 'many', outputTokens: Number.NaN }, costUsd: null, latencyMs: 1, error: 'boom' });
  assert.deepEqual(tree.anomalies, { unknownTypes: { proposed_edit: 2 }, malformed: 9, unknownNode: 2, repeated: 2, late: 1, orphans: 1 });
  assert.deepEqual(tree.roots.map((n) => n.id), ['r1', 'x.t1']);
  const orphan = tree.get('x.t1')!;
  assert.equal(orphan.status, 'error');
  assert.deepEqual([orphan.total.inputTokens, orphan.total.outputTokens, orphan.total.costUsd], [0, 0, 0]);
  assert.equal(tree.get('r1')!.total.inputTokens, 10);
  assert.equal(tree.get('r1.t1')!.output, 'Let me look.');
  for (const e of events.slice(6)) apply(e);
  assert.equal(tree.get('r1')!.status, 'done');
});

test('a proposed edit is a node under its cell, born ended, adding no figures; a malformed one is counted', () => {
  const events = sampleRun();
  const tree = new TrajectoryTree();
  for (const e of events.slice(0, 7)) tree.apply(e);
  const before = JSON.stringify(tree.get('r1')!.total);
  const changed = tree.apply({
    type: 'edit_proposed', time: T + 50, id: 'r1.t1.c1.e1', parentId: 'r1.t1.c1', path: 'src/b.ts', change: 'rename', from: 'src/a.ts',
    added: 3, removed: 1, description: 'rename a to b', diff: '--- a/src/a.ts\n+++ b/src/b.ts',
  });
  assert.deepEqual(changed.map((n) => n.id).slice(0, 2), ['r1.t1.c1.e1', 'r1.t1.c1']);
  const edit = tree.get('r1.t1.c1.e1')!;
  assert.equal(edit.kind, 'edit');
  assert.equal(edit.status, 'done');
  assert.equal(edit.endTime, T + 50);
  assert.equal(edit.label, 'rename src/a.ts → src/b.ts +3 −1');
  assert.equal(edit.input, 'rename a to b');
  assert.ok(edit.kind === 'edit' && edit.path === 'src/b.ts' && edit.from === 'src/a.ts' && edit.added === 3 && edit.removed === 1);
  assert.equal(JSON.stringify({ ...tree.get('r1')!.total, elapsedMs: 0 }), JSON.stringify({ ...JSON.parse(before), elapsedMs: 0 }));
  assert.deepEqual(tree.apply({ type: 'edit_proposed', time: T, id: 'r1.t1.c1.e2', parentId: 'r1.t1.c1' } as unknown as RlmEvent), []);
  assert.equal(tree.anomalies.malformed, 1);
  // The cell still ends normally after its proposals.
  for (const e of events.slice(7)) tree.apply(e);
  assert.equal(tree.get('r1.t1.c1')!.status, 'done');
  assert.deepEqual(tree.get('r1.t1.c1')!.children.map((n) => n.kind), ['edit', 'subcall', 'run']);
});

test('folding 100,000 events of a busy run stays well under a second (generous bound here), and the rollup adds up', () => {
  const events = syntheticStream(100_000);
  assert.ok(events.length >= 100_000);
  const started = performance.now();
  const tree = TrajectoryTree.from(events);
  const ms = performance.now() - started;
  assert.ok(ms < 5_000, `folded ${events.length} events in ${ms.toFixed(0)} ms`);
  const [root] = tree.roots;
  assert.equal(tree.roots.length, 1);
  let input = 0;
  let cost = 0;
  let errors = 0;
  for (const e of events) {
    if (e.type === 'turn_end' || e.type === 'subcall_end') {
      input += e.usage.inputTokens;
      cost += e.costUsd;
    }
    if ((e.type === 'subcall_end' || e.type === 'cell_end') && e.status === 'error') errors++;
  }
  const subCalls = events.filter((e) => e.type === 'subcall_start' || (e.type === 'run_start' && e.depth > 0)).length;
  assert.equal(root!.total.inputTokens, input);
  assert.ok(Math.abs(root!.total.costUsd - cost) < 1e-6);
  assert.equal(root!.total.subCalls, subCalls);
  assert.equal(root!.total.errors, errors);
  const open: string[] = [];
  const walk = (n: TreeNode) => {
    if (n.endTime === undefined) open.push(n.id);
    n.children.forEach(walk);
  };
  walk(root!);
  assert.deepEqual(open, []);
  assert.deepEqual(tree.anomalies, { unknownTypes: {}, malformed: 0, unknownNode: 0, repeated: 0, late: 0, orphans: 0 });
});

test('the tree bundles for a browser: no Node built-ins reach the webview', async () => {
  const result = await esbuild.build({
    entryPoints: [join(__dirname, '..', '..', '..', 'src', 'core', 'trajectory', 'TrajectoryTree.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  assert.match(code, /export {\s*TrajectoryTree\s*}/);
  assert.doesNotMatch(code, /require\(|node:/);
});

test('prompt-cache figures roll up: cached input tokens and savings; a sub-call answered from the sub-call cache is marked', () => {
  const events: RlmEvent[] = [
    { type: 'run_start', time: T, id: 'r1', depth: 0, question: 'q', rootModel: 'gpt-5', subModel: 'gpt-5-mini', context: { type: 'text', size: 1 } },
    { type: 'turn_start', time: T + 1, id: 'r1.t1', parentId: 'r1', iteration: 1 },
    { type: 'turn_end', time: T + 2, id: 'r1.t1', parentId: 'r1', status: 'done', text: 'x', model: 'gpt-5', usage: { ...usage(5_000, 100), cachedInputTokens: 4_096 }, costUsd: 0.002, savedUsd: 0.0046, latencyMs: 1 },
    { type: 'cell_start', time: T + 3, id: 'r1.t1.c1', parentId: 'r1.t1', index: 0, code: 'llm_query("a")' },
    { type: 'subcall_start', time: T + 4, id: 'r1.t1.c1.s1', parentId: 'r1.t1.c1', fn: 'llm_query', model: 'gpt-5-mini', prompt: 'a', promptChars: 1 },
    { type: 'subcall_end', time: T + 5, id: 'r1.t1.c1.s1', parentId: 'r1.t1.c1', status: 'done', model: 'gpt-5-mini', response: 'b', usage: usage(0, 0), costUsd: 0, savedUsd: 0.001, cached: true, latencyMs: 0 },
    { type: 'cell_end', time: T + 6, id: 'r1.t1.c1', parentId: 'r1.t1', status: 'done', output: 'b', durationMs: 3 },
  ];
  const tree = TrajectoryTree.from(events);
  const run = tree.get('r1')!;
  assert.equal(run.total.cachedInputTokens, 4_096);
  assert.ok(Math.abs(run.total.savedUsd - 0.0056) < 1e-12);
  assert.equal(run.total.costUsd, 0.002, 'the reused answer costs nothing');
  const sub = tree.get('r1.t1.c1.s1')!;
  assert.equal(sub.kind === 'subcall' && sub.cached, true);
  assert.equal(sub.label, 'llm_query (gpt-5-mini) (cached)');
});
