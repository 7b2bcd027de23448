// `rlm mcp` driven by the MCP Inspector's command-line mode (2.12.0), a client nobody here wrote: tools/list, a call
// that answers from the workspace through the fake model server and reports its progress to the Inspector's token,
// bad arguments getting a clear error, and the one cancellation the Inspector's command line sends.
//
// What its command line cannot do, and why (its build, clients/cli/build/index.js, from src/cli.ts and
// core/mcp/inspectorClient.ts):
// - Show progress. It makes its client with `progress: false`, so it registers no progress handler and prints no
//   notification. It does send the `progressToken` given with `--tool-metadata` in the call's `_meta`, so the server
//   reports progress to it: a recording pipe between the two (test/support/stdioTap.mjs) shows what it was sent.
// - Cancel when asked. It has no flag for it, Ctrl-C ends the process (the server sees its stdin close: a disconnect,
//   not `notifications/cancelled`), and its request timeout cannot be set (a server entry's `requestTimeout` never
//   reaches the command line's client), so it is the SDK's 60 s. At that timeout the SDK sends
//   `notifications/cancelled` and the Inspector closes the connection. The second test waits those 60 s; the pipe
//   keeps the server's stdin open a second longer, so what stops the run is the cancellation alone.
// test/mcp/mcpServer.test.ts covers both with the SDK's own client: progress as a client sees it, and a cancel at any
// moment, ended within a second.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeModelServer, type FakeResponder } from '../fakes/FakeModelServer';
import { CLI, cliEnv, runProcess as run } from '../support/cli';
import { mcpInspector } from '../support/mcpInspector';
import { code } from '../support/scriptedModels';

const TAP = join(__dirname, '..', 'support', 'stdioTap.mjs');
/** How long the pipe keeps the server's stdin open after the Inspector closed its own (the Inspector waits 2 s). */
const HOLD_MS = 1000;
/** The SDK's request timeout, which the Inspector's command line cannot change. */
const SDK_TIMEOUT_MS = 60_000;

interface Tapped {
  at: number;
  from?: 'client' | 'server';
  message?: { id?: number | string; method?: string; params?: Record<string, unknown>; result?: unknown };
  eof?: true;
}

/** A workspace, the fake model server, and the Inspector's command line over `rlm mcp` through the recording pipe. */
async function inspecting(respond: FakeResponder) {
  const inspector = await mcpInspector();
  const server = await FakeModelServer.start(respond, { models: ['gpt-root'] });
  const dir = mkdtempSync(join(tmpdir(), 'rlm-inspector-ws-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'retry.ts'), 'export function backoff(attempt: number) {\n  return Math.min(30_000, 2 ** attempt * 100);\n}\n');
  const logs = mkdtempSync(join(tmpdir(), 'rlm-inspector-wire-'));
  let runs = 0;
  const inspect = (options: { timeoutMs: number }, ...method: string[]) => {
    const log = join(logs, `${++runs}.jsonl`);
    writeFileSync(log, '');
    const serverCommand = [process.execPath, TAP, log, String(HOLD_MS), process.execPath, CLI, 'mcp', '--workspace', dir, '--base-url', server.openaiBaseUrl, '--model', 'gpt-root'];
    const wire = (): Tapped[] => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Tapped);
    return { done: run(inspector, ['--cli', ...serverCommand, ...method], { env: cliEnv(), timeoutMs: options.timeoutMs }), wire };
  };
  return { server, inspect };
}

test('the MCP Inspector lists the tools, calls ask_codebase (the server reporting progress to the Inspector\'s token), and shows a bad argument\'s error', async () => {
  const { server, inspect } = await inspecting((req) => {
    if (req.model !== 'gpt-root') return 'sub';
    const turns = req.messages.filter((m) => m.role === 'assistant').length;
    return turns === 0 ? code('Find it.', 'const hits = grep("2 \\\\*\\\\* attempt");') : code('Done.', 'FINAL(`backoff is in ${hits[0].path}:${hits[0].line}`)');
  });
  try {
    const listed = await inspect({ timeoutMs: 60_000 }, '--method', 'tools/list').done;
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).tools.map((t: { name: string }) => t.name), ['ask_codebase', 'propose_refactor', 'replay_trace']);

    const call = inspect({ timeoutMs: 60_000 }, '--method', 'tools/call', '--tool-name', 'ask_codebase', '--tool-arg', 'question=Where is the backoff computed?', '--tool-metadata', 'progressToken=inspector-call');
    const called = await call.done;
    assert.equal(called.code, 0, called.stderr);
    const result = JSON.parse(called.stdout);
    assert.notEqual(result.isError, true, called.stdout);
    assert.match(result.content[0].text, /^backoff is in src\/retry\.ts:2\n\nFiles this answer rests on:\n- src\/retry\.ts/);
    // What the Inspector was sent but does not print: a progress notification per step, to its token, before the answer.
    const wire = call.wire();
    const request = wire.find((w) => w.from === 'client' && w.message?.method === 'tools/call')!;
    assert.deepEqual(request.message!.params!._meta, { progressToken: 'inspector-call' });
    const progress = wire.filter((w) => w.from === 'server' && w.message?.method === 'notifications/progress').map((w) => w.message!.params!);
    assert.deepEqual(progress.map((p) => [p.progressToken, p.progress, p.message]), [
      ['inspector-call', 1, 'Starting…'],
      ['inspector-call', 2, 'Turn 1: gpt-root is writing code…'],
      ['inspector-call', 3, 'Turn 2: gpt-root is writing code…'],
    ]);
    const answered = wire.findIndex((w) => w.from === 'server' && w.message?.id === request.message!.id);
    const lastProgress = wire.map((w) => w.message?.method).lastIndexOf('notifications/progress');
    assert.ok(lastProgress < answered, 'progress came before the answer');

    const bad = await inspect({ timeoutMs: 60_000 }, '--method', 'tools/call', '--tool-name', 'ask_codebase', '--tool-arg', 'paths=src').done;
    assert.match(bad.stdout + bad.stderr, /Input validation error: Invalid arguments for tool ask_codebase/);
    assert.match(bad.stdout + bad.stderr, /question/);
  } finally {
    await server.close();
  }
});

test('the Inspector\'s one cancellation, at the SDK\'s 60 s request timeout: notifications/cancelled alone drops the model request', { timeout: SDK_TIMEOUT_MS + 60_000 }, async () => {
  const { server, inspect } = await inspecting((req) => (req.model === 'gpt-root' ? { text: code('Slow.', 'FINAL("too late")'), delayMs: 3 * SDK_TIMEOUT_MS } : 'sub'));
  try {
    const call = inspect({ timeoutMs: SDK_TIMEOUT_MS + 30_000 }, '--method', 'tools/call', '--tool-name', 'ask_codebase', '--tool-arg', 'question=Take your time');
    let droppedAt: number | undefined;
    let asked = false;
    const watching = setInterval(() => {
      if (server.inFlight > 0) asked = true;
      else if (asked) droppedAt ??= Date.now();
    }, 10);
    const ended = await call.done.finally(() => clearInterval(watching));
    assert.notEqual(ended.code, 0);
    assert.match(ended.stdout + ended.stderr, /timed out/i);
    const wire = call.wire();
    const request = wire.find((w) => w.from === 'client' && w.message?.method === 'tools/call')!;
    const cancel = wire.find((w) => w.from === 'client' && w.message?.method === 'notifications/cancelled');
    assert.ok(cancel, 'the Inspector sent notifications/cancelled');
    assert.equal(cancel.message!.params!.requestId, request.message!.id, 'for the call');
    assert.match(String(cancel.message!.params!.reason), /timed out/i);
    assert.ok(cancel.at - request.at >= SDK_TIMEOUT_MS - 1000, `after the SDK's timeout (${cancel.at - request.at} ms)`);
    const eof = wire.find((w) => w.eof)!;
    assert.ok(droppedAt !== undefined, 'the model request was dropped');
    console.log(`# from the Inspector's notifications/cancelled to the model request dropped: ${droppedAt - cancel.at} ms`);
    assert.ok(droppedAt < eof.at, 'dropped while the server\'s stdin was still open: by the cancellation, not the disconnect');
    assert.ok(droppedAt - cancel.at < 1000, `within a second (${droppedAt - cancel.at} ms)`);
    assert.match(ended.stderr, /: cancelled after 1 turns/, 'the server\'s note (its stderr passes through the Inspector)');
  } finally {
    await server.close();
  }
});
