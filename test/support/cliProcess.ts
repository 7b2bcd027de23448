// The built CLI (dist/cli.js) as a user runs it: a child process with a clean environment (no provider keys or
// RLM_* settings from the machine running the tests, a cache folder of its own).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

const CLEAN_ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|ANTHROPIC|RLM)_/.test(k))),
  RLM_CACHE_DIR: mkdtempSync(join(tmpdir(), 'rlm-cli-cache-')),
};

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function rlm(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: CLEAN_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (c) => resolve({ code: c, stdout, stderr }));
  });
}
