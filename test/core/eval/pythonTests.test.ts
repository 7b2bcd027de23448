// The RefactorBench test runner's edges: a test file that never ends is killed with its process group at the
// timeout and nothing counts as passed; output is cut to its tail; a file that does not load is broken; a
// python3 that is not there says so with what to install; a file the model wrote beside the test cannot shadow
// the standard library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTPUT_TAIL_CHARS, PythonMissing, pythonVersion, runTestFile } from '../../../src/core/eval/benchmarks/pythonTests';

function setup(testBody: string) {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-pytests-'));
  const root = join(dir, 'repo');
  mkdirSync(root);
  const file = join(dir, 'case-test.py');
  writeFileSync(file, testBody);
  return { dir, root, file };
}

test('a test file that never ends is killed at the timeout, children and all; nothing passes', async () => {
  const { dir, root, file } = setup(`import unittest, subprocess, sys, time
class T(unittest.TestCase):
    def test_forever(self):
        print("x" * 50000, flush=True)
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        while True:
            time.sleep(0.05)
`);
  const started = Date.now();
  const run = await runTestFile(file, root, dir, { timeoutMs: 3_000 });
  assert.ok(Date.now() - started < 15_000);
  assert.equal(run.timedOut, true);
  assert.deepEqual(run.results, []);
  assert.ok(run.output.length <= OUTPUT_TAIL_CHARS + 40, `output cut: ${run.output.length}`);
  assert.match(run.output, /^\[\.\.\. cut \.\.\.\]/);
  // The grandchild sleeper went with its group.
  const left = execFileSync('ps', ['-eo', 'args']).toString().split('\n').filter((l) => l.includes('time.sleep(600)') && !l.includes('ps -eo'));
  assert.deepEqual(left, []);
});

test('a test file that does not load is broken, not a failure of the change', async () => {
  const { dir, root, file } = setup('import unittest\nclass T(unittest.TestCase:\n    pass\n');
  const run = await runTestFile(file, root, dir);
  assert.equal(run.results.length, 1);
  assert.equal(run.results[0]!.test, '<load>');
  assert.equal(run.results[0]!.broken, true);
});

test('files in the copy cannot shadow ast or unittest, and no API key reaches the tests', async () => {
  const { dir, root, file } = setup(`import unittest, ast, os
class T(unittest.TestCase):
    def test_real_ast(self):
        self.assertTrue(hasattr(ast, "parse"))
    def test_no_key(self):
        self.assertNotIn("OPENAI_API_KEY", os.environ)
`);
  writeFileSync(join(root, 'ast.py'), 'raise SystemExit("shadowed")\n');
  writeFileSync(join(dir, 'ast.py'), 'raise SystemExit("shadowed")\n');
  const run = await runTestFile(file, root, dir, { env: { ...process.env, OPENAI_API_KEY: 'sk-secret' } });
  assert.deepEqual(run.results.map((r) => r.outcome), ['pass', 'pass'], run.output);
});

test('a missing python3 is named, with what to install', async () => {
  await assert.rejects(pythonVersion('python3-not-installed-here'), (err: Error) => err instanceof PythonMissing && /was not found on PATH: RefactorBench's tests need Python 3\.8 to 3\.13/.test(err.message) && /apt-get install python3/.test(err.message));
  assert.match(await pythonVersion(), /^3\.\d+\.\d+$/);
  const { dir, root, file } = setup('import unittest\n');
  await assert.rejects(runTestFile(file, root, dir, { python: 'python3-not-installed-here' }), PythonMissing);
});
