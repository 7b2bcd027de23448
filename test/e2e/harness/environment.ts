// Where the end-to-end tests find Node 22, code-server and Chromium: scripts/e2e-install.mjs installs them once
// into a cache outside the repository (idempotent, well under a second when they are there) and says where.

import { join } from 'node:path';
import { run } from './processes';

export const REPO = join(__dirname, '..', '..', '..');
export const FIXTURES = join(REPO, 'test', 'e2e', 'fixtures');
/** A first install builds VS Code's native modules (4 to 5 minutes on 2 cores); the lock waits for a parallel one. */
const INSTALL_TIMEOUT_MS = 25 * 60_000;

export interface E2eEnvironment {
  cache: string;
  /** Node 22: code-server 4.117 (VS Code 1.117) needs it; the tests themselves run on the project's Node. */
  node: string;
  codeServer: { version: string; entry: string };
  chromium: string;
}

export type EnvironmentCheck = ({ ok: true } & E2eEnvironment) | { ok: false; unsupported?: boolean; reason: string };

let checked: Promise<EnvironmentCheck> | undefined;

/**
 * Installs what is missing and returns where everything is. `ok: false, unsupported: true` means this machine cannot
 * run the tests at all (not Linux x64, or packages missing without root to install them): the tests skip, saying so.
 */
export function e2eEnvironment(): Promise<EnvironmentCheck> {
  checked ??= install();
  return checked;
}

async function install(): Promise<EnvironmentCheck> {
  const script = join(REPO, 'scripts', 'e2e-install.mjs');
  try {
    const { stdout } = await run(process.execPath, [script, '--json'], { cwd: REPO, timeoutMs: INSTALL_TIMEOUT_MS, what: 'installing the e2e environment', echoStderr: true });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as EnvironmentCheck;
  } catch (err) {
    // The installer prints its verdict even when it fails: an unsupported machine exits 2 with a reason.
    const verdict = /\{"ok":false.*\}/.exec((err as Error).message)?.[0];
    if (verdict) return JSON.parse(verdict) as EnvironmentCheck;
    return { ok: false, reason: (err as Error).message };
  }
}
