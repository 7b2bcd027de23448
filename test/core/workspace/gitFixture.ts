// Real git repositories for the ignore-rule tests, built in temp folders with the real `git` (run
// asynchronously) and a home folder of their own, so neither the tests nor git see the user's settings.

import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GitSandbox {
  /** Real path of the temp folder that holds everything. */
  base: string;
  /** The fake home folder (for ~/.gitconfig, ~/.config/git/ignore and `~/` paths). */
  home: string;
  /** Runs git in `cwd` with the fake home and no system config; resolves with stdout. */
  git(cwd: string, ...args: string[]): Promise<string>;
  cleanup(): void;
}

export function createGitSandbox(prefix = 'rlm-git-'): GitSandbox {
  const base = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const home = join(base, 'home');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  };
  return {
    base,
    home,
    git: async (cwd, ...args) => (await run('git', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 })).stdout,
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/**
 * The paths among `paths` (relative to `cwd`) that git itself ignores, from `git check-ignore` (exit 1
 * means "none", which execFile reports as an error).
 */
export async function gitIgnored(sandbox: GitSandbox, cwd: string, paths: readonly string[]): Promise<string[]> {
  try {
    const out = await sandbox.git(cwd, 'check-ignore', '--no-index', ...paths);
    return out.split('\n').filter(Boolean).sort();
  } catch (error) {
    if ((error as { code?: number }).code === 1) return [];
    throw error;
  }
}
