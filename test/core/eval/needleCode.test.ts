// needle-code over a real workspace (real Tree-sitter, real grep): the questions' answers are where the code
// says, the same seed gives the same questions, and a workspace without code says why it has none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { needleCodeTasks } from '../../../src/core/eval/suites/needleCode';
import { scoreReply } from '../../../src/core/eval/scorers';
import { CodeWorkspace } from '../../../src/core/workspace/CodeWorkspace';

const FILES: Record<string, string> = {
  'src/retry.ts': 'export function computeBackoff(attempt: number): number {\n  return Math.min(30_000, 2 ** attempt * 100);\n}\n\nexport class RetryPolicy {\n  delay(attempt: number) {\n    return computeBackoff(attempt);\n  }\n}\n',
  'src/client.ts': "import { computeBackoff } from './retry';\n\nexport function sendRequest(url: string) {\n  const wait = computeBackoff(1);\n  return fetchWithTimeout(url, wait);\n}\n\nfunction fetchWithTimeout(url: string, ms: number) {\n  return { url, ms };\n}\n",
  'src/worker.ts': "import { computeBackoff } from './retry';\n\nexport function scheduleJob(name: string) {\n  setTimeout(() => runJobNow(name), computeBackoff(2));\n}\n\nfunction runJobNow(name: string) {\n  return name;\n}\n",
  'lib/parser.py': 'def parse_header(line):\n    key, _, value = line.partition(":")\n    return key.strip(), value.strip()\n\n\nclass HeaderParser:\n    def parse_all(self, lines):\n        return [parse_header(l) for l in lines]\n',
  'lib/main.py': 'from parser import parse_header\n\n\ndef print_headers(lines):\n    for line in lines:\n        print(parse_header(line))\n',
};

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-needle-code-'));
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function tasksOf(dir: string, seed: number, count: number) {
  const workspace = await CodeWorkspace.openAsync(dir, { cacheDir: false, workers: 1 });
  try {
    return await needleCodeTasks(workspace, { seed, count, name: 'proj', path: dir });
  } finally {
    workspace.dispose();
  }
}

test('definition questions point at the definition; caller questions list the files grep finds calling it', async () => {
  const dir = project();
  const tasks = await tasksOf(dir, 1, 6);
  assert.equal(tasks.length, 6);
  assert.ok(tasks.some((t) => t.scorer === 'location') && tasks.some((t) => t.scorer === 'f1'), tasks.map((t) => t.question).join('\n'));
  for (const task of tasks) {
    assert.deepEqual(task.context, { kind: 'workspace', path: dir });
    assert.equal(task.sizeLabel, `${task.sizeTokens}`, 'sized by the workspace (under 1k tokens here)');
    const name = /`([^`]+)`/.exec(task.question)![1]!;
    if (task.scorer === 'location') {
      const { path, line } = task.answer as { path: string; line: number };
      const text = readFileSync(join(dir, path), 'utf8').split('\n')[line - 1]!;
      assert.match(text, new RegExp(`\\b${name}\\b`), `${path}:${line} defines ${name}`);
      assert.equal(scoreReply(task, `It is at ${path}:${line}.`).score, 1);
    } else {
      const expected = Object.entries(FILES).filter(([, text]) => new RegExp(`\\b${name}\\s*\\(`).test(text.split('\n').filter((l) => !new RegExp(`(def|function) ${name}`).test(l)).join('\n'))).map(([p]) => p).sort();
      assert.deepEqual(task.answer, expected, `callers of ${name}`);
    }
  }
  const backoff = tasks.find((t) => t.question.includes('`computeBackoff`') && t.scorer === 'f1');
  if (backoff) assert.deepEqual(backoff.answer, ['src/client.ts', 'src/retry.ts', 'src/worker.ts']);
});

test('the same workspace and seed give the same questions; another seed reorders them', async () => {
  const dir = project();
  const a = await tasksOf(dir, 5, 4);
  const b = await tasksOf(dir, 5, 4);
  assert.deepEqual(a, b);
  const others = await Promise.all([6, 7, 8].map((seed) => tasksOf(dir, seed, 4)));
  assert.ok(others.some((o) => JSON.stringify(o.map((t) => t.question)) !== JSON.stringify(a.map((t) => t.question))));
});

test('a workspace with no code the symbol index knows: a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-needle-empty-'));
  writeFileSync(join(dir, 'notes.txt'), 'nothing to see\n');
  await assert.rejects(tasksOf(dir, 1, 3), /needle-code: the workspace proj has no definitions/);
});
