// rlm_query (child RLMs below max depth), sessions with several questions, trajectories on disk.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RlmSession } from '../../../src/core/loop/RlmSession';
import { createModel } from '../../../src/core/models/createModel';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { readTrace } from '../../../src/core/trajectory/readTrace';
import { TraceWriter } from '../../../src/core/trajectory/TraceWriter';
import { Trajectory } from '../../../src/core/trajectory/Trajectory';
import { TrajectoryTree } from '../../../src/core/trajectory/TrajectoryTree';
import { closedPort } from '../../support/closedPort';
import { code, scripted, withSession, SUB, TEST_KEY } from '../../support/scriptedModels';

test('depth 2: rlm_query runs a child RLM with its own sandbox, nested under the calling cell', async () => {
  const s = await scripted(
    [
      code('Delegate the sub-problem to a child.', 'const part = await rlm_query("Sum the numbers in the context.", {context: "3 4 5"});\nprint(part);'),
      (req) => {
        assert.match(req.messages.at(-1)!.content, /\[cell 1 output\]\n12/);
        return code('The child says 12.', 'FINAL(Number(part) * 2)');
      },
    ],
    // The child's root is the sub-model: it writes code in its own REPL.
    (req) => {
      const turns = req.messages.filter((m) => m.role === 'assistant').length;
      if (turns === 0) {
        assert.match(req.messages[0]!.content, /Your task comes from a parent/);
        return code('Child: parse the numbers.', 'const nums = context.split(" ").map(Number);\nprint(typeof part);');
      }
      assert.match(req.messages.at(-1)!.content, /undefined/, 'the parent variable is not visible in the child sandbox');
      return code('Child: done.', 'FINAL(nums.reduce((a, b) => a + b, 0))');
    },
  );
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'parent context' }, limits: { maxDepth: 2 } }, async (session) => {
    const result = await session.ask('Twice the sum?', { onEvent: (e) => events.push(e) });
    assert.equal(result.stopReason, 'final');
    assert.equal(result.answer, '24');
    assert.equal(result.subCalls, 1);
    assert.equal(result.usage.root.calls, 2);
    assert.equal(result.usage.sub.calls, 2, 'the child root turns count as sub-calls of the tree');
    const starts = events.filter((e) => e.type === 'run_start');
    assert.equal(starts.length, 2);
    const [, child] = starts as Array<Extract<RlmEvent, { type: 'run_start' }>>;
    assert.equal(child!.depth, 1);
    const firstCell = events.find((e) => e.type === 'cell_start') as Extract<RlmEvent, { type: 'cell_start' }>;
    assert.equal(child!.parentId, firstCell.id);
    const tree = TrajectoryTree.from(events);
    const cell = tree.get(firstCell.id)!;
    assert.equal(cell.children[0]!.kind, 'run');
    assert.equal(cell.children[0]!.output, '12');
  });
});

test('depth 1 (the default): rlm_query is a plain sub-call with the context appended', async () => {
  const s = await scripted(
    [code('Ask.', 'FINAL(await rlm_query("Sum these", {context: [1, 2]}))')],
    (req) => {
      assert.match(req.messages[0]!.content, /^Sum these\n\nContext:\n\[\n  1,\n  2\n\]$/);
      return '3';
    },
  );
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' } }, async (session) => {
    const result = await session.ask('?');
    assert.equal(result.answer, '3');
    assert.equal(s.subRequests().length, 1);
  });
});

test('a session answers several questions on one sandbox; variables and history carry over', async () => {
  const s = await scripted([
    code('Count words.', 'const words = context.split(/\\s+/);\nFINAL(words.length)'),
    (req) => {
      assert.match(req.messages[1]!.content, /Earlier questions in this session[\s\S]*Q: How many words\?\n\s+A: 4/);
      return code('Reuse the variable.', 'FINAL(words[words.length - 1])');
    },
  ]);
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'the quick brown fox' } }, async (session) => {
    assert.equal((await session.ask('How many words?')).answer, '4');
    assert.equal((await session.ask('Last word?')).answer, 'fox');
    assert.ok(session.variables().some((v) => v.name === 'words'));
  });
});

test('the JSONL trace is written as the run goes, has a valid receipt, and never holds the API key', async () => {
  const s = await scripted(
    [code('Echo.', `print(await llm_query("say hi"));\nFINAL("ok")`)],
    () => `hi (key ${TEST_KEY} must not leak)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'rlm-trace-'));
  const file = join(dir, 'run.jsonl');
  const trajectory = new Trajectory({ secrets: [TEST_KEY] });
  const writer = new TraceWriter(trajectory, file);
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'x' } }, async (session) => {
    let linesMidRun = 0;
    const result = await session.ask('?', {
      trajectory,
      onEvent: (e) => {
        if (e.type === 'subcall_end') linesMidRun = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
      },
    });
    writer.close();
    assert.ok(linesMidRun > 3, 'events were on disk before the run ended');
    const raw = readFileSync(file, 'utf8');
    assert.ok(!raw.includes(TEST_KEY));
    assert.match(raw, /\[redacted\]/);
    const trace = readTrace(file);
    assert.equal(trace.receipt, 'valid');
    assert.equal(trace.sha256, result.receipt!.sha256);
    // Editing any line breaks the receipt.
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, raw.replace('"Echo.', '"Edited.'));
    assert.equal(readTrace(tampered).receipt, 'mismatch');
  });
});

test('an unreachable root endpoint ends the run with error and a message naming the URL', async () => {
  const port = await closedPort();
  const root = await createModel({ provider: 'openai', model: 'm', baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: 'k', retries: 1 });
  const session = await RlmSession.create({ models: { root, sub: root }, context: { kind: 'text', text: 'x' } });
  try {
    const started = Date.now();
    const result = await session.ask('?');
    assert.equal(result.stopReason, 'error');
    assert.match(result.detail!, new RegExp(`Could not reach http://127\\.0\\.0\\.1:${port}/v1 \\(ECONNREFUSED\\)`));
    assert.ok(Date.now() - started < 10_000);
  } finally {
    session.dispose();
  }
});

test('the Anthropic provider drives the same loop', async () => {
  const s = await scripted(
    [code('Ask the sub-model.', 'FINAL(await llm_query("2+2?"))')],
    (req) => {
      assert.equal(req.api, 'anthropic');
      assert.equal(req.model, SUB);
      return '4';
    },
    { api: 'anthropic' },
  );
  const session = await RlmSession.create({ models: s.models, context: { kind: 'text', text: 'x' } });
  try {
    const result = await session.ask('?');
    assert.equal(result.answer, '4');
    assert.equal(s.rootRequests()[0]!.api, 'anthropic');
    assert.equal(s.rootRequests()[0]!.messages[0]!.role, 'system');
  } finally {
    session.dispose();
    await s.close();
  }
});
