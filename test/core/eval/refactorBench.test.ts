// RefactorBench through `rlm eval`'s runner, over a fixture in the benchmark's exact layout (two repositories,
// three tasks, one whose test is broken): the real engine (QuickJS, the workspace, edits, applyChanges) and the
// official SDK over HTTP against the fake server, git apply --3way for the plain model, and python3 running the
// tasks' unittest files. A model that does nothing scores 0; a scripted model that makes the right change scores
// 100% on that task in both modes; the broken task is reported as broken; the user's clone is never touched. The
// RLM runs at depth 2 (a child run starts, a third level does not), and conflicts are counted in both modes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REFACTORBENCH_CLONE, refactorBenchTasks } from '../../../src/core/eval/benchmarks/refactorBench';
import { TaskFileError } from '../../../src/core/eval/TaskFileError';
import { buildReport, reportMarkdown } from '../../../src/core/eval/report';
import { runEval, type EvalOptions } from '../../../src/core/eval/runEval';
import { createModel } from '../../../src/core/models/createModel';
import { PriceTable } from '../../../src/core/models/pricing';
import { CodeWorkspace } from '../../../src/core/workspace/CodeWorkspace';
import { readTrace } from '../../../src/core/trajectory/readTrace';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { FakeModelServer } from '../../fakes/FakeModelServer';
import { refactorModels } from '../../support/benchmarkModels';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'refactorbench');
const KEY = 'sk-test-refactorbench-0123456789';
const PRICES = new PriceTable({ 'root-model': { input: 1.25, output: 10, contextWindow: 64_000 }, 'sub-model': { input: 0.25, output: 2, contextWindow: 64_000 } });

test('the loader reads the layout: three tasks, statements by variant, tests paired through the mapping scripts', () => {
  const base = refactorBenchTasks(FIXTURE, { variant: 'base' });
  assert.deepEqual(base.map((t) => t.id), [
    'refactorbench/flask/add-log-parameter-get-debug-flag',
    'refactorbench/flask/rename-send-from-directory',
    'refactorbench/requests/rename-super-len-complex-len',
  ]);
  const requests = base[2]!;
  assert.equal(requests.benchmark?.kind, 'refactorbench');
  assert.ok(requests.benchmark?.kind === 'refactorbench' && requests.benchmark.testFile.endsWith('tests/requests_refactor/super-to-complex-len.py'), 'paired by scripts/base_mapping.py, whose names differ');
  assert.ok(requests.sizeTokens > 50);
  const lazy = refactorBenchTasks(FIXTURE, { variant: 'lazy', only: ['requests'] });
  assert.deepEqual(lazy.map((t) => t.question), ['super_len should be called complex_len']);
  assert.throws(() => refactorBenchTasks(FIXTURE, { variant: 'base', only: ['django'] }), /--only django: not a RefactorBench repository here; the repositories are flask, requests/);
  const empty = mkdtempSync(join(tmpdir(), 'rlm-rb-empty-'));
  assert.throws(() => refactorBenchTasks(empty, { variant: 'base' }), (err: Error) => err instanceof TaskFileError && err.message.includes('repositories/ is missing') && err.message.includes(REFACTORBENCH_CLONE));
});

/** Every file of the fixture with its hash: the user's clone must be the same after the eval. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

async function evalWith(behaviour: Parameters<typeof refactorModels>[0], only?: { bare?: boolean; task: string; modes?: EvalOptions['modes'] }) {
  const server = await FakeModelServer.start(refactorModels(behaviour, { bare: only?.bare }), { models: ['root-model', 'sub-model'] });
  const common = { provider: 'openai' as const, baseUrl: server.openaiBaseUrl, apiKey: KEY, retries: 0, prices: PRICES };
  const root = await createModel({ ...common, model: 'root-model' });
  const sub = await createModel({ ...common, model: 'sub-model' });
  const opened = { count: 0, closed: 0 };
  const options: EvalOptions = {
    models: { root, sub }, costOf: (model, usage) => PRICES.costUsd(model, usage), limits: { maxIterations: 3 }, secrets: [KEY],
    outDir: mkdtempSync(join(tmpdir(), 'rlm-eval-rb-')), workspaces: () => Promise.reject(new Error('RefactorBench jobs open their own copies')),
    scratchWorkspace: async (path) => {
      const workspace = await CodeWorkspace.openAsync(path, { cacheDir: false, workers: 1 });
      opened.count++;
      return { workspace, close: async () => { await workspace.close(); opened.closed++; } };
    },
    modes: only?.modes ?? ['rlm', 'vanilla'], trials: 1, concurrency: 1, resume: false,
  };
  try {
    const outcome = await runEval(refactorBenchTasks(FIXTURE, { variant: 'base' }).filter((t) => !only || t.id === only.task), options);
    return { outcome, options, opened, server };
  } finally {
    await server.close();
  }
}

test('a model that does nothing scores 0; the broken test is left out and its task reported as broken', async () => {
  const before = snapshot(FIXTURE);
  const { outcome, opened } = await evalWith('idle');
  assert.equal(outcome.ran, 6);
  for (const r of outcome.results) {
    assert.equal(r.score, 0, `${r.key}: ${JSON.stringify(r.refactor)}`);
    assert.equal(r.refactor!.filesTouched, 0);
    assert.equal(r.refactor!.passed, 0);
  }
  const broken = outcome.results.find((r) => r.key === 'refactorbench/requests/rename-super-len-complex-len|rlm|1')!;
  assert.equal(broken.refactor!.tests, 2, 'two working tests; the third calls ast.iter_parent_nodes');
  assert.equal(broken.refactor!.broken.length, 1);
  assert.match(broken.refactor!.broken[0]!.why, /module 'ast' has no attribute 'iter_parent_nodes'/);
  const vanilla = outcome.results.find((r) => r.key === 'refactorbench/flask/rename-send-from-directory|vanilla|1')!;
  assert.equal(vanilla.refactor!.applied, 'no patch in the reply');
  assert.equal(vanilla.refactor!.tests, 3);
  const report = buildReport(outcome.results);
  assert.deepEqual(report.benchmarks!.broken.map((b) => b.taskId), ['refactorbench/requests/rename-super-len-complex-len']);
  assert.deepEqual(opened, { count: 3, closed: 3 }, 'each rlm job opened its own copy, and closed it');
  assert.deepEqual(snapshot(FIXTURE), before, 'the user\'s clone is untouched');
});

test('a scripted model that makes the right change scores 100% on that task, in both modes, and the report shows it per repository', async () => {
  const before = snapshot(FIXTURE);
  const { outcome, options } = await evalWith('right');
  const byKey = Object.fromEntries(outcome.results.map((r) => [r.key, r]));
  const rlm = byKey['refactorbench/flask/rename-send-from-directory|rlm|1']!;
  assert.equal(rlm.score, 1, JSON.stringify(rlm.refactor));
  assert.deepEqual({ tests: rlm.refactor!.tests, passed: rlm.refactor!.passed, files: rlm.refactor!.filesTouched, conflicts: rlm.refactor!.conflicts }, { tests: 3, passed: 3, files: 3, conflicts: 0 });
  assert.match(rlm.refactor!.applied, /^applied 3 files$/);
  const vanilla = byKey['refactorbench/flask/rename-send-from-directory|vanilla|1']!;
  assert.equal(vanilla.score, 1, JSON.stringify(vanilla.refactor));
  assert.match(vanilla.refactor!.applied, /^git apply --3way: 3 files$/);
  assert.equal(byKey['refactorbench/flask/add-log-parameter-get-debug-flag|rlm|1']!.score, 0);
  // Kept under --out: the patch, the tests' verdict, the trace.
  const folder = join(options.outDir, rlm.trace, '..');
  assert.match(readFileSync(join(folder, 'rlm.1.patch'), 'utf8'), /^\+def send_from_directory_helper\(/m);
  assert.equal(JSON.parse(readFileSync(join(folder, 'vanilla.1.tests.json'), 'utf8')).results.length, 3);
  const md = reportMarkdown(buildReport(outcome.results));
  assert.match(md, /\| refactorbench \| rlm \| flask \| 2 \| 0\.50 \| 3 \/ 6 \| 1 of 2 \| 0 \| 3 \| 0 \| \$\d\.\d{4} \| \$\d\.\d{4} \|/);
  assert.match(md, /\| refactorbench \| rlm \| requests \| 1 \| 0\.00 \| 0 \/ 2 \| 0 of 1 \| 1 \| 0 \| 0 \| \$\d\.\d{4} \| none solved \|/);
  assert.match(md, /### Broken tasks\n\n.*\n\n- refactorbench\/requests\/rename-super-len-complex-len: .*iter_parent_nodes/);
  assert.deepEqual(snapshot(FIXTURE), before, 'the user\'s clone is untouched');
});

test('a patch whose paths lack git\'s a/ and b/ prefixes still applies (with -p0)', async () => {
  const { outcome } = await evalWith('right', { bare: true, task: 'refactorbench/flask/rename-send-from-directory', modes: ['vanilla'] });
  const r = outcome.results[0]!;
  assert.equal(r.score, 1, JSON.stringify(r.refactor));
  assert.match(r.refactor!.applied, /^git apply --3way: 3 files$/);
});

test('the RLM refactors with --max-depth 2: the root\'s child run starts and its edits are applied; the child\'s own rlm_query, a third level, is a plain call', async () => {
  const { outcome, options } = await evalWith('partitioned', { task: 'refactorbench/flask/rename-send-from-directory', modes: ['rlm'] });
  const r = outcome.results[0]!;
  assert.equal(r.score, 1, JSON.stringify(r.refactor));
  assert.match(r.refactor!.applied, /^applied 3 files$/);
  const { events } = readTrace(join(options.outDir, r.trace));
  const runs = events.filter((e): e is Extract<RlmEvent, { type: 'run_start' }> => e.type === 'run_start');
  assert.deepEqual(runs.map((e) => ({ depth: e.depth, maxDepth: e.limits?.maxDepth, child: e.parentId !== undefined })), [
    { depth: 0, maxDepth: 2, child: false },
    { depth: 1, maxDepth: 2, child: true },
  ], 'the eval\'s limits say nothing of depth: the refactor raises it to 2, and no run starts at a third level');
  const calls = events.filter((e): e is Extract<RlmEvent, { type: 'subcall_start' }> => e.type === 'subcall_start' && e.fn === 'rlm_query');
  assert.deepEqual(calls.map((e) => e.model), ['sub-model'], 'the child\'s rlm_query went to the sub-model as one plain call');
});

test('conflicts are counted and shown: partitions left colliding (rlm), and a patch that git apply --3way merges into a conflict (vanilla)', async () => {
  const before = snapshot(FIXTURE);
  const { outcome } = await evalWith('conflicting', { task: 'refactorbench/flask/rename-send-from-directory' });
  const byMode = Object.fromEntries(outcome.results.map((r) => [r.mode, r.refactor!]));
  // rlm: the second partition's rename of the helper collides with the first's on its line (overlap) and takes away
  // the name __init__.py imports (semantic); left unresolved, both files are refused and app.py alone is written.
  assert.deepEqual({ conflicts: byMode.rlm!.conflicts, files: byMode.rlm!.filesTouched, passed: byMode.rlm!.passed, tests: byMode.rlm!.tests }, { conflicts: 2, files: 1, passed: 1, tests: 3 }, JSON.stringify(byMode.rlm));
  assert.match(byMode.rlm!.applied, /^applied 1 file; refused src\/flask\/__init__\.py \(unresolved semantic conflict c2: .*\), src\/flask\/helpers\.py \(unresolved conflict c1 \(overlap\) /);
  // vanilla: the second section for helpers.py was made against the original text; --3way leaves conflict markers.
  assert.deepEqual({ conflicts: byMode.vanilla!.conflicts, files: byMode.vanilla!.filesTouched, passed: byMode.vanilla!.passed, tests: byMode.vanilla!.tests }, { conflicts: 1, files: 3, passed: 2, tests: 3 }, JSON.stringify(byMode.vanilla));
  assert.equal(byMode.vanilla!.applied, 'git apply --3way: 3 files, 1 with conflicts');
  const md = reportMarkdown(buildReport(outcome.results));
  assert.match(md, /\| refactorbench \| rlm \| flask \| 1 \| 0\.33 \| 1 \/ 3 \| 0 of 1 \| 0 \| 1 \| 2 \|/);
  assert.match(md, /\| refactorbench \| vanilla \| flask \| 1 \| 0\.67 \| 2 \/ 3 \| 0 of 1 \| 0 \| 3 \| 1 \|/);
  assert.deepEqual(snapshot(FIXTURE), before, 'the user\'s clone is untouched');
});
