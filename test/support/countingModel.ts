// A root model whose history outgrows a small window: it counts in a REPL variable turn after turn, printing a
// lot each turn, so its run must compact on the way (rlm.compaction.test.ts); and a parent that hands the counting
// to a child run, for the settings that reach a child's window (the CLI's flag, the editor's setting).

import assert from 'node:assert/strict';
import { COMPACT_AT } from '../../src/core/loop/RootHistory';
import type { RlmEvent } from '../../src/core/trajectory/events';
import type { FakeRequest } from '../fakes/FakeModelServer';
import { code } from './scriptedModels';

export const SUMMARY = 'Found so far: the running count is in the REPL variable `counts` (counts.a). Nothing failed. Next: keep counting, then FINAL(counts.a).';

/**
 * A root model that counts in a REPL variable over `turns` turns, printing `outputChars` characters each turn,
 * then answers with the count (1 + turns - 2). It answers a summary request with SUMMARY. `reply` answers each
 * request; `script` is it as a scripted root's turns.
 */
export function counter(turns: number, outputChars: number) {
  let turn = 0;
  const summaryRequests: FakeRequest[] = [];
  const reply = (req: FakeRequest) => {
    if (/about to be compacted/.test(req.messages.at(-1)!.content)) {
      summaryRequests.push(req);
      return SUMMARY;
    }
    turn++;
    if (turn === 1) return code('Start counting.', `const counts = { a: 1 };\nprint("x".repeat(${outputChars}))`);
    if (turn < turns) return code(`Step ${turn}.`, `counts.a++;\nprint("y".repeat(${outputChars}))`);
    return code('Done.', 'FINAL(String(counts.a))');
  };
  return { reply, script: Array.from({ length: 3 * turns }, () => reply), summaryRequests };
}

/** A parent's two turns: a child run counts (rlm_query, at maxDepth 2 or more), then the answer is what it said. */
export const DELEGATE_COUNTING = [
  code('Delegate.', 'const n = await rlm_query("Count", {context: "abc"});\nprint(n)'),
  code('Done.', 'FINAL("child said " + n)'),
];

/** The child run compacted, each time before its history filled `window`, and no request to the sub-model went over it. */
export function assertChildCompactedTo(window: number, events: RlmEvent[], subRequests: FakeRequest[]): void {
  const childRun = events.find((e) => e.type === 'run_start' && e.depth === 1) as Extract<RlmEvent, { type: 'run_start' }>;
  const compactions = events.filter((e) => e.type === 'compaction_start').map((e) => e.type === 'compaction_start' && [e.parentId, e.reason, e.window]);
  assert.ok(compactions.length >= 1, 'the child compacted');
  assert.deepEqual(compactions, compactions.map(() => [childRun.id, 'window', window]), 'the child, before its window filled, to the window set');
  assert.deepEqual(subRequests.filter((r) => r.refused), [], 'no request over the window went out');
  assert.ok(subRequests.every((r) => r.promptTokens <= Math.floor(window * COMPACT_AT)));
}
