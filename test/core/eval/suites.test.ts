// The built-in text suites: the same seed gives the same tasks and answers, another seed other ones; each
// context has the size asked for; the answers agree with what the text holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvalTask } from '../../../src/core/eval/EvalTask';
import { seededRandom, taskSeed } from '../../../src/core/eval/random';
import { parseSize, parseSizes, sizeLabelOf } from '../../../src/core/eval/suites/contextSizes';
import { textSuiteTasks, TEXT_SUITES } from '../../../src/core/eval/suites';
import { generateRecords, RECORD_LABELS } from '../../../src/core/eval/suites/questionRecords';
import { CHARS_PER_TOKEN } from '../../../src/core/models/usage';

const textOf = (task: EvalTask) => (task.context as { kind: 'text'; text: string }).text;

test('sizes: k is a thousand tokens, m a million; sorted, deduplicated; bad ones named', () => {
  assert.deepEqual(parseSizes('32k,8k,2m,8k').map((s) => [s.label, s.tokens]), [['8k', 8000], ['32k', 32000], ['2m', 2_000_000]]);
  assert.deepEqual(parseSize('1.5k'), { label: '1.5k', tokens: 1500 });
  assert.throws(() => parseSize('big'), /Bad size 'big'/);
  assert.throws(() => parseSize('500'), /too small/);
  assert.equal(sizeLabelOf({ sizeTokens: 70_000 }), '128k', 'a file context goes in the smallest size that holds it');
  assert.equal(sizeLabelOf({ sizeTokens: 70_000, sizeLabel: '70k' }), '70k');
});

test('every text suite is deterministic: same seed, same tasks and answers; another seed, other ones', () => {
  const sizes = parseSizes('8k,32k');
  for (const name of Object.keys(TEXT_SUITES) as Array<keyof typeof TEXT_SUITES>) {
    const a = textSuiteTasks(name, sizes, 7, 2);
    const b = textSuiteTasks(name, sizes, 7, 2);
    const c = textSuiteTasks(name, sizes, 8, 2);
    assert.equal(a.length, 4);
    assert.deepEqual(a, b, `${name}: the same seed gives the same tasks`);
    assert.notDeepEqual(a.map(textOf), c.map(textOf), `${name}: another seed gives other texts`);
    assert.notEqual(textOf(a[0]!), textOf(a[1]!), `${name}: two tasks of one size differ`);
    assert.deepEqual(new Set(a.map((t) => t.id)).size, 4, `${name}: ids are unique`);
    for (const task of a) {
      const chars = task.sizeTokens * CHARS_PER_TOKEN;
      assert.ok(textOf(task).length <= chars && textOf(task).length > chars - 200, `${name} ${task.id}: ${textOf(task).length} characters for ${chars}`);
    }
  }
});

test('needle-text: the needle is in the text exactly once, and its number is the answer', () => {
  for (const task of textSuiteTasks('needle-text', parseSizes('8k,128k'), 3, 3)) {
    const found = [...textOf(task).matchAll(/special magic number for (\S+) is (\d+)\./g)];
    assert.equal(found.length, 1);
    assert.equal(found[0]![2], task.answer);
    assert.ok(task.question.includes(found[0]![1]!), 'the question names the needle\'s key');
    assert.equal(textOf(task).match(/\d{7}/g)!.length, 1, 'no other seven-digit number');
    assert.equal(task.scorer, 'contains');
  }
});

test('count-text and pairs-text: records as lines, answers computed from the labels of the records generated', () => {
  const r = seededRandom(taskSeed(1, 'x'));
  const chosen = new Set([1001, 1003]);
  const { text, records } = generateRecords({ chars: 20_000, users: 10, labelsOf: (u) => (chosen.has(u) ? ['abbreviation', 'location'] : ['location', 'person']) }, r);
  assert.equal(text.split('\n').filter(Boolean).length, records.length);
  assert.ok(text.length <= 20_000 && text.length > 19_800);
  assert.ok(records.every((rec, i) => rec.id === i + 1 && text.includes(rec.line + '\n')));
  assert.ok(records.filter((rec) => rec.label === 'abbreviation').every((rec) => chosen.has(rec.user)), 'a user never asks a kind it was not given');
  assert.ok(records.every((rec) => RECORD_LABELS.includes(rec.label)));
  // No record names its kind: the label has to be read from what the question asks.
  assert.ok(!/\b(location|abbreviation|person|entity|description)\b/i.test(text));

  const [count] = textSuiteTasks('count-text', parseSizes('8k'), 1, 1);
  assert.equal(count!.scorer, 'numeric');
  assert.ok(typeof count!.answer === 'number' && count!.answer > 0 && count!.answer < textOf(count!).split('\n').length);
  const [pairs] = textSuiteTasks('pairs-text', parseSizes('32k'), 1, 1);
  const list = pairs!.answer as Array<[string, string]>;
  const users = [...new Set(list.flat())];
  assert.equal(list.length, (users.length * (users.length - 1)) / 2, 'every pair of the users who asked, once');
  assert.ok(list.every(([a, b]) => Number(a) < Number(b)));
  assert.ok(users.every((u) => textOf(pairs!).includes(`| user ${u} |`)));
});

test('2M tokens of each text suite generate in well under the time a model call takes', () => {
  for (const name of Object.keys(TEXT_SUITES) as Array<keyof typeof TEXT_SUITES>) {
    const started = performance.now();
    const [task] = textSuiteTasks(name, parseSizes('2m'), 1, 1);
    const ms = performance.now() - started;
    assert.ok(textOf(task!).length > 7_999_000);
    assert.ok(ms < 5_000, `${name}: ${ms.toFixed(0)} ms for 2M tokens`);
  }
});
