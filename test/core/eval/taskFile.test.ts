// Tasks from a file: the JSONL format (every context kind, every scorer's answer shape, clear errors), and
// LongBench-v2's data.json with its CodeQA domain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODEQA_DOMAIN } from '../../../src/core/eval/longBench';
import { loadTaskFile, TaskFileError } from '../../../src/core/eval/taskFile';

function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-tasks-'));
  writeFileSync(join(dir, 'notes.txt'), 'x'.repeat(4_000));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

const lines = (...tasks: object[]) => tasks.map((t) => JSON.stringify(t)).join('\n') + '\n';

test('JSONL: one task a line, contexts as text, file or workspace (relative to the file), answers in each scorer\'s shape', () => {
  const path = file('tasks.jsonl', lines(
    { id: 'a', question: 'Q1', context: 'inline text', answer: 'blue', scorer: 'exact' },
    { id: 'b', question: 'Q2', context: { file: 'notes.txt' }, answer: '12', scorer: 'numeric' },
    { id: 'c', question: 'Q3', context: { workspace: '.' }, answer: [['1', '2'], 'x'], scorer: 'f1' },
    { id: 'd', question: 'Q4', context: { text: 't' }, answer: 'c', scorer: 'choice', choices: ['w', 'x', 'y', 'z'] },
    { id: 'e', question: 'Q5', context: 't', answer: { path: 'a.ts', line: 3 }, scorer: 'location', tolerance: 0 },
  ));
  const tasks = loadTaskFile(path);
  assert.deepEqual(tasks.map((t) => [t.id, t.suite, t.scorer]), [['a', 'file', 'exact'], ['b', 'file', 'numeric'], ['c', 'file', 'f1'], ['d', 'file', 'choice'], ['e', 'file', 'location']]);
  assert.deepEqual(tasks[0]!.context, { kind: 'text', text: 'inline text' });
  assert.deepEqual(tasks[1]!.context, { kind: 'file', path: join(path, '..', 'notes.txt') });
  assert.equal(tasks[1]!.sizeTokens, 1_000, '4,000 characters');
  assert.equal(tasks[1]!.answer, 12);
  assert.deepEqual(tasks[2]!.context, { kind: 'workspace', path: join(path, '..') });
  assert.equal(tasks[2]!.sizeTokens, -1, 'measured when the workspace opens');
  assert.deepEqual(tasks[2]!.answer, [['1', '2'], 'x']);
  assert.equal(tasks[3]!.answer, 'C');
  assert.deepEqual(tasks[3]!.choices, ['w', 'x', 'y', 'z']);
  assert.equal(tasks[4]!.tolerance, 0);
});

test('JSONL errors name the line and what to write', () => {
  const bad = (text: string) => () => loadTaskFile(file('bad.jsonl', text));
  assert.throws(bad('{"id": "a"'), (e) => e instanceof TaskFileError && /bad.jsonl line 1 is not valid JSON/.test(e.message));
  assert.throws(bad(lines({ id: 'a', question: 'q', context: 't', answer: 'x', scorer: 'fuzzy' })), /line 1: unknown scorer "fuzzy" \(one of exact, contains, numeric, f1, choice, location\)/);
  assert.throws(bad(lines({ id: 'a', question: 'q', context: 't', answer: 'many', scorer: 'numeric' })), /line 1: the numeric scorer needs "answer" to be a number/);
  assert.throws(bad(lines({ id: 'a', question: 'q', context: 't', answer: 'E', scorer: 'choice' })), /a letter A to D/);
  assert.throws(bad(lines({ id: 'a', question: 'q', context: 42, answer: 'x', scorer: 'exact' })), /"context" must be a string, or \{"text": \.\.\.\}/);
  assert.throws(bad('\n' + lines({ id: 'a', question: 'q', context: 't', answer: 'x', scorer: 'exact' }, { id: 'a', question: 'q', context: 't', answer: 'x', scorer: 'exact' })), /line 3: the id "a" was used before/);
  assert.throws(bad(lines({ id: 'a', context: 't', answer: 'x', scorer: 'exact' })), /line 1: "question" must be a non-empty string/);
  assert.throws(bad('\n\n'), /holds no tasks/);
  assert.throws(() => loadTaskFile('/nonexistent/tasks.jsonl'), /Tasks file not found: \/nonexistent\/tasks.jsonl/);
  assert.throws(() => loadTaskFile(file('t.jsonl', lines({ id: 'a', question: 'q', context: 't', answer: 'x', scorer: 'exact' })), { domain: 'codeqa' }), /--domain applies to LongBench-v2/);
});

test('LongBench-v2 data.json: choices, the answer letter, CodeQA as the "codeqa" domain', () => {
  const entry = (id: string, domain: string, answer: string) => ({
    _id: id, domain, sub_domain: 'x', difficulty: 'hard', length: 'long', question: `What does ${id} do?`,
    choice_A: 'parses', choice_B: 'retries', choice_C: 'logs', choice_D: 'nothing', answer, context: 'c'.repeat(400),
  });
  const path = file('data.json', JSON.stringify([entry('66f1', CODEQA_DOMAIN, 'B'), entry('66f2', 'Single-Document QA', 'a')]));
  const all = loadTaskFile(path);
  assert.deepEqual(all.map((t) => [t.id, t.suite, t.answer, t.scorer, t.sizeTokens]), [['longbench/66f1', 'codeqa', 'B', 'choice', 100], ['longbench/66f2', 'longbench', 'A', 'choice', 100]]);
  assert.deepEqual(all[0]!.choices, ['parses', 'retries', 'logs', 'nothing']);
  assert.deepEqual(loadTaskFile(path, { domain: 'codeqa' }).map((t) => t.id), ['longbench/66f1']);
  assert.deepEqual(loadTaskFile(path, { domain: 'single-document qa' }).map((t) => t.id), ['longbench/66f2']);
  assert.throws(() => loadTaskFile(path, { domain: 'Dialogue' }), /no entries in the domain "Dialogue"; its domains: Code Repository Understanding; Single-Document QA/);
  assert.throws(() => loadTaskFile(file('data.json', '[{"_id": "1"}]')), /entry 0 is not a LongBench-v2 entry: missing domain, question, choice_A/);
  assert.throws(() => loadTaskFile(file('data.json', '[1, 2')), /starts like LongBench-v2's data.json .* but is not valid JSON/);
});
