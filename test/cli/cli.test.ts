// The `rlm` command as a user runs it: the built dist/cli.js in a child process, against a fake provider
// server on 127.0.0.1. Checks the output contract and exit codes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeModelServer, type FakeResponder } from '../fakes/FakeModelServer';
import { closedPort } from '../support/closedPort';
import { code } from '../support/scriptedModels';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const CLEAN_ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|ANTHROPIC|RLM)_/.test(k))),
  RLM_CACHE_DIR: mkdtempSync(join(tmpdir(), 'rlm-cli-cache-')),
};

interface Run { code: number | null; stdout: string; stderr: string }

function rlm(args: string[], env: NodeJS.ProcessEnv = {}, onSpawn?: (kill: (sig: NodeJS.Signals) => void, stderr: () => string) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...CLEAN_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    onSpawn?.((sig) => child.kill(sig), () => stderr);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-cli-ws-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'retry.ts'), 'export function backoff(attempt: number) {\n  return Math.min(30_000, 2 ** attempt * 100);\n}\n');
  writeFileSync(join(dir, 'src', 'main.py'), 'def main():\n    print("hello")\n');
  writeFileSync(join(dir, 'README.md'), '# demo\n');
  return dir;
}

/** A root that answers from the workspace in two turns, and a sub-model. */
function rootScript(): FakeResponder {
  return (req) => {
    if (req.model !== 'gpt-root') return `summary of ${req.messages[0]!.content.length} chars`;
    const turns = req.messages.filter((m) => m.role === 'assistant').length;
    if (turns === 0) return code('Look for the backoff.', 'const hits = grep("2 \\\\*\\\\* attempt");\nprint(JSON.stringify(hits));\nprint(await llm_query(read(hits[0].path)));');
    return code('Found it.', 'FINAL(`backoff is in ${hits[0].path}:${hits[0].line}`)');
  };
}

test('rlm ask --json over a workspace: one JSON object on stdout, exit 0', async () => {
  const server = await FakeModelServer.start(rootScript(), { models: ['gpt-root'] });
  try {
    const dir = workspace();
    const r = await rlm(['ask', 'Where is the backoff computed?', '--workspace', dir, '--base-url', server.openaiBaseUrl, '--model', 'gpt-root', '--sub-model', 'gpt-sub', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.answer, 'backoff is in src/retry.ts:2');
    assert.equal(out.stopReason, 'final');
    assert.equal(out.iterations, 2);
    assert.equal(out.subCalls, 1);
    assert.equal(out.usage.root.calls, 2);
    assert.equal(out.usage.sub.calls, 1);
    assert.equal(out.usage.total.calls, 3);
    assert.equal(typeof out.usage.total.costUsd, 'number');
    assert.equal(out.trace, null);
    assert.equal(r.stdout.trim().split('\n').length, 1);
  } finally {
    await server.close();
  }
});

test('without --json: progress on stderr, the answer on stdout; --trace then rlm replay prints the tree', async () => {
  const server = await FakeModelServer.start(rootScript(), { models: ['gpt-root'] });
  try {
    const dir = workspace();
    const trace = join(dir, 'trace.jsonl');
    const r = await rlm(['ask', 'Where is the backoff computed?', '--workspace', dir, '--model', 'gpt-root', '--sub-model', 'gpt-sub', '--trace', trace], { RLM_API_URL: server.openaiBaseUrl });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'backoff is in src/retry.ts:2\n');
    assert.match(r.stderr, /turn 2 · cells 2 · sub-calls 1\/1 · [\d.]+k? tokens · \$0\.\d{4}/);
    assert.ok(existsSync(trace));

    const replay = await rlm(['replay', trace]);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stdout, /^run \(gpt-root\) "Where is the backoff computed\?" -> final  \[\d+\+\d+ tok, \$\d\.\d{4}, \d+\.\d\ds\]/);
    assert.match(replay.stdout, /├─ turn 1 {2}\[/);
    assert.match(replay.stdout, /│ {2}└─ cell 1: const hits = grep/);
    assert.match(replay.stdout, /└─ llm_query \(gpt-sub\): export function backoff/);
    assert.match(replay.stdout, /receipt ok/);
    const asJson = JSON.parse((await rlm(['replay', trace, '--json'])).stdout);
    assert.equal(asJson.receipt, 'valid');
    assert.equal(asJson.tree[0].children.length, 2);
  } finally {
    await server.close();
  }
});

test('a limit ends with exit 3 and still prints the best answer; --model auto picks the first listed model', async () => {
  const server = await FakeModelServer.start((req) => {
    assert.equal(req.model, 'first-model');
    return req.messages.at(-1)!.content.includes('run out of iterations')
      ? 'FINAL(partial: looked at 3 files)'
      : code('Still looking.', 'print(files().length)');
  }, { models: ['first-model', 'second-model'] });
  try {
    const r = await rlm(['ask', 'What does it do?', '--workspace', workspace(), '--base-url', server.openaiBaseUrl, '--model', 'auto', '--max-iterations', '1', '--json']);
    assert.equal(r.code, 3, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.stopReason, 'max_iterations');
    assert.equal(out.answer, 'partial: looked at 3 files');
  } finally {
    await server.close();
  }
});

test('Ctrl-C cancels the run within a second: exit 3, best answer printed', async () => {
  const server = await FakeModelServer.start((req) =>
    req.model === 'gpt-root' ? code('Asking slowly.', 'print(await llm_query_batched(["a", "b"]))') : { text: 'late', delayMs: 30_000 },
  );
  try {
    const started = Date.now();
    let interruptedAt = 0;
    const r = await rlm(['ask', 'q', '--context-file', join(workspace(), 'README.md'), '--base-url', server.openaiBaseUrl, '--model', 'gpt-root', '--sub-model', 'gpt-sub'], {}, (kill, stderr) => {
      const timer = setInterval(() => {
        if (/sub-calls 0\/2/.test(stderr())) {
          clearInterval(timer);
          interruptedAt = Date.now();
          kill('SIGINT');
        }
      }, 20);
    });
    assert.ok(interruptedAt > 0, 'the run reached its sub-calls');
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'Asking slowly.\n');
    assert.match(r.stderr, /cancelled/);
    assert.ok(Date.now() - interruptedAt < 3000, `exit took ${Date.now() - interruptedAt} ms after Ctrl-C (process start included ${interruptedAt - started} ms)`);
  } finally {
    await server.close();
  }
});

test('usage and configuration errors: exit 2 with one clear line and no stack trace', async () => {
  const dir = workspace();
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, '{"type":"run_start"}\nnot json\n');
  const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
    [['ask', 'q', '--workspace', dir, '--frobnicate'], {}, /Unknown option '--frobnicate'/],
    [['ask', 'q', '--workspace', dir, '--max-iterations', 'ten'], {}, /Bad number for --max-iterations: 'ten'/],
    [['ask', 'q', '--workspace', dir], {}, /Missing OPENAI_API_KEY/],
    [['ask', 'q', '--workspace', dir, '--provider', 'anthropic'], {}, /Missing ANTHROPIC_API_KEY/],
    [['ask', 'q', '--workspace', join(dir, 'nope')], { OPENAI_API_KEY: 'sk-x' }, /Workspace folder not found/],
    [['ask', 'q'], {}, /exactly one of --workspace DIR or --context-file FILE/],
    [['ask', '--workspace', dir], {}, /Missing the question/],
    [['replay', join(dir, 'missing.jsonl')], {}, /Trace file not found/],
    [['replay', bad], {}, /line 2 is not valid JSON/],
    [['frob'], {}, /Unknown command 'frob'/],
  ];
  for (const [args, env, message] of cases) {
    const r = await rlm(args, env);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('an unreachable endpoint fails with exit 1 and says so, without hanging', async () => {
  const port = await closedPort();
  const started = Date.now();
  const r = await rlm(['ask', 'q', '--context-file', join(workspace(), 'README.md'), '--base-url', `http://127.0.0.1:${port}/v1`, '--model', 'm', '--json']);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.stopReason, 'error');
  assert.match(out.detail, new RegExp(`Could not reach http://127\\.0\\.0\\.1:${port}/v1 \\(ECONNREFUSED\\) after \\d+ tries`));
  assert.ok(Date.now() - started < 20_000);
  assert.ok(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node'));
});
