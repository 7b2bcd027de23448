// The uncommitted changes of a workspace folder, for the "Uncommitted changes" attachment: which files changed
// against HEAD (untracked ones too), by how many lines, and where. Only git's file list and hunk headers are
// kept; the changed text stays on disk for read(), behind the same confinement as any read (focus.ts).
//
// git runs asynchronously with a deadline, never through a shell, and with the repository's own configuration
// kept from running anything. A folder received as an archive or on a shared drive carries its .git/config, which
// may name an fsmonitor hook, an external diff, a textconv, a clean/process filter (run by `git status` and
// `git diff` alike on every file its .gitattributes names) or a promisor remote (a partial clone's `git diff`
// fetches missing objects from it, and its URL can name a program, `ext::sh -c …`). Listing the changes must run
// none of them (submodules, whose own config could, are not entered).
// Filter drivers are switched off by name, whichever config file defines them: the .gitattributes chooses the
// files, so even a driver from the user's own config would run on files the repository picked. A file that only
// a filter makes equal to HEAD (Git LFS) may then show as changed; one file too many is the price of running none.

import { execFile } from 'node:child_process';
import type { ChangeEntry } from '../loop/focus';

/** git gets this long per command; a bigger repository's changes are not worth a longer wait. */
const GIT_DEADLINE_MS = 5_000;
const GIT_MAX_OUTPUT = 32 * 1024 * 1024;
/** Settings that would make git run a program the repository names. */
const NO_REPOSITORY_PROGRAMS = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'diff.external=', '-c', 'core.quotepath=off'];
/**
 * The environment beats any config file: no lazy fetch of a partial clone's missing objects, and no transport if
 * one started anyway (GIT_ALLOW_PROTOCOL lists the protocols allowed, over any `protocol.*.allow`). Without the
 * missing objects the diff fails, and the changes are listed without their lines.
 */
const GIT_ENV = { GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_EXTERNAL_DIFF: '', GIT_PAGER: 'cat', GIT_NO_LAZY_FETCH: '1', GIT_ALLOW_PROTOCOL: 'none' };

/** The folder's uncommitted changes, paths relative to it; rejects with a clear message when it is no git folder. */
export async function uncommittedChanges(folder: string, signal?: AbortSignal): Promise<ChangeEntry[]> {
  const prefix = (await git(folder, ['rev-parse', '--show-prefix'], signal)).trim();
  const noFilters = filtersOff(await git(folder, ['config', '-z', '--name-only', '--list'], signal));
  const status = await git(folder, [...noFilters, 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--ignore-submodules=all', '--', '.'], signal);
  const diff = await git(folder, [...noFilters, 'diff', 'HEAD', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--ignore-submodules=all', '-U0', '--relative', '--', '.'], signal).catch(() => '');
  const stats = hunksOf(diff);
  const changes: ChangeEntry[] = [];
  for (const record of status.split('\0')) {
    if (record.length < 4) continue;
    const code = record.slice(0, 2);
    const full = record.slice(3);
    if (!full.startsWith(prefix)) continue;
    const path = full.slice(prefix.length);
    const stat = stats.get(path);
    changes.push({ path, status: statusOf(code), ...(stat ?? {}) });
  }
  return changes;
}

function statusOf(code: string): ChangeEntry['status'] {
  if (code === '??') return 'untracked';
  if (code.includes('D')) return 'deleted';
  if (code.includes('A')) return 'added';
  return 'modified';
}

/** From `git diff -U0`: per file, lines added and removed and the changed ranges of the new text. */
export function hunksOf(diff: string): Map<string, Required<Pick<ChangeEntry, 'added' | 'removed' | 'ranges'>>> {
  const files = new Map<string, Required<Pick<ChangeEntry, 'added' | 'removed' | 'ranges'>>>();
  let current: { added: number; removed: number; ranges: Array<[number, number]> } | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = undefined;
    } else if (line.startsWith('+++ ')) {
      const name = line.slice(4);
      if (name === '/dev/null') continue;
      current = { added: 0, removed: 0, ranges: [] };
      files.set(name.replace(/^b\//, ''), current);
    } else if (line.startsWith('--- ') && current === undefined) {
      // A deleted file has no '+++ b/' name: count it under its old one.
      const name = line.slice(4);
      if (name !== '/dev/null') files.set(name.replace(/^a\//, ''), (current = { added: 0, removed: 0, ranges: [] }));
    } else if (line.startsWith('@@') && current) {
      const m = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const removed = m[1] === undefined ? 1 : Number(m[1]);
      const start = Number(m[2]);
      const added = m[3] === undefined ? 1 : Number(m[3]);
      current.added += added;
      current.removed += removed;
      if (added > 0) current.ranges.push([start, start + added - 1]);
    }
  }
  return files;
}

/**
 * `-c` settings that switch off every filter driver in git's config (`-z --name-only --list`: names only, and
 * reading config runs nothing). git skips an empty filter command, and `required=false` keeps a driver that no
 * longer filters from failing the command. `-c` splits at the first '=', so a driver whose name holds one could
 * not be switched off: then nothing is run at all.
 */
function filtersOff(configNames: string): string[] {
  const drivers = new Set<string>();
  for (const name of configNames.split('\0')) {
    const lastDot = name.lastIndexOf('.');
    if (name.startsWith('filter.') && lastDot > 'filter.'.length) drivers.add(name.slice('filter.'.length, lastDot));
  }
  const args: string[] = [];
  for (const driver of drivers) {
    if (driver.includes('=')) throw new Error(`git could not list the changes: its configuration names a filter driver ("${driver}") that cannot be switched off, so git is not run`);
    for (const setting of ['clean=', 'smudge=', 'process=', 'required=false']) args.push('-c', `filter.${driver}.${setting}`);
  }
  return args;
}

function git(cwd: string, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...NO_REPOSITORY_PROGRAMS, ...args], {
      cwd, timeout: GIT_DEADLINE_MS, maxBuffer: GIT_MAX_OUTPUT, signal, windowsHide: true,
      env: { ...process.env, ...GIT_ENV },
    }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const said = String(stderr).trim().split('\n')[0] ?? '';
      reject(new Error(/not a git repository/i.test(said) ? 'This folder is not in a git repository, so it has no uncommitted changes to attach' : `git could not list the changes: ${said || err.message}`));
    });
  });
}
