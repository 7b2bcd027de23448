// The `rlm` command as a user runs it: the built dist/cli.js in a child process, against a fake provider
// server on 127.0.0.1. Checks the output contract and exit codes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
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
    // gpt-root and gpt-sub have no price: the cost is unknown, never $0, and the requests are counted.
    assert.match(r.stderr, /turn 2 · cells 2 · sub-calls 1\/1 · [\d.]+k? tokens · unknown \(3 requests without a price\)/);
    assert.ok(existsSync(trace));

    const replay = await rlm(['replay', trace]);
    assert.equal(replay.code, 0, replay.stderr);
    // Status, then figures rolled up over everything under the node.
    assert.match(replay.stdout, /^run \(gpt-root\) "Where is the backoff computed\?" -> final  \[done · \d+\+\d+ tok · unknown · \d+\.\d\ds · 1 sub-call\]/);
    assert.match(replay.stdout, /├─ turn 1 {2}\[done · \d+\+\d+ tok · unknown · \d+\.\d\ds · 1 sub-call\]/);
    assert.match(replay.stdout, /│ {2}└─ cell 1: const hits = grep.* {2}\[done · \d+\+\d+ tok/);
    // On a loaded machine the sub-call may wait a moment for its request to go out: replay then says how long.
    assert.match(replay.stdout, /└─ llm_query \(gpt-sub\): export function backoff.* {2}\[done · \d+\+\d+ tok · unknown · \d+\.\d\ds( · queued \d+\.\d\ds)?\]/);
    assert.match(replay.stdout, /receipt ok/);
    assert.match(replay.stdout, /Trace schema 2, written by rlm-code \d+\.\d+\.\d+ at \d{4}-.*\(session s[0-9a-f]{12}\)\./);
    assert.doesNotMatch(replay.stdout, /Skipped|Schema 1/);
    const asJson = JSON.parse((await rlm(['replay', trace, '--json'])).stdout);
    assert.equal(asJson.receipt, 'valid');
    assert.equal(asJson.schema, 2);
    assert.match(asJson.header.generator, /^rlm-code \d/);
    assert.deepEqual(asJson.skipped, {});
    const [run] = asJson.tree;
    assert.equal(run.children.length, 2);
    assert.equal(run.status, 'done');
    assert.equal(run.total.subCalls, 1);
    assert.equal(run.total.inputTokens, run.children[0].total.inputTokens + run.children[1].total.inputTokens);
  } finally {
    await server.close();
  }
});

/** A trace file with a receipt that matches its lines (as a writer of that schema would have made it). */
function signedTrace(file: string, lines: string[], header?: string): void {
  const hash = createHash('sha256');
  for (const line of header === undefined ? lines : [header, ...lines]) hash.update(line + '\n');
  const receipt = JSON.stringify({ type: 'receipt', events: lines.length, sha256: hash.digest('hex') });
  writeFileSync(file, [...(header === undefined ? [] : [header]), ...lines, receipt].join('\n') + '\n');
}

test('rlm replay reads a newer trace (skipping event types it does not know, and saying so) and an older one', async () => {
  const server = await FakeModelServer.start(rootScript(), { models: ['gpt-root'] });
  try {
    const dir = workspace();
    const trace = join(dir, 'trace.jsonl');
    const r = await rlm(['ask', 'Where is the backoff computed?', '--workspace', dir, '--base-url', server.openaiBaseUrl, '--model', 'gpt-root', '--sub-model', 'gpt-sub', '--trace', trace, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rest] = readFileSync(trace, 'utf8').trim().split('\n');
    const events = rest.slice(0, -1);

    const newer = join(dir, 'newer.jsonl');
    const future = JSON.stringify({ ...JSON.parse(header!), schema: 3, generator: 'rlm-code 9.0.0' });
    signedTrace(newer, [events[0]!, '{"type":"proposed_edit","time":1,"path":"src/retry.ts"}', ...events.slice(1), '{"type":"proposed_edit","time":2}', '{"type":"checkpoint","time":3}'], future);
    const fromFuture = await rlm(['replay', newer]);
    assert.equal(fromFuture.code, 0, fromFuture.stderr);
    assert.match(fromFuture.stdout, /^run \(gpt-root\) .* -> final  \[done/);
    assert.match(fromFuture.stdout, /receipt ok/);
    assert.match(fromFuture.stdout, /newer than this reader \(schema 2\)/);
    assert.match(fromFuture.stdout, /Skipped 3 events of types this version does not know: proposed_edit ×2, checkpoint ×1\./);
    assert.deepEqual(JSON.parse((await rlm(['replay', newer, '--json'])).stdout).skipped, { proposed_edit: 2, checkpoint: 1 });

    // Cut short (a crash): what never ended says so.
    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, [header, ...events.slice(0, 3)].join('\n') + '\n');
    const fromCrash = await rlm(['replay', cut]);
    assert.equal(fromCrash.code, 0, fromCrash.stderr);
    assert.match(fromCrash.stdout, /^run \(gpt-root\) .* {2}\[unfinished \(running\) · \d+\.\d\ds\]\n└─ turn 1 {2}\[unfinished \(running\)/);
    assert.match(fromCrash.stdout, /no receipt: the run did not finish writing this trace/);

    // Schema 1: no header, no status on ends, no fn on sub-calls.
    const older = join(dir, 'older.jsonl');
    signedTrace(older, events.map((line) => {
      const { status: _status, fn: _fn, ...event } = JSON.parse(line);
      return JSON.stringify(event);
    }));
    const fromPast = await rlm(['replay', older]);
    assert.equal(fromPast.code, 0, fromPast.stderr);
    assert.match(fromPast.stdout, /^run \(gpt-root\) .* -> final  \[done/);
    assert.match(fromPast.stdout, /└─ sub-call \(gpt-sub\): .* {2}\[done · /);
    assert.match(fromPast.stdout, /receipt ok/);
    assert.match(fromPast.stdout, /Schema 1 trace \(written before traces had a header\): statuses are derived/);
  } finally {
    await server.close();
  }
});

test('a limit ends with exit 3 and still prints the best answer; --model auto picks the first listed model', async () => {
  const server = await FakeModelServer.start((req) => {
    assert.equal(req.model, 'first-model');
    return req.messages.at(-1)!.content.includes('No more code will run')
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

test('Ctrl-C cancels the run within a second: exit 3, best answer (none yet) and why', async () => {
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
    assert.equal(r.stdout, '', 'no answer yet, and the chatter is not one');
    assert.match(r.stderr, /The run stopped before the model gave an answer \(cancelled\)/);
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
    [['ask', 'q', '--workspace', dir], { RLM_LOCAL_SERVERS: '' }, /Missing OPENAI_API_KEY/],
    [['ask', 'q', '--workspace', dir, '--provider', 'anthropic'], {}, /Missing ANTHROPIC_API_KEY/],
    [['ask', 'q', '--workspace', join(dir, 'nope')], { OPENAI_API_KEY: 'sk-x' }, /Workspace folder not found/],
    [['ask', 'q', '--workspace', dir, '--include', '../elsewhere'], { OPENAI_API_KEY: 'sk-x' }, /--include: "..\/elsewhere" is not a folder inside the workspace/],
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

test('no key and no --base-url: a local server on its usual port answers instead, and stderr says so', async () => {
  const server = await FakeModelServer.start(rootScript(), { models: ['gpt-root'] });
  try {
    const closed = `http://127.0.0.1:${await closedPort()}/v1`;
    const r = await rlm(['ask', 'Where is the backoff computed?', '--workspace', workspace(), '--sub-model', 'gpt-sub', '--json'],
      { RLM_LOCAL_SERVERS: `${closed},${server.openaiBaseUrl}` });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).answer, 'backoff is in src/retry.ts:2');
    assert.equal(r.stderr, `rlm: no OPENAI_API_KEY or --base-url: using a local server at ${server.openaiBaseUrl} (model gpt-root)\n`);
  } finally {
    await server.close();
  }
});

test('no key, no --base-url and no local server: exit 2, and the message says where it looked', async () => {
  const closed = `http://127.0.0.1:${await closedPort()}/v1`;
  const r = await rlm(['ask', 'q', '--workspace', workspace()], { RLM_LOCAL_SERVERS: closed });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /Missing OPENAI_API_KEY.*No local server answered either \(http:\/\/127\.0\.0\.1:\d+\/v1\)\.$/m);
  assert.equal(r.stderr.trim().split('\n').length, 1);
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

test('seen: the CLI exits as soon as the answer is printed, even with sub-calls nobody awaited (4 s each)', async () => {
  const server = await FakeModelServer.start((req) =>
    req.model === 'gpt-root'
      ? code('Fire and forget.', 'llm_query_batched(["a", "b", "c", "d"]);\nFINAL("done")')
      : { text: 'late', delayMs: 4_000 });
  try {
    const started = Date.now();
    const r = await rlm(['ask', 'q', '--workspace', workspace(), '--base-url', server.openaiBaseUrl, '--model', 'gpt-root', '--sub-model', 'gpt-sub', '--json']);
    const took = Date.now() - started;
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.answer, 'done');
    assert.equal(out.usage.sub.calls, 4, 'the cancelled calls are counted');
    assert.equal(out.usage.sub.estimated, true);
    // The whole process (start, index, a model round trip) ends well before one sub-call would have.
    assert.ok(took < 3_500, `the CLI ran for ${took} ms`);
  } finally {
    await server.close();
  }
});

test('the same question twice over an unchanged workspace reuses the sub-call answer; --no-cache sends it; a cache inside the workspace is refused', async () => {
  const server = await FakeModelServer.start(rootScript(), { models: ['gpt-root'] });
  try {
    const dir = workspace();
    const args = ['ask', 'Where is the backoff computed?', '--workspace', dir, '--base-url', server.openaiBaseUrl, '--model', 'gpt-root', '--sub-model', 'gpt-sub', '--json'];
    const subRequests = () => server.requests.filter((r) => r.model === 'gpt-sub').length;
    const first = JSON.parse((await rlm(args)).stdout);
    assert.equal(first.usage.sub.calls, 1);
    const second = await rlm(args);
    assert.equal(second.code, 0, second.stderr);
    const out = JSON.parse(second.stdout);
    assert.equal(out.answer, first.answer);
    assert.equal(out.usage.sub.calls, 0);
    assert.equal(out.usage.sub.reusedCalls, 1);
    assert.equal(subRequests(), 1, 'the second run sent no sub-call');
    await rlm([...args, '--no-cache']);
    assert.equal(subRequests(), 2, '--no-cache sends it');
    const inside = await rlm(args.filter((a) => a !== '--json'), { RLM_CACHE_DIR: join(dir, '.rlm-cache') });
    assert.equal(inside.code, 0, inside.stderr);
    assert.match(inside.stderr, /the cache folder .*\.rlm-cache is inside the workspace, where model code could read it: sub-call answers are not reused/);
    assert.equal(subRequests(), 3);
  } finally {
    await server.close();
  }
});
