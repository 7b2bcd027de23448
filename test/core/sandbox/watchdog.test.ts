// The host-side backstop: a cell stuck in long native operations (which QuickJS's interrupt check does not
// reach often enough) is terminated shortly after its deadline instead of running for minutes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox } from '../../../src/core/sandbox/Sandbox';

const NATIVE_LOOP = 'const big = "x".repeat(5e7);\nlet n = 0;\nwhile (true) n += big.indexOf("y");';

test('a cell that ignores its deadline is terminated soon after it; the sandbox reports itself dead', async () => {
  const sandbox = await Sandbox.create({ limits: { cellTimeoutMs: 300 } });
  try {
    const started = Date.now();
    const result = await sandbox.run(NATIVE_LOOP);
    const took = Date.now() - started;
    assert.match(result.error ?? '', /deadline and did not stop, so the REPL was terminated/);
    assert.ok(took < 300 + 2000 + 1500, `stopped after ${took} ms`);
    assert.match(sandbox.deadReason ?? '', /ran past its 0.3 s deadline/);
    assert.match((await sandbox.run('1 + 1')).error ?? '', /create a new sandbox/);
  } finally {
    sandbox.dispose();
  }
});

test('time spent waiting on model calls does not count toward the watchdog', async () => {
  const sandbox = await Sandbox.create({
    limits: { cellTimeoutMs: 200 },
    functions: { slow_model: { kind: 'model', fn: () => new Promise((r) => setTimeout(() => r('done'), 2800)) } },
  });
  try {
    const result = await sandbox.run('await slow_model()');
    assert.equal(result.error, undefined);
    assert.equal(result.value, '"done"');
    assert.equal(sandbox.deadReason, undefined);
  } finally {
    sandbox.dispose();
  }
});
