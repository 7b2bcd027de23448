// The loop over a text context (--context-file): scripted root transcripts against real QuickJS and the
// real SDKs over HTTP.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RlmSession } from '../../../src/core/loop/RlmSession';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { code, scripted, withSession } from '../../support/scriptedModels';

const LOG = Array.from({ length: 2000 }, (_, i) => (i === 1234 ? 'ERROR code 7731: disk quota exceeded on /var/data' : `INFO request ${i} served in ${i % 50} ms`)).join('\n');

test('peek, search with a regex, then FINAL from code: the context never enters a prompt', async () => {
  const s = await scripted([
    code('Let me look at the context first.', 'print(context.length);\nprint(context.slice(0, 200));'),
    (req) => {
      const feedback = req.messages.at(-1)!.content;
      assert.match(feedback, /\[cell 1 output\]\n\d+\nINFO request 0 served/);
      return code('Now search for errors.', 'const errs = context.split("\\n").filter(l => /ERROR/.test(l));\nprint(errs);');
    },
    (req) => {
      assert.match(req.messages.at(-1)!.content, /ERROR code 7731/);
      return code('Found it.', 'FINAL("error code " + errs[0].match(/code (\\d+)/)[1]);');
    },
  ]);
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: LOG } }, async (session) => {
    const result = await session.ask('Which error code appears in the log?', { onEvent: (e) => events.push(e) });
    assert.equal(result.stopReason, 'final');
    assert.equal(result.answer, 'error code 7731');
    assert.equal(result.iterations, 3);
    assert.equal(result.usage.root.calls, 3);
    assert.equal(result.usage.sub.calls, 0);
    assert.ok(result.usage.root.inputTokens > 0);
    for (const req of s.rootRequests()) {
      const all = req.messages.map((m) => m.content).join('\n');
      assert.ok(!all.includes('disk quota exceeded on /var/data') || req !== s.rootRequests()[0], 'the first prompt holds no context text');
    }
    const first = s.rootRequests()[0]!;
    assert.equal(first.messages[0]!.role, 'system');
    assert.match(first.messages[1]!.content, /string of [\d,]+ characters/);
    assert.ok(!first.messages.some((m) => m.content.includes('INFO request 17 served')));
    const types = events.map((e) => e.type);
    assert.equal(types[0], 'run_start');
    assert.equal(types.at(-1), 'run_end');
    assert.ok(types.includes('model_text'));
    assert.equal(types.filter((t) => t === 'cell_start').length, 3);
    assert.ok(events.some((e) => e.type === 'final' && e.answer === 'error code 7731'));
    assert.match(result.receipt!.sha256, /^[0-9a-f]{64}$/);
  });
});

test('a text FINAL in a turn without code ends the run; beside code it waits for the output', async () => {
  const s = await scripted([
    // The model invents an answer in the same turn as code: the code must run first.
    code('I think the answer is 3.', 'print(context.split("\\n").length)') + '\nFINAL(3)',
    (req) => {
      assert.match(req.messages.at(-1)!.content, /\[cell 1 output\]\n2000/);
      return 'The log has 2000 lines.\nFINAL(2000 lines (counted in code))';
    },
  ]);
  await withSession(s, { models: s.models, context: { kind: 'text', text: LOG } }, async (session) => {
    const result = await session.ask('How many lines?');
    assert.equal(result.stopReason, 'final');
    assert.equal(result.answer, '2000 lines (counted in code)');
    assert.equal(result.iterations, 2);
  });
});

test('a text FINAL_VAR resolves the variable; a missing one is reported back', async () => {
  const s = await scripted([
    code('Build the summary.', 'const summary = { lines: context.split("\\n").length, errors: 1 };'),
    'Done. FINAL_VAR(sumary)',
    (req) => {
      assert.match(req.messages.at(-1)!.content, /no variable named sumary/);
      return 'FINAL_VAR(summary)';
    },
  ]);
  await withSession(s, { models: s.models, context: { kind: 'text', text: LOG } }, async (session) => {
    const result = await session.ask('Summarise the log.');
    assert.equal(result.stopReason, 'final');
    assert.deepEqual(JSON.parse(result.answer), { lines: 2000, errors: 1 });
  });
});

test('broken code comes back as an error the model can fix; the REPL keeps state', async () => {
  const s = await scripted([
    code('Count lines.', 'const lines = context.split("\\n");\nprint(lines.length'),
    (req) => {
      assert.match(req.messages.at(-1)!.content, /\[cell 1 error\] .*SyntaxError|\[cell 1 error\].*expected/i);
      return code('Fix the typo.', 'const lines = context.split("\\n");\nprint(lines.length)');
    },
    code('Use the variable from the last cell.', 'FINAL(lines.length * 2)'),
  ]);
  await withSession(s, { models: s.models, context: { kind: 'text', text: LOG } }, async (session) => {
    const result = await session.ask('Twice the line count?');
    assert.equal(result.answer, '4000');
  });
});

test('consecutive failing turns end the run with error and the best answer so far (never the chatter)', async () => {
  const bad = code('Trying.', 'throw new Error("still broken")');
  const early = code('Trying.\nFINAL(probably 7)', 'throw new Error("still broken")');
  const s = await scripted([early, bad, bad]);
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' }, limits: { maxConsecutiveErrors: 3 } }, async (session) => {
    const result = await session.ask('?');
    assert.equal(result.stopReason, 'error');
    assert.match(result.detail!, /3 turns in a row/);
    assert.equal(result.answer, 'probably 7', 'a FINAL written too early is the best answer there is');
  });
});

test('out of iterations: one extra root call asks for the best answer', async () => {
  const s = await scripted([
    code('Step 1.', 'print(1)'),
    code('Step 2.', 'print(2)'),
    (req) => {
      const last = req.messages.at(-1)!.content;
      assert.match(last, /\[cell 1 output\]\n2/, 'the last call sees the output of the last cell');
      assert.match(last, /The run stopped because the run used all 2 iterations\. No more code will run/);
      return 'FINAL(best guess: 42)';
    },
  ]);
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' }, limits: { maxIterations: 2 } }, async (session) => {
    const result = await session.ask('?');
    assert.equal(result.stopReason, 'max_iterations');
    assert.equal(result.answer, 'best guess: 42');
    assert.equal(s.rootRequests().length, 3);
  });
});

test('the root prompt does not grow with the context: 1 MB and 100 MB give the same size', async () => {
  const sizes: number[] = [];
  for (const size of [1_000_000, 100_000_000]) {
    const s = await scripted([code('Done.', 'FINAL(context.length)')]);
    const session = await RlmSession.create({ models: s.models, context: { kind: 'text', text: 'a'.repeat(size) } });
    try {
      const result = await session.ask('How long is it?');
      assert.equal(result.answer, String(size));
      sizes.push(s.rootRequests()[0]!.messages.reduce((n, m) => n + m.content.length, 0));
    } finally {
      session.dispose();
      await s.close();
    }
  }
  // Only the printed size differs ("1,000,000" vs "100,000,000" and the token estimate).
  assert.ok(Math.abs(sizes[0]! - sizes[1]!) <= 8, `prompt sizes ${sizes.join(' vs ')}`);
  assert.ok(sizes[0]! < 20_000);
});

test('runaway code ends only its cell: an endless loop, a memory bomb and overwritten engine functions', async () => {
  const s = await scripted([
    code('Scan forever by mistake.', 'let n = 0;\nwhile (true) { n++; }'),
    (req) => {
      assert.match(req.messages.at(-1)!.content, /\[cell 1 error\] .*deadline/i);
      return code('Build a huge array by mistake.', 'const big = [];\nwhile (true) big.push(new Uint8Array(1 << 20));');
    },
    (req) => {
      assert.match(req.messages.at(-1)!.content, /\[cell 1 error\] .*memory/i);
      return code('Clobber the engine by mistake.', 'llm_query = null; FINAL = 0; print = undefined;\nconst kept = 42;');
    },
    code('The engine functions are back.', 'SHOW_VARS();\nprint(typeof llm_query, typeof FINAL);'),
    (req) => {
      const out = req.messages.at(-1)!.content;
      assert.match(out, /kept/);
      assert.match(out, /function function/);
      return code('Finish.', 'FINAL(kept)');
    },
  ]);
  await withSession(s, {
    models: s.models,
    context: { kind: 'text', text: 'x' },
    limits: { sandbox: { cellTimeoutMs: 300, memoryBytes: 64 * 1024 * 1024, stackBytes: 512 * 1024 } },
  }, async (session) => {
    const result = await session.ask('?');
    assert.equal(result.stopReason, 'final', result.detail);
    assert.equal(result.answer, '42');
  });
});

test('a cell the sandbox had to terminate: the REPL is replaced and the model is told its variables are gone', async () => {
  const s = await scripted([
    code('Set up.', 'const keep = 7;\nprint(keep);'),
    code('Scan a huge string in a loop.', 'const big = "x".repeat(5e7);\nwhile (true) big.indexOf("y");'),
    (req) => {
      assert.match(req.messages.at(-1)!.content, /\[cell 1 error\] cell exceeded its 0\.3 s deadline and did not stop/);
      return code('Check state.', 'print(typeof keep);');
    },
    (req) => {
      const out = req.messages.at(-1)!.content;
      assert.match(out, /\[The REPL was restarted because .*deadline.*Variables from earlier cells are gone/);
      assert.match(out, /\nundefined/);
      return code('Recompute.', 'FINAL(7 * 6)');
    },
  ]);
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'abc' }, limits: { sandbox: { cellTimeoutMs: 300 } } }, async (session) => {
    const result = await session.ask('?');
    assert.equal(result.stopReason, 'final', result.detail);
    assert.equal(result.answer, '42');
  });
});
