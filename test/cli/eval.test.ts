// `rlm eval` and `rlm export` as a user runs them: dist/cli.js in a child process against the fake model server.
// The plan and estimate, the report files, a kill in the middle and --resume, the cost cap, needle-code on a
// real folder, exporting the eval's traces, and usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FakeModelServer, type FakeResponder } from '../fakes/FakeModelServer';
import { codeModels, needleModels } from '../support/evalModels';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|ANTHROPIC|RLM)_/.test(k))),
  RLM_CACHE_DIR: mkdtempSync(join(tmpdir(), 'rlm-eval-cache-')),
};

interface Run { code: number | null; stdout: string; stderr: string }

function rlm(args: string[], onSpawn?: (child: ChildProcess) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    onSpawn?.(child);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function withServer<T>(responder: FakeResponder, fn: (flags: string[], server: FakeModelServer) => Promise<T>): Promise<T> {
  const server = await FakeModelServer.start(responder, { models: ['fake-root', 'fake-sub'] });
  const prices = join(mkdtempSync(join(tmpdir(), 'rlm-eval-prices-')), 'prices.json');
  writeFileSync(prices, JSON.stringify({ 'fake-root': { input: 1.25, output: 10, contextWindow: 16000 }, 'fake-sub': { input: 0.25, output: 2, contextWindow: 128000 } }));
  try {
    return await fn(['--base-url', server.openaiBaseUrl, '--model', 'fake-root', '--sub-model', 'fake-sub', '--prices', prices], server);
  } finally {
    await server.close();
  }
}

const out = () => join(mkdtempSync(join(tmpdir(), 'rlm-eval-out-')), 'eval');
const resultLines = (dir: string) => readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n').filter(Boolean);

test('rlm eval: the plan and estimate first, a line per job, the table on stdout, the report and every trace on disk', async () => {
  await withServer(needleModels(), async (models) => {
    const dir = out();
    const r = await rlm(['eval', '--suite', 'needle-text', '--sizes', '8k,64k', '--per-size', '2', ...models, '--out', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Plan: 4 tasks x 2 modes x 1 trial = 8 jobs; about \d+ model calls, estimated \$\d\.\d{4} \(rlm \d+ calls \$\d\.\d{4}, vanilla 4 calls \$\d\.\d{4}\)\.\n  assumed: vanilla: /);
    assert.equal(r.stderr.match(/^\[\d\/8\] needle-text\/(8k|64k)\/s1\/\d (rlm|vanilla): score [01]\.00 · final · \$\d\.\d{4} · \d+\.\ds/gm)?.length, 8);
    assert.match(r.stderr, /\[\d\/8\] needle-text\/64k\/s1\/\d vanilla: .* · context cut to \d+%/);
    assert.match(r.stdout, /^# Eval: RLM against the plain model\n/);
    assert.match(r.stdout, /\| rlm \| 8k \| 2 \| 1\.00 \|/);
    assert.match(r.stdout, /\| rlm \| 64k \| 2 \| 1\.00 \|/);
    assert.match(r.stdout, /\| vanilla \| 64k \| 2 \| 0\.\d\d \| .* \| 2 of 2 \|/);
    for (const file of ['report.md', 'report.json', 'report.svg', 'plan.json', 'results.jsonl']) assert.ok(existsSync(join(dir, file)), file);
    const results = resultLines(dir).map((l) => JSON.parse(l));
    assert.equal(results.length, 8);
    for (const res of results) assert.ok(existsSync(join(dir, res.trace)), res.trace);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    assert.deepEqual(plan.sizes, ['8k', '64k']);
    assert.equal(plan.tasks.length, 4);

    const again = await rlm(['eval', '--suite', 'needle-text', '--sizes', '8k,64k', '--per-size', '2', ...models, '--out', dir]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already holds the results of an eval: add --resume/);

    // The eval's own traces export as training data (its results.jsonl is no trace, and says so).
    const train = join(dirname(dir), 'train.jsonl');
    const exported = await rlm(['export', dir, '--format', 'openai-chat', '--only', 'final', '--out', train]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /^Wrote 4 openai-chat examples \(4 runs\) from 5 trace files to .*train\.jsonl\.\n$/);
    assert.match(exported.stderr, /skipped .*results\.jsonl: not an RLM trace/);
    const examples = readFileSync(train, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(examples.every((e) => Array.isArray(e.messages) && e.messages[0].role === 'system' && e.messages.at(-1).role === 'assistant'));
  });
});

test('killed in the middle of an eval, --resume finishes it without redoing a finished job', async () => {
  // Slow root replies, so the kill lands while jobs are in flight.
  const slow: FakeResponder = async (req) => ({ ...(await reply(needleModels(), req)), delayMs: req.messages[0]?.role === 'system' ? 150 : 0 });
  await withServer(slow, async (models, server) => {
    const dir = out();
    const args = ['eval', '--suite', 'needle-text', '--sizes', '8k', '--per-size', '6', '--modes', 'rlm', '--concurrency', '1', ...models, '--out', dir, '--json'];
    const killed = await rlm(args, (child) => {
      const timer = setInterval(() => {
        if (existsSync(join(dir, 'results.jsonl')) && resultLines(dir).length >= 2) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 20);
    });
    assert.equal(killed.code, null, 'killed');
    const done = resultLines(dir).map((l) => JSON.parse(l).taskId as string);
    assert.ok(done.length >= 2 && done.length < 6, `${done.length} jobs finished before the kill`);
    // A kill in the middle of a write leaves a partial line: the resumed run cuts it off.
    appendFileSync(join(dir, 'results.jsonl'), '{"key":"needle-text/8k/s1/5|rlm|1","taskId":"needle-te');
    const before = server.requests.length;
    const resumed = await rlm(['eval', '--suite', 'needle-text', '--sizes', '8k', '--per-size', '6', '--modes', 'rlm', ...models, '--out', dir, '--resume', '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout);
    assert.equal(summary.skipped, done.length);
    assert.equal(summary.ran, 6 - done.length);
    assert.match(resumed.stderr, /ended in a partial line from an interrupted run: \d+ characters cut off/);
    const questions = server.requests.slice(before).filter((q) => q.model === 'fake-root').map((q) => q.messages[1]!.content);
    for (const id of done) {
      const key = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).tasks.find((t: { id: string }) => t.id === id).question;
      assert.ok(!questions.some((q) => q.includes(key)), `${id} was not asked again`);
    }
    const lines = resultLines(dir).map((l) => JSON.parse(l));
    assert.equal(new Set(lines.map((l) => l.key)).size, 6);
    assert.equal(summary.report.groups[0].jobs, 6);
  });
});

test('--max-cost: stops there, says so, exit 3', async () => {
  await withServer(needleModels({ chunkChars: 10_000 }), async (models) => {
    const dir = out();
    const r = await rlm(['eval', '--suite', 'needle-text', '--sizes', '32k', '--per-size', '6', '--modes', 'rlm', '--concurrency', '1', '--max-cost', '0.02', ...models, '--out', dir]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /The estimate is over --max-cost \$0\.0200: the eval will stop there/);
    assert.match(r.stderr, /Stopped at --max-cost \$0\.0200 \(spent \$0\.0\d{3}\): \d of 6 jobs done\. Run again with --resume/);
  });
});

test('needle-code on a real folder, both modes: questions from its symbols and grep, answers scored', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'rlm-eval-ws-'));
  const files: Record<string, string> = {
    'src/retry.ts': 'export function computeBackoff(attempt: number): number {\n  return 2 ** attempt * 100;\n}\n',
    'src/client.ts': "import { computeBackoff } from './retry';\n\nexport function sendRequest(url: string) {\n  return { url, wait: computeBackoff(1) };\n}\n",
    'src/worker.ts': "import { computeBackoff } from './retry';\n\nexport function scheduleJob(name: string) {\n  return { name, wait: computeBackoff(2) };\n}\n",
    '.env': 'OPENAI_API_KEY=sk-should-never-be-sent-0123456789\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, path)), { recursive: true });
    writeFileSync(join(ws, path), text);
  }
  await withServer(codeModels(), async (models, server) => {
    const dir = out();
    const r = await rlm(['eval', '--suite', 'needle-code', '--workspace', ws, '--per-size', '3', ...models, '--out', dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const { report } = JSON.parse(r.stdout);
    assert.deepEqual(report.groups.map((g: { mode: string; jobs: number }) => [g.mode, g.jobs]), [['rlm', 3], ['vanilla', 3]]);
    assert.equal(report.groups[0].score, 1, 'the RLM root asked the symbol index and grep');
    assert.ok(report.groups[1].score > 0.5, 'the plain model read the numbered files');
    assert.ok(server.requests.every((q) => !JSON.stringify(q.messages).includes('sk-should-never-be-sent')), 'credential files never reach the model');
    assert.ok(server.requests.some((q) => q.messages.some((m) => m.content.includes('==> src/retry.ts <==\n1| export function computeBackoff'))));
  });
});

test('usage errors: exit 2 with one line', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['eval'], /Give one of --suite NAME\[,NAME\] \(needle-code, count-text, pairs-text, needle-text, refactorbench, swe-qa, repoqa\) or --tasks FILE/],
    [['eval', '--suite', 'needle-text', '--tasks', 'x.jsonl'], /Give one of --suite/],
    [['eval', '--suite', 'haystack'], /Unknown suite 'haystack'/],
    [['eval', '--suite', 'needle-text', '--modes', 'rlm,plain'], /Unknown mode 'plain'/],
    [['eval', '--suite', 'needle-text', '--sizes', '8q'], /Bad size '8q'/],
    [['eval', '--tasks', '/nonexistent.jsonl', '--base-url', 'http://127.0.0.1:9/v1'], /Tasks file not found/],
    [['eval', '--suite', 'needle-text', '--domain', 'codeqa'], /--domain filters a LongBench-v2 data.json/],
    [['export', 'a.jsonl', '--format', 'alpaca', '--out', 'x.jsonl'], /Unknown format 'alpaca': use --format openai-chat or --format sharegpt/],
    [['export', 'a.jsonl', '--format', 'sharegpt'], /Missing --out FILE.jsonl/],
    [['export', 'a.jsonl', '--format', 'sharegpt', '--out', 'x.jsonl', '--only', 'done'], /Unknown stop reason 'done' for --only/],
    [['export', '/nonexistent-dir', '--format', 'sharegpt', '--out', '/tmp/x.jsonl'], /Not found: \/nonexistent-dir/],
  ];
  for (const [args, message] of cases) {
    const r = await rlm(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

async function reply(responder: FakeResponder, req: Parameters<FakeResponder>[0]) {
  const r = await responder(req);
  return typeof r === 'string' ? { text: r } : r;
}
