// parseCli for the flags that shape model calls and the workspace; the whole CLI runs end to end in cli.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limitEnvName, MCP_LIMIT_FLAGS, parseCli, UsageError, USAGE, type AskArgs } from '../../src/cli/args';

const ask = (...flags: string[]) => parseCli(['ask', 'q', '--workspace', '.', ...flags], {}) as AskArgs;

test('--endpoint-concurrency: absent means no cap; a whole number >= 1 caps the endpoint; documented in --help', () => {
  assert.equal(ask().endpointConcurrency, undefined);
  assert.equal(ask('--endpoint-concurrency', '2').endpointConcurrency, 2);
  assert.equal(ask('--concurrency', '32').endpointConcurrency, undefined, 'the run concurrency sets no endpoint cap');
  for (const bad of ['0', '-1', '1.5', 'many']) {
    assert.throws(() => ask(`--endpoint-concurrency=${bad}`), (err) => err instanceof UsageError && /--endpoint-concurrency: '.*' \(expected a whole number >= 1\)/.test(err.message));
  }
  assert.match(USAGE, /--endpoint-concurrency N/);
});

test('--allow-credential-file is repeatable and defaults to none', () => {
  assert.deepEqual(ask().allowCredentialFiles, []);
  assert.deepEqual(ask('--allow-credential-file', 'test/fixtures/*.pem', '--allow-credential-file', '.env.test').allowCredentialFiles, ['test/fixtures/*.pem', '.env.test']);
});

test('reply caps, reasoning effort and the window, for the root and for sub-calls; bad values name the flag', () => {
  const none = ask();
  const figures = (a: typeof none) => [a.maxOutputTokens, a.subMaxOutputTokens, a.reasoningEffort, a.subReasoningEffort, a.contextWindow, a.subContextWindow];
  assert.deepEqual(figures(none), [undefined, undefined, undefined, undefined, undefined, undefined]);
  const set = ask('--max-output-tokens', '8000', '--sub-max-output-tokens', '1000', '--reasoning-effort', 'high', '--sub-reasoning-effort', 'minimal', '--context-window', '8192', '--sub-context-window', '4096');
  assert.deepEqual(figures(set), [8000, 1000, 'high', 'minimal', 8192, 4096]);
  assert.throws(() => ask('--reasoning-effort', 'max'), (err) => err instanceof UsageError && /Bad --reasoning-effort 'max': use minimal, low, medium, high/.test(err.message));
  assert.throws(() => ask('--max-output-tokens', '0'), (err) => err instanceof UsageError && /--max-output-tokens/.test(err.message));
  assert.match(USAGE, /--sub-reasoning-effort/);
  assert.match(USAGE, /--context-window N/);
  assert.match(USAGE, /--sub-context-window N/);
  assert.throws(() => ask('--sub-context-window', '0'), (err) => err instanceof UsageError && /--sub-context-window/.test(err.message));
});

test('--no-cache and --compact-with', () => {
  assert.equal(ask().noCache, false);
  assert.equal(ask('--no-cache').noCache, true);
  assert.equal(ask().compactWith, undefined);
  assert.equal(ask('--compact-with', 'sub').compactWith, 'sub');
  assert.throws(() => ask('--compact-with', 'both'), (err) => err instanceof UsageError && /Bad --compact-with 'both': use root/.test(err.message));
  assert.match(USAGE, /--no-cache/);
});

test('--allow-sensitive needs --apply; --sensitive-path is repeatable and defaults to none; both documented in --help', () => {
  assert.equal(ask().allowSensitive, false);
  assert.equal(ask('--apply', '--allow-sensitive').allowSensitive, true);
  assert.throws(() => ask('--allow-sensitive'), (err) => err instanceof UsageError && err.message === '--allow-sensitive lets --apply write sensitive files: add --apply');
  assert.deepEqual(ask().sensitivePaths, []);
  assert.deepEqual(ask('--sensitive-path', 'deploy/**', '--sensitive-path', '*.tf').sensitivePaths, ['deploy/**', '*.tf']);
  assert.match(USAGE, /\[--allow-sensitive\]/);
  assert.match(USAGE, /--sensitive-path GLOB/);
});

test('rlm mcp: --workspace is required, no positionals; the run budgets, --max-cost, --trace-dir and --sensitive-path are the flags\' limits', () => {
  const args = parseCli(['mcp', '--workspace', 'repo', '--max-iterations', '8', '--max-cost', '0.5', '--trace-dir', 't', '--sensitive-path', 'deploy/**', '--base-url', 'http://127.0.0.1:1/v1'], {});
  assert.equal(args.command, 'mcp');
  if (args.command !== 'mcp') return;
  assert.deepEqual([args.workspace, args.maxIterations, args.maxCostUsd, args.traceDir, args.sensitivePaths], ['repo', 8, 0.5, 't', ['deploy/**']]);
  assert.throws(() => parseCli(['mcp'], {}), /Missing --workspace DIR/);
  assert.throws(() => parseCli(['mcp', 'question?', '--workspace', 'x'], {}), /Unexpected argument 'question\?': rlm mcp takes flags only/);
  assert.throws(() => parseCli(['mcp', '--workspace', 'x', '--apply'], {}), /Unknown option '--apply'/);
  assert.match(USAGE, /rlm mcp --workspace DIR/);
});

test('rlm mcp: each limit a flag leaves unset comes from its RLM_* variable; a flag wins; a bad value names the variable', () => {
  const env = { RLM_MAX_COST: '0.25', RLM_MAX_ITERATIONS: '6', RLM_MAX_SUB_CALLS: '0', RLM_CELL_TIMEOUT: '5', RLM_CONCURRENCY: '3', RLM_MAX_REQUESTS: '', RLM_MAX_DEPTH: '2' };
  const args = parseCli(['mcp', '--workspace', 'repo', '--max-depth', '1'], env);
  if (args.command !== 'mcp') throw new Error('not mcp');
  assert.deepEqual([args.maxCostUsd, args.maxIterations, args.maxSubCalls, args.cellTimeoutMs, args.concurrency], [0.25, 6, 0, 5000, 3]);
  assert.equal(args.maxDepth, 1, 'the flag wins over RLM_MAX_DEPTH');
  assert.equal(args.maxRequests, undefined, 'an empty variable is unset');
  assert.deepEqual(MCP_LIMIT_FLAGS.map(limitEnvName), ['RLM_MAX_DEPTH', 'RLM_MAX_ITERATIONS', 'RLM_MAX_SUB_CALLS', 'RLM_MAX_TOKENS', 'RLM_MAX_REQUESTS', 'RLM_CELL_TIMEOUT', 'RLM_TIMEOUT', 'RLM_CONCURRENCY', 'RLM_MAX_COST']);
  assert.throws(() => parseCli(['mcp', '--workspace', 'x'], { RLM_MAX_COST: 'lots' }), /Bad number for RLM_MAX_COST: 'lots'/);
  assert.throws(() => parseCli(['mcp', '--workspace', 'x', '--max-cost', '0'], { RLM_MAX_COST: '1' }), /Bad number for --max-cost/);
  const asked = parseCli(['ask', 'q', '--workspace', 'x'], env);
  if (asked.command !== 'ask') throw new Error('not ask');
  assert.equal(asked.maxCostUsd, undefined, 'rlm ask reads its limits from flags only');
});
