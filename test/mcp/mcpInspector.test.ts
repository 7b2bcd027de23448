// `rlm mcp` driven by the MCP Inspector's command-line mode, a client nobody here wrote: tools/list, a call that
// answers from the workspace through the fake model server, and bad arguments getting a clear error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeModelServer } from '../fakes/FakeModelServer';
import { CLI, cliEnv, runProcess as run } from '../support/cli';
import { mcpInspector } from '../support/mcpInspector';
import { code } from '../support/scriptedModels';

test('the MCP Inspector lists the tools, calls ask_codebase, and shows a bad argument\'s error', async () => {
  const inspector = await mcpInspector();
  const server = await FakeModelServer.start((req) => {
    if (req.model !== 'gpt-root') return 'sub';
    const turns = req.messages.filter((m) => m.role === 'assistant').length;
    return turns === 0 ? code('Find it.', 'const hits = grep("2 \\\\*\\\\* attempt");') : code('Done.', 'FINAL(`backoff is in ${hits[0].path}:${hits[0].line}`)');
  }, { models: ['gpt-root'] });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'rlm-inspector-ws-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'retry.ts'), 'export function backoff(attempt: number) {\n  return Math.min(30_000, 2 ** attempt * 100);\n}\n');
    const serverCommand = [process.execPath, CLI, 'mcp', '--workspace', dir, '--base-url', server.openaiBaseUrl, '--model', 'gpt-root'];
    const inspect = (...method: string[]) => run(inspector, ['--cli', ...serverCommand, ...method], { env: cliEnv(), timeoutMs: 60_000 });

    const listed = await inspect('--method', 'tools/list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).tools.map((t: { name: string }) => t.name), ['ask_codebase', 'propose_refactor', 'replay_trace']);

    const called = await inspect('--method', 'tools/call', '--tool-name', 'ask_codebase', '--tool-arg', 'question=Where is the backoff computed?');
    assert.equal(called.code, 0, called.stderr);
    const result = JSON.parse(called.stdout);
    assert.notEqual(result.isError, true, called.stdout);
    assert.match(result.content[0].text, /^backoff is in src\/retry\.ts:2\n\nFiles this answer rests on:\n- src\/retry\.ts/);

    const bad = await inspect('--method', 'tools/call', '--tool-name', 'ask_codebase', '--tool-arg', 'paths=src');
    assert.match(bad.stdout + bad.stderr, /Input validation error: Invalid arguments for tool ask_codebase/);
    assert.match(bad.stdout + bad.stderr, /question/);
  } finally {
    await server.close();
  }
});
