// The windows through `rlm ask` as a user runs it (the built dist/cli.js against the fake server, which refuses
// prompts over its window): --sub-context-window reaches child runs (rlm_query takes the sub-model as its root),
// which compact to it instead of sending more than the server takes; without it, the sub-model's window is unknown.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrace } from '../../src/core/trajectory/readTrace';
import { FakeModelServer } from '../fakes/FakeModelServer';
import { runCli } from '../support/cli';
import { assertChildCompactedTo, counter, DELEGATE_COUNTING } from '../support/countingModel';

const WINDOW = 8_192;

/** `rlm ask` with a parent on local-root that hands counting to a child run on local-sub, through a server with an 8k window. */
async function askChild(flags: string[]) {
  const child = counter(8, 6_000);
  const server = await FakeModelServer.start(
    (req) => (req.model === 'local-root' ? DELEGATE_COUNTING[req.messages.filter((m) => m.role === 'assistant').length]! : child.reply(req)),
    { models: ['local-root', 'local-sub'], contextWindow: WINDOW },
  );
  const dir = mkdtempSync(join(tmpdir(), 'rlm-windows-'));
  writeFileSync(join(dir, 'notes.txt'), 'abc\n');
  const trace = join(dir, 'trace.jsonl');
  try {
    const run = await runCli(['ask', 'Ask a child to count.', '--context-file', join(dir, 'notes.txt'), '--base-url', server.openaiBaseUrl,
      '--model', 'local-root', '--sub-model', 'local-sub', '--max-depth', '2', '--trace', trace, '--json', ...flags]);
    return { run, events: readTrace(trace).events, sub: server.requests.filter((r) => r.model === 'local-sub') };
  } finally {
    await server.close();
  }
}

test('--sub-context-window: a child run on a sub-model with a small window compacts to it, and the server refuses nothing', async () => {
  const { run, events, sub } = await askChild(['--sub-context-window', String(WINDOW)]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).answer, 'child said 7');
  assertChildCompactedTo(WINDOW, events, sub);
});

test('without it, the local sub-model\'s window is unknown: the child takes the safe default, and the server refuses what is over its own', async () => {
  const { run, sub } = await askChild([]);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(sub.some((r) => r.refused), 'a request over the server\'s window went out (then compacted and sent once more)');
});
