// Sub-call answers reused across questions: the same question asked twice over an unchanged context sends no
// sub-call the second time; each reused answer is a tree node marked cached, with what it saved, and never
// counted as spend or against the sub-call limit. A changed prompt (an edited file) misses; failed and cut
// answers are not kept; without a cache every sub-call is sent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceTable } from '../../../src/core/models/pricing';
import { RlmSession } from '../../../src/core/loop/RlmSession';
import { SubCallCacheFile } from '../../../src/core/loop/SubCallCache';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { TrajectoryTree } from '../../../src/core/trajectory/TrajectoryTree';
import type { FakeReply, FakeRequest } from '../../fakes/FakeModelServer';
import { code, ROOT, scripted, SUB, type Scripted } from '../../support/scriptedModels';

const PRICES = new PriceTable({ [ROOT]: { input: 1.25, output: 10 }, [SUB]: { input: 0.25, output: 2 } });
const costOf = (model: string, usage: Parameters<PriceTable['costUsd']>[1]) => PRICES.costUsd(model, usage);
const QUESTION = [
  code('Read the parts.', 'const parts = context.split("\\n");\nconst notes = await llm_query_batched(parts.map((p) => "Summarise: " + p));\nprint(notes.join(" | "))'),
  code('One more.', 'const first = await llm_query("What is " + parts[0] + "?");\nFINAL(first + " / " + notes.length)'),
];
const cacheFile = () => join(mkdtempSync(join(tmpdir(), 'rlm-subcalls-')), 'subcalls', 'w.jsonl');

/** Asks `question` in a fresh session (a new REPL, as a new chat would be) with `cache`. */
async function ask(s: Scripted, text: string, cache: SubCallCacheFile | undefined, events: RlmEvent[] = []) {
  const session = await RlmSession.create({ models: s.models, context: { kind: 'text', text }, costOf, subCallCache: cache });
  try {
    return await session.ask('Summarise each part.', { onEvent: (e) => events.push(e) });
  } finally {
    session.dispose();
  }
}

test('the same question twice over an unchanged context: the second run sends no sub-call; reused answers are marked, saved, never spent', async () => {
  const s = await scripted([...QUESTION, ...QUESTION], (req) => `summary of ${req.messages.at(-1)!.content}`);
  const cache = new SubCallCacheFile(cacheFile());
  try {
    const first = await ask(s, 'alpha\nbeta\ngamma', cache);
    const sentFirst = s.subRequests().length;
    assert.equal(sentFirst, 4);
    await cache.close();
    const events: RlmEvent[] = [];
    const second = await ask(s, 'alpha\nbeta\ngamma', new SubCallCacheFile(cache.file), events);
    assert.equal(second.answer, first.answer);
    assert.equal(s.subRequests().length, sentFirst, 'nothing more was sent');
    assert.equal(second.usage.sub.calls, 0);
    assert.equal(second.usage.sub.inputTokens + second.usage.sub.outputTokens, 0, 'the second run\'s sub-call tokens: none');
    assert.equal(second.usage.sub.costUsd, 0);
    assert.equal(second.usage.sub.reusedCalls, 4);
    assert.ok(Math.abs(second.usage.sub.savedUsd! - first.usage.sub.costUsd) < 1e-12, 'it saved what the first run paid');
    assert.equal(second.subCalls, 0, 'reused answers do not count against the sub-call limit');
    const ends = events.filter((e): e is Extract<RlmEvent, { type: 'subcall_end' }> => e.type === 'subcall_end');
    assert.equal(ends.length, 4);
    assert.ok(ends.every((e) => e.cached === true && e.costUsd === 0 && e.savedUsd! > 0 && e.status === 'done'));
    assert.ok(!events.some((e) => e.type === 'subcall_running'), 'a reused answer is never sent');
    const tree = TrajectoryTree.from(events);
    const node = tree.get(ends[0]!.id)!;
    assert.equal(node.kind === 'subcall' && node.cached, true);
    assert.match(node.label, /\(cached\)$/);
    assert.equal(tree.roots[0]!.total.costUsd, second.usage.root.costUsd, 'only the root turns were spent');
  } finally {
    await s.close();
  }
});

test('an edited part misses and is sent; the unchanged ones are reused', async () => {
  const s = await scripted([...QUESTION, ...QUESTION], (req) => `summary of ${req.messages.at(-1)!.content}`);
  const cache = new SubCallCacheFile(cacheFile());
  try {
    await ask(s, 'alpha\nbeta\ngamma', cache);
    const before = s.subRequests().length;
    const second = await ask(s, 'alpha\nBETA EDITED\ngamma', cache);
    const sent = s.subRequests().slice(before).map((r) => r.messages.at(-1)!.content);
    assert.deepEqual(sent, ['Summarise: BETA EDITED']);
    assert.equal(second.usage.sub.reusedCalls, 3);
    assert.equal(second.usage.sub.calls, 1);
  } finally {
    await s.close();
  }
});

test('failed and cut answers are not kept; without a cache every sub-call is sent', async () => {
  let n = 0;
  const sub = (req: FakeRequest): FakeReply | string => {
    n++;
    const prompt = req.messages.at(-1)!.content;
    if (prompt === 'Summarise: alpha' && n <= 4) return { status: 400, text: 'bad request' };
    if (prompt === 'Summarise: beta' && n <= 4) return { text: 'half an ans', finishReason: 'length' };
    return `summary of ${prompt}`;
  };
  const s = await scripted([...QUESTION, ...QUESTION, ...QUESTION], sub, { retries: 0 });
  const cache = new SubCallCacheFile(cacheFile());
  try {
    await ask(s, 'alpha\nbeta\ngamma', cache);
    const before = s.subRequests().length;
    await ask(s, 'alpha\nbeta\ngamma', cache);
    const sent = s.subRequests().slice(before).map((r) => r.messages.at(-1)!.content).sort();
    assert.deepEqual(sent, ['Summarise: alpha', 'Summarise: beta'], 'the failed and the cut answer are asked again');
    const third = s.subRequests().length;
    await ask(s, 'alpha\nbeta\ngamma', undefined);
    assert.equal(s.subRequests().length - third, 4, 'no cache: all four are sent');
  } finally {
    await s.close();
  }
});

test('an answer that holds a key in use (a model echoing what it was sent) or a credential\'s shape is never written to the cache', async () => {
  const KEY = 'sk-live-0123456789abcdef';
  const s = await scripted([...QUESTION, ...QUESTION], (req) => {
    const prompt = req.messages.at(-1)!.content;
    if (prompt === 'Summarise: alpha') return `I was called with: Bearer ${KEY}`;
    if (prompt === 'Summarise: beta') return 'the config has AKIAIOSFODNN7EXAMPLE in it';
    return `summary of ${prompt}`;
  });
  const file = cacheFile();
  const cache = new SubCallCacheFile(file);
  try {
    const session = await RlmSession.create({ models: s.models, context: { kind: 'text', text: 'alpha\nbeta\ngamma' }, costOf, subCallCache: cache, secrets: [KEY] });
    await session.ask('Summarise each part.');
    session.dispose();
    await cache.close();
    const written = readFileSync(file, 'utf8');
    assert.ok(!written.includes(KEY), 'the key is not on disk');
    assert.ok(!written.includes('AKIAIOSFODNN7EXAMPLE'));
    assert.match(written, /summary of Summarise: gamma/, 'the clean answers are kept');
  } finally {
    await s.close();
  }
});
