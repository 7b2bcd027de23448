// `rlm mcp` as an agent uses it: the built dist/cli.js as a child process on stdio, driven by the official MCP SDK's
// client (the same code Claude Code and others embed), against the fake model server. tools/list and its time, a
// call with progress notifications per turn, a cancellation through notifications/cancelled, arguments that may
// lower the flags' limits but not raise them, bad arguments, a refactor returned as a patch with nothing written,
// replay_trace over the trace it wrote and nothing outside, and the end of the process when the client leaves.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { FakeModelServer, type FakeReply, type FakeRequest } from '../fakes/FakeModelServer';
import { CLI, cliEnv } from '../support/cli';
import { code } from '../support/scriptedModels';

const ROOT = 'gpt-root';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-mcp-ws-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'retry.ts'), 'export function backoff(attempt: number) {\n  return Math.min(30_000, 2 ** attempt * 100);\n}\n');
  writeFileSync(join(dir, 'src', 'main.ts'), 'import { backoff } from "./retry";\nconsole.log(backoff(3));\n');
  writeFileSync(join(dir, '.env'), 'SECRET_TOKEN=do-not-send\n');
  return dir;
}

/** The server over a workspace, with root replies queued by the test; the SDK's client on its stdio. */
async function connect(flags: string[] = []) {
  const queue: Array<FakeReply | string> = [];
  const server = await FakeModelServer.start((req: FakeRequest) => {
    if (req.model !== ROOT) return `sub: ${req.messages.at(-1)!.content.slice(0, 40)}`;
    return queue.shift() ?? { status: 400, text: 'the test queued no root reply' };
  }, { models: [ROOT] });
  const dir = workspace();
  const traces = mkdtempSync(join(tmpdir(), 'rlm-mcp-traces-'));
  const stderr: string[] = [];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--workspace', dir, '--base-url', server.openaiBaseUrl, '--model', ROOT, '--sub-model', 'gpt-sub', '--trace-dir', traces, ...flags],
    env: cliEnv() as Record<string, string>,
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (d) => stderr.push(String(d)));
  const client = new Client({ name: 'rlm-test-client', version: '1.0.0' });
  await client.connect(transport);
  return {
    client, server, queue, dir, traces, stderr, transport,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

test('tools/list names the three tools with the shared input schema; the round trip is quick', async () => {
  const m = await connect(['--max-iterations', '8']);
  try {
    const times: number[] = [];
    let listed;
    for (let i = 0; i < 5; i++) {
      const at = performance.now();
      listed = await m.client.listTools();
      times.push(performance.now() - at);
    }
    times.sort((a, b) => a - b);
    console.log(`# tools/list round trip over stdio: median ${times[2]!.toFixed(1)} ms, max ${times[4]!.toFixed(1)} ms`);
    assert.ok(times[2]! < 300, `median ${times[2]} ms`);
    const tools = listed!.tools;
    assert.deepEqual(tools.map((t) => t.name), ['ask_codebase', 'propose_refactor', 'replay_trace']);
    const ask = tools[0]!;
    assert.deepEqual(ask.inputSchema.required, ['question']);
    assert.deepEqual(Object.keys(ask.inputSchema.properties!), ['question', 'paths', 'limits']);
    assert.match(ask.description!, /Runs at most 8 turns, 1000 sub-calls, no cost cap, 300 requests to models with no known price; limits in the arguments may only lower these\./);
    assert.equal(ask.annotations?.readOnlyHint, true);
    assert.match(m.stderr.join(''), /rlm mcp: serving .*rlm-mcp-ws-/);
  } finally {
    await m.close();
  }
});

test('ask_codebase: progress per turn, the answer with the files it rests on (no ignored or credential file), a trace replay_trace reads', async () => {
  const m = await connect();
  try {
    m.queue.push(
      code('Find it.', 'const hits = grep("2 \\\\*\\\\* attempt");\nconst text = read(hits[0].path);\nprint(await llm_query("Summarise: " + text));'),
      code('Done.', 'FINAL(`backoff is in ${hits[0].path}:${hits[0].line}; see .env:1 too`)'),
    );
    const progress: Array<{ progress: number; message?: string }> = [];
    const result = await m.client.callTool({ name: 'ask_codebase', arguments: { question: 'Where is the backoff computed?', paths: ['src/'] } }, CallToolResultSchema, {
      onprogress: (p) => progress.push(p),
    }) as CallToolResult;
    assert.equal(result.isError, undefined, textOf(result));
    const text = textOf(result);
    assert.match(text, /^backoff is in src\/retry\.ts:2; see \.env:1 too\n\nFiles this answer rests on:\n- src\/retry\.ts\n\n\(RLM: 2 turns, 1 sub-calls, cost \$0\.0000 \+ unknown|^backoff is in src\/retry\.ts:2; see \.env:1 too\n\nFiles this answer rests on:\n- src\/retry\.ts\n\n\(RLM: 2 turns, 1 sub-calls, cost unknown/);
    assert.ok(!/- \.env/.test(text), 'a credential file is no file of the workspace');
    assert.deepEqual(progress.map((p) => p.message), ['Starting…', 'Turn 1: gpt-root is writing code…', 'Turn 1: sub-calls to gpt-sub…', 'Turn 2: gpt-root is writing code…']);
    assert.deepEqual(progress.map((p) => p.progress), [1, 2, 3, 4], 'progress increases');
    const rootRequest = m.server.requests.find((r) => r.model === ROOT)!;
    assert.match(rootRequest.messages.at(-1)!.content, /Where is the backoff computed\?\n\n\(Start from "src\/"\.\)/);

    const [trace] = readdirSync(m.traces);
    assert.match(trace!, /^mcp-.+\.rlm\.jsonl$/);
    assert.ok(text.includes(join(m.traces, trace!)), 'the answer names its trace');
    const replayed = await m.client.callTool({ name: 'replay_trace', arguments: { trace: trace! } }) as CallToolResult;
    assert.equal(replayed.isError, undefined, textOf(replayed));
    assert.match(textOf(replayed), /Where is the backoff computed\?/);
    for (const outside of ['/etc/passwd.jsonl', '../../etc/x.jsonl', 'src/retry.ts', '.env']) {
      const refused = await m.client.callTool({ name: 'replay_trace', arguments: { trace: outside } }) as CallToolResult;
      assert.equal(refused.isError, true, outside);
      assert.match(textOf(refused), /trace file/, outside);
    }
  } finally {
    await m.close();
  }
});

test('limits: arguments lower the flags\' limits, never raise them; bad arguments get a clear error and no model call', async () => {
  const m = await connect(['--max-iterations', '2']);
  try {
    m.queue.push(code('Look.', 'print(1)'), code('Again.', 'print(2)'), code('More.', 'print(3)'), 'FINAL("best so far")');
    const raised = await m.client.callTool({ name: 'ask_codebase', arguments: { question: 'Anything?', limits: { maxIterations: 50 } } }) as CallToolResult;
    assert.match(textOf(raised), /stopped before a final answer \(max_iterations\)/);
    assert.match(textOf(raised), /RLM: 2 turns/, 'the flag\'s 2 turns, not the 50 asked');
    assert.match(m.stderr.join(''), /maxIterations 50 is above the 2 in force, which was kept/);
    m.queue.length = 0;

    m.queue.push(code('Look.', 'print(1)'), 'FINAL("best")');
    const lowered = await m.client.callTool({ name: 'ask_codebase', arguments: { question: 'Anything?', limits: { maxIterations: 1 } } }) as CallToolResult;
    assert.match(textOf(lowered), /RLM: 1 turns/);
    m.queue.length = 0;

    const before = m.server.requests.length;
    for (const [args, message] of [
      [{ question: 42 }, /Input validation error: Invalid arguments for tool ask_codebase: Invalid input: expected string, received number at question/],
      [{}, /expected string, received undefined at question/],
      [{ question: 'q', limits: { maxIterations: 'lots' } }, /expected number, received string at limits\.maxIterations/],
      [{ question: 'q', limits: { maxCostUsd: 100, model: 'gpt-5' } }, /Unrecognized key: "model"/],
      [{ question: 'q', limits: { maxIterations: -1 } }, /maxIterations must be a whole number above 0, got -1/],
    ] as const) {
      // The SDK refuses arguments off the schema as a protocol error (-32602); a limit's value as an error result.
      const said = await m.client.callTool({ name: 'ask_codebase', arguments: args as Record<string, unknown> }).then(
        (r) => (r.isError ? textOf(r as CallToolResult) : `not an error: ${textOf(r as CallToolResult)}`),
        (err: Error) => err.message,
      );
      assert.match(said, message, JSON.stringify(args));
    }
    assert.equal(m.server.requests.length, before, 'no model was asked');
  } finally {
    await m.close();
  }
});

test('notifications/cancelled stops the call within a second; the server goes on serving', async () => {
  const m = await connect();
  try {
    m.queue.push({ text: code('Slow.', 'FINAL("late")'), delayMs: 30_000 });
    const controller = new AbortController();
    const calling = m.client.callTool({ name: 'ask_codebase', arguments: { question: 'Take your time' } }, CallToolResultSchema, { signal: controller.signal });
    while (m.server.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const at = Date.now();
    controller.abort('the user changed their mind');
    await assert.rejects(calling, /the user changed their mind|abort/i);
    await waitUntil(() => m.server.inFlight === 0, 1000, 'the model request to be dropped');
    console.log(`# from notifications/cancelled to the model request dropped: ${Date.now() - at} ms`);
    await waitUntil(() => /: cancelled after 1 turns/.test(m.stderr.join('')), 1000, 'the run to end cancelled');
    m.queue.length = 0;
    m.queue.push('FINAL("still here")');
    const next = await m.client.callTool({ name: 'ask_codebase', arguments: { question: 'Still there?' } }) as CallToolResult;
    assert.match(textOf(next), /^still here/);
  } finally {
    await m.close();
  }
});

test('propose_refactor returns the summary and a patch, flags a sensitive file, and writes nothing', async () => {
  const m = await connect(['--sensitive-path', 'src/main.ts']);
  try {
    m.queue.push(code('Rename.', [
      'propose_edit("src/retry.ts", [{find: "export function backoff", replace: "export function retryDelay"}], "rename");',
      'propose_edit("src/main.ts", [{find: "backoff(3)", replace: "retryDelay(3)"}], "call site");',
      'FINAL("Renamed.")',
    ].join('\n')));
    const before = readFileSync(join(m.dir, 'src', 'retry.ts'), 'utf8');
    const r = await m.client.callTool({ name: 'propose_refactor', arguments: { question: 'Rename backoff to retryDelay' } }) as CallToolResult;
    assert.equal(r.isError, undefined, textOf(r));
    const text = textOf(r);
    assert.match(text, /```diff\n[^]*--- a\/src\/retry\.ts\n\+\+\+ b\/src\/retry\.ts\n[^]*-export function backoff[^]*\+export function retryDelay[^]*```/);
    assert.match(text, /src\/main\.ts[^\n]*--sensitive-path/);
    assert.match(text, /nothing was written/);
    assert.equal(readFileSync(join(m.dir, 'src', 'retry.ts'), 'utf8'), before);
    assert.ok(!existsSync(join(m.dir, 'src', 'retry.ts.orig')));
  } finally {
    await m.close();
  }
});

test('the server exits when the client closes its stdin', async () => {
  const m = await connect();
  const pid = m.transport.pid!;
  await m.close();
  await waitUntil(() => !alive(pid), 5000, 'the server process to exit');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
