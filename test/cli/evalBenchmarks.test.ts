// `rlm eval --suite refactorbench | swe-qa | repoqa` as a user runs them: dist/cli.js in a child process against
// the fake model server, over the fixtures in each benchmark's layout. The report's per-repository rows, the
// plan.json naming the benchmark, --resume, the cost cap, the judge chosen by flag, a missing python3 and a
// missing clone as usage errors that say what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REFACTOR_VANILLA_SYSTEM } from '../../src/core/eval/benchmarks/refactorRun';
import { VANILLA_SYSTEM } from '../../src/core/eval/vanillaPrompt';
import { FakeModelServer, type FakeRequest } from '../fakes/FakeModelServer';
import { judgeInput } from '../support/judgeRequests';
import { code } from '../support/scriptedModels';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const FIXTURES = join(__dirname, '..', 'fixtures');
const ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|ANTHROPIC|RLM)_/.test(k))),
  RLM_CACHE_DIR: mkdtempSync(join(tmpdir(), 'rlm-evalb-cache-')),
};

function rlm(args: string[], env: NodeJS.ProcessEnv = ENV): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (c) => resolve({ code: c, stdout, stderr }));
  });
}

/** Root replies FINAL at once (no change, a short answer); the judge gives middling scores; the plain model a sentence. */
function idle(req: FakeRequest): string {
  const first = req.messages.find((m) => m.role === 'user')?.content ?? '';
  if (judgeInput(req)) return '{"correctness": 10, "completeness": 10, "relevance": 10, "clarity": 10, "reasoning": 10}';
  const system = req.messages[0]?.role === 'system' ? req.messages[0].content : '';
  // The RLM root has the engine's system prompt; the plain models have theirs; sub-calls have none.
  if (system && system !== VANILLA_SYSTEM && system !== REFACTOR_VANILLA_SYSTEM) return code('Done.', 'FINAL("No change needed.")');
  return 'No change needed.';
}

async function withServer<T>(fn: (flags: string[], server: FakeModelServer) => Promise<T>): Promise<T> {
  const server = await FakeModelServer.start(idle, { models: ['fake-root', 'fake-sub', 'fake-judge'] });
  const prices = join(mkdtempSync(join(tmpdir(), 'rlm-evalb-prices-')), 'prices.json');
  writeFileSync(prices, JSON.stringify({ 'fake-root': { input: 1.25, output: 10, contextWindow: 32000 }, 'fake-sub': { input: 0.25, output: 2, contextWindow: 32000 }, 'fake-judge': { input: 3, output: 15, contextWindow: 32000 } }));
  try {
    return await fn(['--base-url', server.openaiBaseUrl, '--model', 'fake-root', '--sub-model', 'fake-sub', '--prices', prices], server);
  } finally {
    await server.close();
  }
}

const out = () => join(mkdtempSync(join(tmpdir(), 'rlm-evalb-out-')), 'eval');

test('refactorbench: tasks run on scratch copies, scored by their tests; the report has per-repository rows; --resume and the cost cap hold', async () => {
  await withServer(async (models) => {
    const dir = out();
    const scratch = mkdtempSync(join(tmpdir(), 'rlm-evalb-tmp-'));
    const r = await rlm(['eval', '--suite', 'refactorbench', '--data', join(FIXTURES, 'refactorbench'), '--concurrency', '1', ...models, '--out', dir], { ...ENV, TMPDIR: scratch });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(scratch), [], 'every scratch copy was removed');
    assert.match(r.stderr, /refactorbench: 3 tasks \(base statements\); the tests run with python3 3\.\d+\.\d+/);
    assert.match(r.stderr, /^Plan: 3 tasks x 2 modes x 1 trial = 6 jobs/m);
    assert.match(r.stdout, /## Per repository \(published benchmarks\)/);
    assert.match(r.stdout, /\| refactorbench \| rlm \| flask \| 2 \| 0\.00 \| 0 \/ 6 \| 0 of 2 \| 0 \| 0 \| 0 \|/);
    assert.match(r.stdout, /### Broken tasks/);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    assert.deepEqual({ name: plan.benchmark.name, variant: plan.benchmark.variant }, { name: 'refactorbench', variant: 'base' });
    const again = await rlm(['eval', '--suite', 'refactorbench', '--data', join(FIXTURES, 'refactorbench'), ...models, '--out', dir, '--resume']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /6 jobs were done already \(--resume\)/);
    const capped = await rlm(['eval', '--suite', 'refactorbench', '--data', join(FIXTURES, 'refactorbench'), '--concurrency', '1', ...models, '--out', out(), '--max-cost', '0.0001']);
    assert.equal(capped.code, 3, capped.stderr);
    assert.match(capped.stderr, /Stopped at --max-cost \$0\.0001/);
  });
});

test('swe-qa with --judge-model, and repoqa from its .json.gz: both through the same runner and report', async () => {
  await withServer(async (models, server) => {
    const dir = out();
    const qa = await rlm(['eval', '--suite', 'swe-qa', '--data', join(FIXTURES, 'swe-qa', 'SWE-QA-Bench'), '--repos', join(FIXTURES, 'swe-qa', 'repos'), '--judge-model', 'fake-judge', '--modes', 'vanilla', ...models, '--out', dir]);
    assert.equal(qa.code, 0, qa.stderr);
    assert.match(qa.stderr, /assumed: judge: one call per SWE-QA job/);
    assert.equal(server.requests.filter((q) => q.model === 'fake-judge').length, 2);
    assert.match(qa.stdout, /\| swe-qa \| vanilla \| minishop \| 2 \| 0\.50 \|.*\| \$\d\.\d{4} \|$/m);
    assert.match(qa.stdout, /The judge cost \$\d\.\d{4} in all\./);
    const data = join(mkdtempSync(join(tmpdir(), 'rlm-evalb-repoqa-')), 'repoqa-fixture.json.gz');
    writeFileSync(data, gzipSync(readFileSync(join(FIXTURES, 'repoqa', 'repoqa-fixture.json'))));
    const scratch = mkdtempSync(join(tmpdir(), 'rlm-evalb-tmp-'));
    const rqOut = out();
    const rq = await rlm(['eval', '--suite', 'repoqa', '--data', data, '--only', 'tiny-ring', '--modes', 'vanilla', ...models, '--out', rqOut], { ...ENV, TMPDIR: scratch });
    assert.equal(rq.code, 0, rq.stderr);
    assert.deepEqual(readdirSync(scratch), [], 'the repositories\' scratch folder was removed');
    assert.match(rq.stderr, /repoqa: 2 needles; each repository's content written under (\S+) \(removed at the end\); functions compared with their comments, as RepoQA's default/);
    assert.match(rq.stdout, /\| repoqa \| vanilla \| tiny-ring \| 2 \| 0\.00 \|/);
    assert.match(rq.stdout, /RepoQA: functions compared with their comments \(RepoQA's default/);
    assert.equal(JSON.parse(readFileSync(join(rqOut, 'plan.json'), 'utf8')).benchmark.ignoreComments, false);
    const ignoring = await rlm(['eval', '--suite', 'repoqa', '--data', data, '--only', 'tiny-ring', '--ignore-comments', '--modes', 'vanilla', ...models, '--out', rqOut + '-ignoring']);
    assert.equal(ignoring.code, 0, ignoring.stderr);
    assert.match(ignoring.stdout, /RepoQA: functions compared with their comments removed \(`--ignore-comments`/);
    assert.equal(JSON.parse(readFileSync(join(rqOut + '-ignoring', 'plan.json'), 'utf8')).benchmark.ignoreComments, true);
  });
});

test('usage errors: a missing clone names the command that gets it; a missing python3 says so before anything is spent', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'rlm-evalb-empty-'));
  const r = await rlm(['eval', '--suite', 'refactorbench', '--data', empty, '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--out', out()]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /is not a RefactorBench clone: repositories\/ is missing .* Get it with: git clone https:\/\/github\.com\/microsoft\/RefactorBench && git -C RefactorBench checkout [0-9a-f]{40}/);
  const noPython = await rlm(['eval', '--suite', 'refactorbench', '--data', join(FIXTURES, 'refactorbench'), '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--out', out()], { ...ENV, PATH: empty });
  assert.equal(noPython.code, 2, noPython.stderr);
  assert.match(noPython.stderr, /python3 was not found on PATH: RefactorBench's tests need Python 3\.8 to 3\.13 .*apt-get install python3/);
});
