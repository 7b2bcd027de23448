// The user's own check after applying a change set (the CLI's --validate, the editor's rlm.validateCommand):
// their command, through the shell, in the workspace, as a child process in a process group of its own, so that
// a stop or a deadline ends it with everything it started (a test runner's workers too). Never a command the
// model wrote: callers pass only what the user typed or configured.
import { spawn } from 'node:child_process';
import type { ValidationResult } from './summary';

/** Output kept: the end, where test runners print their verdict. */
export const VALIDATION_TAIL_CHARS = 8_000;
/** After SIGTERM, the group gets this long to end before SIGKILL. */
const KILL_GRACE_MS = 2_000;

export interface ValidationOptions {
  signal?: AbortSignal;
  /** Ends the command after this long (exit code null, and the output says so). */
  timeoutMs?: number;
  /** More environment variables for the command. */
  env?: NodeJS.ProcessEnv;
}

/** Runs `command` in `cwd` through the shell; resolves when it and its process group have ended. Never rejects. */
export function runValidation(command: string, cwd: string, options: ValidationOptions = {}): Promise<ValidationResult> {
  const started = Date.now();
  return new Promise((done) => {
    let output = '';
    const keep = (chunk: Buffer | string) => {
      output += chunk.toString();
      if (output.length > 2 * VALIDATION_TAIL_CHARS) output = output.slice(-VALIDATION_TAIL_CHARS);
    };
    if (options.signal?.aborted) {
      done({ command, exitCode: null, outputTail: 'Stopped before it started.', durationMs: 0 });
      return;
    }
    const posix = process.platform !== 'win32';
    const child = spawn(command, {
      cwd,
      shell: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
      // Its own process group (POSIX): a stop reaches what the shell started, not only the shell.
      detached: posix,
      windowsHide: true,
    });
    let ended = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: string) => {
      if (ended) return;
      keep(`\n[${why}]\n`);
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (posix && child.pid !== undefined) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // Already gone.
      }
    };
    const onAbort = () => stop('stopped by the user');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const deadline = options.timeoutMs ? setTimeout(() => stop(`stopped after ${Math.round(options.timeoutMs! / 1000)} s`), options.timeoutMs) : undefined;
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const finish = (exitCode: number | null) => {
      if (ended) return;
      ended = true;
      clearTimeout(deadline);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      done({ command, exitCode, outputTail: output.slice(-VALIDATION_TAIL_CHARS), durationMs: Date.now() - started });
    };
    child.on('error', (err) => {
      keep(`\n${err.message}`);
      finish(null);
    });
    // What the shell left running in its group (a server, a watcher) would hold the output open: it goes too.
    child.on('exit', () => signalGroup('SIGKILL'));
    child.on('close', (code) => finish(code));
  });
}
