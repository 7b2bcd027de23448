// parseCli for `rlm eval` and `rlm export`: defaults, the flag groups shared with `ask`, and what each
// command's own flags mean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli, UsageError, type AskArgs, type EvalArgs, type ExportArgs } from '../../src/cli/args';

test('eval: defaults', () => {
  const args = parseCli(['eval', '--suite', 'needle-text'], {}) as EvalArgs;
  assert.deepEqual(
    { suites: args.suites, modes: args.modes, sizes: args.sizes.map((s) => s.label), trials: args.trials, perSize: args.perSize, seed: args.seed, workspace: args.workspace, concurrency: args.concurrency, out: args.out, resume: args.resume, maxCostUsd: args.maxCostUsd, provider: args.provider },
    { suites: ['needle-text'], modes: ['rlm', 'vanilla'], sizes: ['8k', '32k', '128k'], trials: 1, perSize: 3, seed: 1, workspace: '.', concurrency: 2, out: 'rlm-eval', resume: false, maxCostUsd: undefined, provider: 'openai' },
  );
});

test('eval takes the model flags and run budgets exactly as ask parses them', () => {
  const shared = ['--model', 'claude-sonnet-4-5', '--sub-model', 'claude-haiku-4-5', '--base-url', 'http://127.0.0.1:9/v1', '--endpoint-concurrency', '2', '--prices', 'p.json',
    '--max-depth', '2', '--max-iterations', '7', '--max-sub-calls', '0', '--max-tokens', '5000', '--cell-timeout', '1.5', '--timeout', '90', '--exclude', 'dist/', '--include', 'src'];
  const ask = parseCli(['ask', 'q', '--workspace', '.', ...shared], {}) as AskArgs;
  const evalArgs = parseCli(['eval', '--suite', 'count-text', ...shared], {}) as EvalArgs;
  for (const key of ['provider', 'baseUrl', 'model', 'subModel', 'endpointConcurrency', 'prices', 'maxDepth', 'maxIterations', 'maxSubCalls', 'maxTokens', 'cellTimeoutMs', 'timeoutMs', 'exclude', 'include', 'allowCredentialFiles'] as const) {
    assert.deepEqual(evalArgs[key], ask[key], key);
  }
  assert.equal(evalArgs.provider, 'anthropic');
  assert.equal(evalArgs.cellTimeoutMs, 1500);
  assert.throws(() => parseCli(['eval', '--suite', 'count-text', '--max-iterations', '0'], {}), (e) => e instanceof UsageError && /--max-iterations: '0'/.test(e.message));
  assert.throws(() => parseCli(['eval', '--suite', 'count-text', '--base-url', 'ftp://x'], {}), /Bad --base-url 'ftp:\/\/x'/);
});

test('eval: --concurrency is jobs at once and --max-cost the whole eval\'s cap; sizes, modes and suites are checked', () => {
  const args = parseCli(['eval', '--suite', 'needle-code,pairs-text', '--modes', 'vanilla', '--sizes', '2m,8k', '--concurrency', '4', '--max-cost', '2.5', '--trials', '3', '--per-size', '5', '--seed', '0', '--out', 'x', '--resume', '--label', 'ollama on my laptop'], {}) as EvalArgs;
  assert.deepEqual([args.suites, args.modes, args.sizes.map((s) => s.tokens), args.concurrency, args.maxCostUsd, args.trials, args.perSize, args.seed, args.out, args.resume, args.label],
    [['needle-code', 'pairs-text'], ['vanilla'], [8000, 2_000_000], 4, 2.5, 3, 5, 0, 'x', true, 'ollama on my laptop']);
  assert.throws(() => parseCli(['eval', '--suite', 'needle-text', 'extra'], {}), /Unexpected argument 'extra'/);
  assert.throws(() => parseCli(['eval', '--suite', 'needle-text', '--max-cost', '0'], {}), /Bad number for --max-cost/);
  assert.throws(() => parseCli(['eval', '--suite', 'needle-text', '--context-file', 'x'], {}), /Unknown option '--context-file'/);
});

test('export: inputs, format, filters', () => {
  const args = parseCli(['export', 'a.jsonl', 'dir', '--format', 'sharegpt', '--only', 'final,max_iterations', '--max-cost', '0.5', '--include-subcalls', '--out', 'x.jsonl'], {}) as ExportArgs;
  assert.deepEqual(args, { command: 'export', inputs: ['a.jsonl', 'dir'], format: 'sharegpt', stopReasons: ['final', 'max_iterations'], maxCostUsd: 0.5, includeSubcalls: true, out: 'x.jsonl', json: false });
  assert.throws(() => parseCli(['export', '--format', 'sharegpt', '--out', 'x'], {}), /Missing the traces/);
});

test('eval: the published benchmarks take their own flags, and only theirs', () => {
  const rb = parseCli(['eval', '--suite', 'refactorbench', '--data', 'RefactorBench', '--variant', 'lazy', '--only', 'flask,requests'], {}) as EvalArgs;
  assert.deepEqual({ benchmark: rb.benchmark, suites: rb.suites, data: rb.data, variant: rb.variant, only: rb.only }, { benchmark: 'refactorbench', suites: [], data: 'RefactorBench', variant: 'lazy', only: ['flask', 'requests'] });
  assert.equal((parseCli(['eval', '--suite', 'refactorbench', '--data', 'x'], {}) as EvalArgs).variant, 'base');
  const qa = parseCli(['eval', '--suite', 'swe-qa', '--data', 'SWE-QA-Bench', '--repos', 'SWE-QA-Bench/datas/repos', '--judge-model', 'gpt-5'], {}) as EvalArgs;
  assert.deepEqual({ benchmark: qa.benchmark, repos: qa.repos, judgeModel: qa.judgeModel }, { benchmark: 'swe-qa', repos: 'SWE-QA-Bench/datas/repos', judgeModel: 'gpt-5' });
  const rq = parseCli(['eval', '--suite', 'repoqa', '--data', 'repoqa-2024-06-23.json.gz'], {}) as EvalArgs;
  assert.deepEqual({ benchmark: rq.benchmark, ignoreComments: rq.ignoreComments }, { benchmark: 'repoqa', ignoreComments: false }, 'comments are kept, as RepoQA\'s default');
  assert.equal((parseCli(['eval', '--suite', 'repoqa', '--data', 'x', '--ignore-comments'], {}) as EvalArgs).ignoreComments, true);
  const bad: Array<[string[], RegExp]> = [
    [['--suite', 'refactorbench'], /--suite refactorbench needs --data DIR \(a clone of microsoft\/RefactorBench\)/],
    [['--suite', 'swe-qa', '--data', 'x'], /--suite swe-qa needs --data DIR \(a clone of SWE-QA-Bench\) and --repos DIR/],
    [['--suite', 'refactorbench,needle-text', '--data', 'x'], /--suite refactorbench runs alone/],
    [['--suite', 'refactorbench', '--data', 'x', '--variant', 'verbose'], /Unknown --variant 'verbose': use base, lazy, descriptive/],
    [['--suite', 'repoqa', '--data', 'x', '--variant', 'lazy'], /--variant is for --suite refactorbench/],
    [['--suite', 'repoqa', '--data', 'x', '--judge-model', 'm'], /--judge-model is for --suite swe-qa/],
    [['--suite', 'refactorbench', '--data', 'x', '--ignore-comments'], /--ignore-comments is for --suite repoqa/],
    [['--suite', 'needle-text', '--ignore-comments'], /--ignore-comments belongs to a published benchmark/],
    [['--suite', 'needle-text', '--data', 'x'], /--data belongs to a published benchmark/],
    [['--suite', 'swebench'], /Unknown suite 'swebench': .* and the published benchmarks refactorbench, swe-qa, repoqa/],
  ];
  for (const [flags, message] of bad) assert.throws(() => parseCli(['eval', ...flags], {}), (e) => e instanceof UsageError && message.test(e.message), flags.join(' '));
});
