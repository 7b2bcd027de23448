// A workspace folder opened the way the CLI does it (its excludes and included folders, the credential files let
// through, the symbol cache), and closed without holding the exit for long.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CodeWorkspace, defaultCacheDir } from '../core/workspace/CodeWorkspace';
import { DEFAULT_EXCLUDES } from '../core/workspace/IgnoreRules';
import { allowCredentialFiles } from '../core/workspace/credentialFiles';
import { IncludeRules } from '../core/workspace/IncludeRules';
import { UsageError, type WorkspaceFlags } from './args';

/** After the answer is printed, the symbol cache gets this long to be saved before the CLI exits. */
const CACHE_SAVE_GRACE_MS = 1500;

export interface OpenOptions {
  /** Ctrl-C: stops the first indexing (the open then fails with IndexingStopped, or the workspace closes itself). */
  signal?: AbortSignal;
  /** Return while the file list is still being built (`rlm ask`: the model starts meanwhile); else once it is whole. */
  whileListing?: boolean;
  /** Keep no symbol cache (a scratch copy that is removed after one job). */
  noSymbolCache?: boolean;
}

export async function openWorkspace(folder: string, flags: WorkspaceFlags, env: NodeJS.ProcessEnv, how: OpenOptions = {}): Promise<CodeWorkspace> {
  const dir = resolve(folder);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`Workspace folder not found: ${folder}`);
  }
  if (!isDir) throw new UsageError(`--workspace must be a folder, but ${folder} is a file (use --context-file for a text file)`);
  // Symbols are parsed in the background while the model starts; the cache makes the next run instant.
  try {
    new IncludeRules(flags.include); // a glob it cannot use is a usage error, said before anything starts
  } catch (error) {
    throw new UsageError(`--${(error as Error).message}`);
  }
  const options = {
    exclude: [...DEFAULT_EXCLUDES, ...flags.exclude],
    include: flags.include,
    credentialFiles: allowCredentialFiles(flags.allowCredentialFiles),
    cacheDir: how.noSymbolCache ? (false as const) : defaultCacheDir(env),
    signal: how.signal,
  };
  return how.whileListing ? CodeWorkspace.start(dir, options) : CodeWorkspace.openAsync(dir, options);
}

/** Saves what the symbol index learned for the next run, but never holds the exit for long. */
export async function closeWorkspace(workspace: CodeWorkspace): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((done) => { timer = setTimeout(done, CACHE_SAVE_GRACE_MS); });
  try {
    await Promise.race([workspace.close().catch(() => undefined), grace]);
  } finally {
    clearTimeout(timer);
    workspace.dispose();
  }
}
