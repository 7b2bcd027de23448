// RepoQA's "search needle function" through `rlm eval`'s runner: the 3-repository fixture file (gzipped as the
// release ships it), each repository's content written as a workspace in a scratch folder, answered by
// scripted models over the fake server and scored with RepoQA's metric (BLEU against every needle, pass at 0.8
// on the true one). The RLM reads the function from the scratch workspace; the plain model names the wrong
// neighbour. The scratch folder goes with dispose(); a path that leaves the repository is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPOQA_DOWNLOAD, repoQaTasks } from '../../../src/core/eval/benchmarks/repoQa';
import { buildReport, reportMarkdown } from '../../../src/core/eval/report';
import { runEval } from '../../../src/core/eval/runEval';
import { createModel } from '../../../src/core/models/createModel';
import { PriceTable } from '../../../src/core/models/pricing';
import { CodeWorkspace } from '../../../src/core/workspace/CodeWorkspace';
import { FakeModelServer, type FakeRequest } from '../../fakes/FakeModelServer';
import { isVanilla } from '../../support/evalModels';
import { code } from '../../support/scriptedModels';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'repoqa', 'repoqa-fixture.json');
const KEY = 'sk-test-repoqa-0123456789abcdef';
const PRICES = new PriceTable({ 'root-model': { input: 1.25, output: 10, contextWindow: 64_000 }, 'sub-model': { input: 0.25, output: 2, contextWindow: 64_000 } });

interface Needle { name: string; path: string; start_line: number; end_line: number; description: string }
const DATA = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, Array<{ repo: string; content: Record<string, string>; needles: Needle[] }>>;
const NEEDLES = Object.values(DATA).flat().flatMap((e) => e.needles.map((n, i) => ({ ...n, content: e.content, other: e.needles[1 - i]! })));

function gzipped(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rlm-repoqa-data-')), 'repoqa-fixture.json.gz');
  writeFileSync(file, gzipSync(readFileSync(FIXTURE)));
  return file;
}

/** RLM: reads the described function's lines from the workspace. Plain model: quotes the other needle. */
function models(req: FakeRequest): string {
  const first = req.messages.find((m) => m.role === 'user')?.content ?? '';
  const needle = NEEDLES.find((n) => first.includes(n.description.slice(0, 60)));
  if (isVanilla(req)) {
    const other = needle!.other;
    return `I think it is this one:\n\n\`\`\`\n${needle!.content[other.path]!.split('\n').slice(other.start_line, other.end_line).join('\n')}\n\`\`\``;
  }
  if (req.messages[0]?.role !== 'system') return 'unused';
  if (!needle) return code('Nothing found.', 'FINAL("not found")');
  return code('Read the function.', `const text = read(${JSON.stringify(needle.path)}, ${needle.start_line + 1}, ${needle.end_line});\nFINAL("\`\`\`\\n" + text + "\\n\`\`\`")`);
}

test('needles are found in the scratch workspaces and scored with RepoQA\'s metric, per repository', async () => {
  const data = await repoQaTasks(gzipped());
  const server = await FakeModelServer.start(models, { models: ['root-model', 'sub-model'] });
  const open = new Map<string, Promise<CodeWorkspace>>();
  try {
    assert.equal(data.tasks.length, 6);
    assert.deepEqual(data.tasks.map((t) => t.id).slice(0, 2), ['repoqa/python/tiny-slugify/slugify', 'repoqa/python/tiny-slugify/unique_slug']);
    assert.ok(existsSync(join(data.scratch, 'go', 'tiny-ring', 'ring', 'ring.go')), 'the content is written as files');
    const common = { provider: 'openai' as const, baseUrl: server.openaiBaseUrl, apiKey: KEY, retries: 0, prices: PRICES };
    const root = await createModel({ ...common, model: 'root-model' });
    const sub = await createModel({ ...common, model: 'sub-model' });
    const outcome = await runEval(data.tasks, {
      models: { root, sub }, costOf: (m, u) => PRICES.costUsd(m, u), limits: { maxIterations: 3 }, secrets: [KEY],
      outDir: mkdtempSync(join(tmpdir(), 'rlm-eval-repoqa-')), modes: ['rlm', 'vanilla'], trials: 1, concurrency: 1, resume: false,
      workspaces: (path) => {
        if (!open.has(path)) open.set(path, CodeWorkspace.openAsync(path, { cacheDir: false, workers: 1 }));
        return open.get(path)!;
      },
    });
    assert.equal(outcome.ran, 12);
    for (const r of outcome.results) {
      const verdict = r.parsed as { best: string; similarity: number; pass: boolean };
      const truth = r.taskId.split('/').pop()!;
      if (r.mode === 'rlm') {
        assert.deepEqual({ score: r.score, best: verdict.best, similarity: verdict.similarity }, { score: 1, best: truth, similarity: 1 }, r.answer);
      } else {
        assert.equal(r.score, 0);
        assert.notEqual(verdict.best, truth);
      }
    }
    const md = reportMarkdown(buildReport(outcome.results));
    assert.match(md, /\| repoqa \| rlm \| tiny-ring \| 2 \| 1\.00 \|/);
    assert.match(md, /\| repoqa \| vanilla \| tiny-slugify \| 2 \| 0\.00 (\|  ){5}\| \$\d\.\d{4} \| none solved \|/);
    assert.match(md, /RepoQA: functions compared with their comments \(RepoQA's default; `--ignore-comments` removes them/);
    // A --resume that changed --ignore-comments mixes both comparisons: the report says so.
    const mixed = outcome.results.map((r, i) => (i === 0 ? { ...r, parsed: { ...(r.parsed as object), ignoreComments: true } } : r));
    assert.match(reportMarkdown(buildReport(mixed)), /some jobs compared functions with their comments and some without/);
  } finally {
    for (const w of open.values()) (await w).dispose();
    await server.close();
    data.dispose();
  }
  assert.equal(existsSync(data.scratch), false, 'the scratch folder is removed');
});

test('--ignore-comments reaches every task; without it comments are kept, as RepoQA\'s default', async () => {
  const kept = await repoQaTasks(gzipped(), { only: ['tiny-retry'] });
  const ignored = await repoQaTasks(gzipped(), { only: ['tiny-retry'], ignoreComments: true });
  try {
    const flags = (tasks: typeof kept.tasks) => tasks.map((t) => (t.benchmark?.kind === 'repoqa' ? t.benchmark.ignoreComments : undefined));
    assert.deepEqual(flags(kept.tasks), [false, false]);
    assert.deepEqual(flags(ignored.tasks), [true, true]);
  } finally {
    kept.dispose();
    ignored.dispose();
  }
});

test('the loader refuses a path that leaves its repository and a file that is not RepoQA\'s, with the download command', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-repoqa-bad-'));
  const escaping = join(dir, 'escape.json');
  writeFileSync(escaping, JSON.stringify({ python: [{ repo: 'x', content: { '../../outside.py': 'x = 1\n' }, needles: [] }] }));
  await assert.rejects(repoQaTasks(escaping), /the file path "\.\.\/\.\.\/outside\.py" leaves the repository/);
  assert.equal(existsSync(join(dir, '..', 'outside.py')), false);
  const notData = join(dir, 'notes.txt');
  writeFileSync(notData, 'hello\nworld\n');
  await assert.rejects(repoQaTasks(notData), (err: Error) => err.message.includes("is not RepoQA's data") && err.message.includes(REPOQA_DOWNLOAD));
  await assert.rejects(repoQaTasks(join(dir, 'missing.json.gz')), (err: Error) => err.message.includes('cannot be read (ENOENT)') && err.message.includes(REPOQA_DOWNLOAD));
  await assert.rejects(repoQaTasks(gzipped(), { only: ['nope'] }), /holds no needles in nope/);
});
