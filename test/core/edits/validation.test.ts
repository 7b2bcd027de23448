// The user's validation command as a child process: exit codes and the output's tail, the folder it runs in,
// a stop and a deadline that end it with everything it started, a command that cannot start. The event loop
// stays free meanwhile.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runValidation, VALIDATION_TAIL_CHARS } from '../../../src/core/edits/validation';
import { HOST_STALL_LIMIT_MS, watchingTheEventLoop } from '../../support/eventLoop';

/** Running (a zombie waiting for a reaper that a container may not have counts as ended). */
const running = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
/** Signals are delivered asynchronously: give the process a moment to go. */
async function ended(pid: number): Promise<boolean> {
  for (let i = 0; i < 40 && running(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return !running(pid);
}

describe('runValidation', { skip: process.platform === 'win32' ? 'POSIX shell commands' : undefined }, () => {
  test('passes and fails by exit code, in the folder given, keeping the output', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'rlm-validate-')));
    const ok = await runValidation('pwd; echo done >&2', dir);
    assert.equal(ok.exitCode, 0);
    assert.match(ok.outputTail, new RegExp(`${dir}\\n`));
    assert.match(ok.outputTail, /done/);
    assert.equal(ok.command, 'pwd; echo done >&2');
    assert.ok(ok.durationMs! >= 0);
    const failed = await runValidation('echo "1 failing"; exit 3', dir);
    assert.equal(failed.exitCode, 3);
    assert.match(failed.outputTail, /1 failing/);
  });

  test('keeps only the tail of a long output', async () => {
    const r = await runValidation(`i=0; while [ $i -lt 3000 ]; do echo "line $i of a long test log"; i=$((i+1)); done`, tmpdir());
    assert.equal(r.exitCode, 0);
    assert.ok(r.outputTail.length <= VALIDATION_TAIL_CHARS);
    assert.match(r.outputTail, /line 2999 of a long test log\n$/);
  });

  test('a stop ends the command and what it started, within a few seconds, without holding the event loop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rlm-validate-'));
    const controller = new AbortController();
    let started = 0;
    const { value: r, longestGapMs } = await watchingTheEventLoop(async () => {
      const running = runValidation('sleep 60 & echo "child $!"; wait', dir, { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 500));
      started = Date.now();
      controller.abort();
      return running;
    });
    assert.ok(Date.now() - started < 3_000, `stopped in ${Date.now() - started} ms`);
    assert.equal(r.exitCode, null);
    assert.match(r.outputTail, /stopped by the user/);
    const pid = Number(/child (\d+)/.exec(r.outputTail)?.[1]);
    assert.ok(pid > 0);
    assert.equal(await ended(pid), true, 'the background sleep went with the shell');
    assert.ok(longestGapMs < HOST_STALL_LIMIT_MS, `the event loop stalled ${longestGapMs} ms`);
  });

  test('a deadline ends it and says so; a command left running in the background does not hold the result', async () => {
    const r = await runValidation('sleep 30', tmpdir(), { timeoutMs: 300 });
    assert.equal(r.exitCode, null);
    assert.match(r.outputTail, /stopped after 0 s/);
    const started = Date.now();
    const background = await runValidation('sleep 30 & echo "bg $!"; exit 0', tmpdir());
    assert.equal(background.exitCode, 0);
    assert.ok(Date.now() - started < 3_000);
    assert.equal(await ended(Number(/bg (\d+)/.exec(background.outputTail)?.[1])), true);
  });

  test('a stop before it starts, and a folder that does not exist, end cleanly', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runValidation('echo never', tmpdir(), { signal: controller.signal });
    assert.equal(r.exitCode, null);
    assert.match(r.outputTail, /Stopped before it started/);
    const missing = await runValidation('echo hi', join(tmpdir(), 'no-such-folder-rlm'));
    assert.equal(missing.exitCode, null);
    assert.match(missing.outputTail, /ENOENT/);
  });
});
