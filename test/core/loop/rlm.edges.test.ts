// The loop at its edges, as the editor will meet them: calls nobody awaited, a provider that fails for good
// mid-run, fences that are not code, huge errors, a session disposed mid-question. Each case ends cleanly:
// a clear result, every started node ended (in order), what was spent counted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RlmSession } from '../../../src/core/loop/RlmSession';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { TrajectoryTree } from '../../../src/core/trajectory/TrajectoryTree';
import { code, scripted, withSession } from '../../support/scriptedModels';

type Ended = Extract<RlmEvent, { status: unknown }>;

/** Every node that started ended, after its start, and before the end of the node it hangs under. */
function assertEveryNodeEnded(events: RlmEvent[]): void {
  const started = new Map<string, { at: number; parent?: string }>();
  const ended = new Map<string, number>();
  events.forEach((e, at) => {
    if (e.type === 'run_start' || e.type === 'turn_start' || e.type === 'cell_start' || e.type === 'subcall_start') started.set(e.id, { at, parent: e.parentId });
    if (e.type === 'run_end' || e.type === 'turn_end' || e.type === 'cell_end' || e.type === 'subcall_end') ended.set(e.id, at);
  });
  for (const [id, { at, parent }] of started) {
    assert.ok(ended.has(id), `node ${id} never ended`);
    assert.ok(ended.get(id)! > at, `node ${id} ended before it started`);
    // A turn ends before its cells start; every other node ends before its parent does.
    if (parent && ended.has(parent) && !/\.t\d+$/.test(parent)) assert.ok(ended.get(id)! < ended.get(parent)!, `node ${id} ended after its parent ${parent}`);
  }
  const tree = TrajectoryTree.from(events);
  const walk = (nodes: typeof tree.roots): void => nodes.forEach((n) => {
    assert.ok(n.status !== 'running' && n.status !== 'queued', `tree node ${n.id} is still ${n.status}`);
    walk(n.children as typeof tree.roots);
  });
  walk(tree.roots);
}

test('seen: llm_query_batched without await, then FINAL: the answer comes at once, the calls are cancelled and counted', async () => {
  const s = await scripted(
    // The requests go out while the cell spins (the host sends them); then FINAL ends the cell without awaiting them.
    [code('Fire and forget.', 'llm_query_batched(["a", "b", "c"]);\nconst until = Date.now() + 300;\nwhile (Date.now() < until) {}\nFINAL("done")')],
    () => ({ text: 'late', delayMs: 8_000 }),
  );
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' } }, async (session) => {
    const started = Date.now();
    const result = await session.ask('?', { onEvent: (e) => events.push(e) });
    assert.equal(result.answer, 'done');
    // Half the calls' time: a run that waited for them would take all of it, even on an idle machine.
    assert.ok(Date.now() - started < 4_000, `the run took ${Date.now() - started} ms (each sub-call takes 8 s)`);
    const ends = events.filter((e): e is Extract<RlmEvent, { type: 'subcall_end' }> => e.type === 'subcall_end');
    assert.deepEqual(ends.map((e) => e.status), ['cancelled', 'cancelled', 'cancelled']);
    assert.ok(ends.every((e) => /the cell ended before this call finished/.test(e.error ?? '')));
    assert.ok(ends.every((e) => e.usage.estimated && e.usage.inputTokens > 0), 'what the sent requests cost is estimated and counted');
    assert.equal(result.usage.sub.calls, 3);
    assert.equal(result.usage.sub.estimated, true);
  });
  assertEveryNodeEnded(events);
});

test('an unawaited batch larger than the concurrency: queued prompts end (cancelled, never sent) before their cell does', async () => {
  const s = await scripted(
    [code('Fire and forget.', 'llm_query_batched(Array.from({length: 40}, (_, i) => "q" + i));\nconst until = Date.now() + 300;\nwhile (Date.now() < until) {}\nprint("left")'), code('Done.', 'FINAL("ok")')],
    () => ({ text: 'late', delayMs: 4_000 }),
  );
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' }, limits: { concurrency: 4 } }, async (session) => {
    assert.equal((await session.ask('?', { onEvent: (e) => events.push(e) })).answer, 'ok');
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(s.subRequests().length, 4, 'only the first four were ever sent');
  const ends = events.filter((e): e is Extract<RlmEvent, { type: 'subcall_end' }> => e.type === 'subcall_end');
  assert.equal(ends.length, 40);
  assert.ok(ends.every((e) => e.status === 'cancelled'));
  assert.equal(ends.filter((e) => e.usage.inputTokens > 0).length, 4, 'only the sent ones cost anything');
  assertEveryNodeEnded(events);
});

test('seen: a root call that fails for good on turn 2 ends its turn (status error) and the run', async () => {
  const s = await scripted([code('Look.', 'print(1)'), { status: 500, text: 'upstream exploded' }, { status: 500 }, { status: 500 }], undefined, { retries: 2 });
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' } }, async (session) => {
    const result = await session.ask('?', { onEvent: (e) => events.push(e) });
    assert.equal(result.stopReason, 'error');
    assert.match(result.detail ?? '', /500/);
  });
  const turn2 = events.find((e): e is Extract<RlmEvent, { type: 'turn_end' }> => e.type === 'turn_end' && e.id.endsWith('.t2'));
  assert.ok(turn2, 'turn 2 has an end event');
  assert.equal(turn2.status, 'error');
  assert.match(turn2.error ?? '', /500/);
  assert.equal(events.filter((e) => e.type === 'retry').length, 2, 'the retries are reported');
  const runEnd = events.at(-1) as Extract<RlmEvent, { type: 'run_end' }>;
  assert.deepEqual([runEnd.type, runEnd.status, runEnd.stopReason], ['run_end', 'error', 'error']);
  assertEveryNodeEnded(events);
});

test('seen: prose, a ```json block and FINAL(x) is an answer, not JavaScript; ts/jsx/json fences never run', async () => {
  const s = await scripted([
    code('Let me check.', 'print("ran")') + '\n```ts\nconst x: number = 1;\n```\n```jsx\n<div/>\n```',
    'Here is the data:\n```json\n{"count": 3}\n```\nFINAL(x)',
  ]);
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' } }, async (session) => {
    const result = await session.ask('?', { onEvent: (e) => events.push(e) });
    assert.equal(result.stopReason, 'final');
    assert.equal(result.answer, 'x');
  });
  assert.deepEqual(events.filter((e) => e.type === 'cell_start').map((e) => (e as { code: string }).code), ['print("ran")']);
});

test('seen: a 300,000-character error reaches the model cut head and tail like output', async () => {
  const s = await scripted([
    code('Boom.', 'throw new Error("x".repeat(150000) + "y".repeat(150000))'),
    (req) => {
      const last = req.messages.at(-1)!.content;
      assert.ok(last.length < 25_000, `the next root request holds ${last.length} characters`);
      assert.match(last, /\[cell 1 error\] Error: xxx[\s\S]*characters cut[\s\S]*yyy/);
      return code('Done.', 'FINAL("ok")');
    },
  ]);
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' } }, async (session) => {
    assert.equal((await session.ask('?', { onEvent: (e) => events.push(e) })).answer, 'ok');
  });
  const cellEnd = events.find((e): e is Extract<RlmEvent, { type: 'cell_end' }> => e.type === 'cell_end')!;
  assert.equal(cellEnd.status, 'error');
  assert.ok((cellEnd.error ?? '').length < 21_000, 'the trace keeps what the model saw, not 300 KB');
});

test('seen: dispose() during a question cancels it: no further model calls, the run ends cancelled', async () => {
  const s = await scripted(
    [code('Fan out.', 'await llm_query_batched(["a", "b"]);'), code('Again.', 'print(2)'), code('Again.', 'print(3)')],
    () => ({ text: 'slow', delayMs: 5_000 }),
  );
  const session = await RlmSession.create({ models: s.models, context: { kind: 'text', text: 'x' } });
  const events: RlmEvent[] = [];
  try {
    const pending = session.ask('?', {
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'subcall_running') setTimeout(() => session.dispose(), 50);
      },
    });
    const started = Date.now();
    const result = await pending;
    assert.equal(result.stopReason, 'cancelled');
    assert.ok(Date.now() - started < 2_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(s.rootRequests().length, 1, 'the loop made no further root call');
    await assert.rejects(session.ask('again?'), /This session was closed/);
  } finally {
    session.dispose();
    await s.close();
  }
  assertEveryNodeEnded(events);
});

test('a batch reports each prompt as queued, then running, with its batch id and slot; retries and streamed text on request', async () => {
  let attempts = 0;
  const s = await scripted(
    [code('Batch.', 'print((await llm_query_batched(["p0", "p1", "p2"])).join(","))'), code('Done.', 'FINAL("ok")')],
    (req) => {
      const prompt = req.messages.at(-1)!.content;
      if (prompt === 'p1' && attempts++ === 0) return { status: 503, text: 'busy' };
      return { text: `answer to ${prompt}`, chunkChars: 5 };
    },
  );
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' }, limits: { concurrency: 2 } }, async (session) => {
    await session.ask('?', { onEvent: (e) => events.push(e), streamSubCalls: true });
  });
  const starts = events.filter((e): e is Extract<RlmEvent, { type: 'subcall_start' }> => e.type === 'subcall_start');
  assert.deepEqual(starts.map((e) => [e.fn, e.slot]), [['llm_query_batched', 0], ['llm_query_batched', 1], ['llm_query_batched', 2]]);
  assert.equal(new Set(starts.map((e) => e.batchId)).size, 1);
  const running = events.filter((e): e is Extract<RlmEvent, { type: 'subcall_running' }> => e.type === 'subcall_running');
  assert.equal(running.length, 3);
  // With two at a time, the third prompt is queued while the first two run.
  const thirdRunsAt = events.indexOf(running.find((e) => e.parentId === starts[2].id)!);
  assert.ok(thirdRunsAt > events.indexOf(starts[2]) && thirdRunsAt > events.indexOf(running[0]));
  const retry = events.find((e): e is Extract<RlmEvent, { type: 'retry' }> => e.type === 'retry');
  assert.equal(retry?.parentId, starts[1].id);
  assert.equal(retry?.attempt, 2);
  const streamed = events.filter((e) => e.type === 'model_text' && e.parentId === starts[0].id).map((e) => (e as { delta: string }).delta).join('');
  assert.equal(streamed, 'answer to p0');
  assertEveryNodeEnded(events);
});

test('ids are unique across sessions and questions; seq runs on through a session\'s questions', async () => {
  const s = await scripted([code('One.', 'FINAL("1")'), code('Two.', 'FINAL("2")'), code('Three.', 'FINAL("3")')]);
  const events: RlmEvent[][] = [[], [], []];
  const a = await RlmSession.create({ models: s.models, context: { kind: 'text', text: 'x' } });
  const b = await RlmSession.create({ models: s.models, context: { kind: 'text', text: 'x' } });
  try {
    await a.ask('q1', { onEvent: (e) => events[0].push(e) });
    await a.ask('q2', { onEvent: (e) => events[1].push(e) });
    await b.ask('q1', { onEvent: (e) => events[2].push(e) });
  } finally {
    a.dispose();
    b.dispose();
    await s.close();
  }
  const ids = events.flat().flatMap((e) => ('id' in e && e.type.endsWith('_start') ? [e.id] : []));
  assert.equal(new Set(ids).size, ids.length, 'no id repeats');
  assert.notEqual(a.id, b.id);
  assert.ok(events[0].every((e) => !('id' in e) || e.id.startsWith(`${a.id}.`)));
  const seqs = [...events[0], ...events[1]].map((e) => e.seq!);
  assert.deepEqual(seqs, seqs.map((_, i) => i), 'continuous from 0 across the two questions');
  assert.equal(events[2][0].seq, 0, 'another session counts on its own');
});

test('a session changes models and limits between questions and keeps its REPL; its history survives a restore', async () => {
  const s = await scripted([
    code('Keep a value.', 'const kept = 41;\nFINAL("first")'),
    code('Use it.', 'FINAL(String(kept + 1))'),
    (req) => {
      const first = req.messages[1]!.content;
      assert.match(first, /Earlier questions in this session \(the REPL was restarted since, so the variables you created for them are gone\)/);
      assert.match(first, /1\. Q: first question\n {3}A: first/);
      return code('Fresh REPL.', 'FINAL(typeof kept)');
    },
  ]);
  const session = await RlmSession.create({ models: s.models, context: { kind: 'text', text: 'x' } });
  let restored: RlmSession | undefined;
  try {
    assert.equal((await session.ask('first question')).answer, 'first');
    session.configure({ models: { root: s.models.root, sub: s.models.root }, limits: { maxIterations: 3, sandbox: { cellTimeoutMs: 2_000 } } });
    const second = await session.ask('second question');
    assert.equal(second.answer, '42', 'the variable survived the reconfiguration');
    const snapshot = JSON.parse(JSON.stringify(session.snapshot()));
    assert.equal(snapshot.exchanges.length, 2);
    assert.equal(snapshot.exchanges[1].receipt, second.receipt!.sha256);
    restored = await RlmSession.create({ models: s.models, context: { kind: 'text', text: 'x' }, restore: { ...snapshot, exchanges: snapshot.exchanges.slice(0, 1) } });
    assert.equal(restored.id, session.id);
    const events: RlmEvent[] = [];
    assert.equal((await restored.ask('third question', { onEvent: (e) => events.push(e) })).answer, 'undefined');
    assert.equal(events[0].seq, snapshot.nextSeq, 'numbering goes on from the snapshot');
  } finally {
    session.dispose();
    restored?.dispose();
    await s.close();
  }
});

test('configure() is refused while a question runs', async () => {
  const s = await scripted([code('Wait.', 'await llm_query("slow")')], () => ({ text: 'x', delayMs: 300 }));
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' }, limits: { maxIterations: 1 } }, async (session) => {
    const pending = session.ask('?');
    assert.throws(() => session.configure({ limits: { maxIterations: 5 } }), /answering a question; change its settings once it has finished/);
    await pending.catch(() => undefined);
  });
});

test('the run\'s concurrency is real: 16 sub-calls in flight at once by default, none capped by the endpoint', async () => {
  let inFlight = 0;
  let most = 0;
  const s = await scripted(
    [code('Wide.', 'print((await llm_query_batched(Array.from({length: 32}, (_, i) => "q" + i))).length)'), code('Done.', 'FINAL("ok")')],
    async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 150));
      inFlight--;
      return 'a';
    },
  );
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' } }, async (session) => {
    assert.equal((await session.ask('?')).answer, 'ok');
  });
  assert.equal(most, 16);
  assert.match(s.rootRequests()[0]!.messages[0]!.content, /up to 16 run in parallel/);
});

test('model code that freezes the global object or redefines an engine function does not break later cells', async () => {
  const s = await scripted([
    code('Lock it.', 'Object.defineProperty(globalThis, "llm_query", { value: async () => "fake", writable: false, configurable: false });\nObject.freeze(globalThis);'),
    (req) => {
      const last = req.messages.at(-1)!.content;
      assert.match(last, /non-extensible \(Object\.freeze/);
      return code('Again.', 'const kept = 1;\nprint(await llm_query("real?"));');
    },
    (req) => {
      const last = req.messages.at(-1)!.content;
      assert.match(last, /The REPL was restarted because/);
      assert.match(last, /sub answer to: real\?/, 'the real llm_query answered');
      return code('Done.', 'FINAL(String(kept))');
    },
  ]);
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' } }, async (session) => {
    const result = await session.ask('?');
    assert.equal(result.answer, '1');
  });
});
