// Where git keeps the ignore rules of the repository that holds a folder: its `.gitignore` files from the
// working tree's top down to the folder, `info/exclude` in the (common) git dir, and `core.excludesFile`.
// Found by reading files, never by running `git` (a synchronous child process would block the extension
// host). Left out, as documented in docs/architecture.md: config `include`/`includeIf`, the system config,
// GIT_DIR / GIT_CONFIG_* environment variables, and `~user/` paths.

import { closeSync, constants, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';

/** Rule and config files larger than this are not read (real ones are a few KB). */
const MAX_RULE_FILE_BYTES = 4 * 1024 * 1024;

/** Where git looks for the user's own settings; injectable so tests never read the real home folder. */
export interface GitUserPaths {
  /** The home folder (git's $HOME): ~/.gitconfig, `~/` paths, ~/.config/git/... */
  home: string;
  /** $XDG_CONFIG_HOME when set (git then reads $XDG_CONFIG_HOME/git/config and .../git/ignore). */
  xdgConfigHome?: string;
}

export function defaultGitUserPaths(env: NodeJS.ProcessEnv = process.env): GitUserPaths {
  return { home: env.HOME || homedir(), xdgConfigHome: env.XDG_CONFIG_HOME || undefined };
}

export interface GitRepository {
  /** The working tree's top folder (an absolute path). */
  worktree: string;
  /** The git dir of this working tree: `<worktree>/.git`, or where a `.git` file's `gitdir:` points. */
  gitDir: string;
  /** Where the shared files live (`info/exclude`, `config`): the git dir, or its `commondir` in linked worktrees. */
  commonDir: string;
}

/** The repository whose working tree holds `folder` (nearest `.git` upwards), if any. */
export function findGitRepository(folder: string): GitRepository | undefined {
  for (let dir = path.resolve(folder); ; ) {
    const repository = repositoryAt(dir);
    if (repository !== null) return repository;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The repository whose working tree's top is `folder`, undefined when `folder/.git` is unusable (git
 * stops there with an error, so do we), null when there is no `.git` at all.
 */
export function repositoryAt(folder: string): GitRepository | undefined | null {
  const dotGit = path.join(folder, '.git');
  const stat = statSync(dotGit, { throwIfNoEntry: false });
  if (!stat) return null;
  let gitDir = dotGit;
  if (stat.isFile()) {
    // Worktrees and submodules: a one-line file "gitdir: <path>", relative to the folder holding it.
    const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readText(dotGit) ?? '');
    if (!pointer) return undefined;
    gitDir = path.resolve(folder, pointer[1]!);
  } else if (!stat.isDirectory()) {
    return undefined;
  }
  const commonDir = readText(path.join(gitDir, 'commondir'))?.trim();
  return { worktree: folder, gitDir, commonDir: commonDir ? path.resolve(gitDir, commonDir) : gitDir };
}

/**
 * The file `core.excludesFile` names (repository config over ~/.gitconfig over $XDG_CONFIG_HOME/git/config),
 * or git's default $XDG_CONFIG_HOME/git/ignore (~/.config/git/ignore) when no config sets it; undefined when
 * it is set to an empty value.
 */
export function globalExcludesFile(repository: GitRepository, user: GitUserPaths): string | undefined {
  const xdgConfig = user.xdgConfigHome || path.join(user.home, '.config');
  let value: string | undefined;
  for (const config of [path.join(xdgConfig, 'git', 'config'), path.join(user.home, '.gitconfig'), path.join(repository.commonDir, 'config')]) {
    const text = readText(config);
    const found = text === undefined ? undefined : coreExcludesFile(text);
    if (found !== undefined) value = found; // later files override earlier ones
  }
  if (value === undefined) return path.join(xdgConfig, 'git', 'ignore');
  if (value === '') return undefined;
  if (value === '~' || value.startsWith('~/')) return path.join(user.home, value.slice(1));
  // Git resolves a relative path from the working tree's top, where it runs its commands.
  return path.resolve(repository.worktree, value);
}

/** The last `excludesFile` value of the [core] section in git config text (raw, unexpanded). */
export function coreExcludesFile(config: string): string | undefined {
  let inCore = false;
  let value: string | undefined;
  for (let line of config.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]*)\]/.exec(line);
    if (header) {
      // `[core]` only: `[core "x"]` is a subsection (and section names ignore case).
      inCore = header[1]!.trim().toLowerCase() === 'core';
      line = line.slice(header[0].length); // a variable may follow the header on the same line
    }
    if (!inCore) continue;
    const entry = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=(.*))?$/.exec(line);
    if (entry && entry[1]!.toLowerCase() === 'excludesfile' && entry[2] !== undefined) value = configValue(entry[2]);
  }
  return value;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', b: '\b' };

/** A config value: quotes removed, escapes applied, an unquoted '#' or ';' starts a comment. */
function configValue(raw: string): string {
  let out = '';
  let quoted = false;
  let pendingSpace = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '"') {
      quoted = !quoted;
    } else if (c === '\\' && i + 1 < raw.length) {
      const next = raw[++i]!;
      out += pendingSpace + (ESCAPES[next] ?? next);
      pendingSpace = '';
      continue;
    } else if (!quoted && (c === '#' || c === ';')) {
      break;
    } else if (!quoted && (c === ' ' || c === '\t')) {
      if (out !== '') pendingSpace += c; // inner spaces stay, leading and trailing ones go
      continue;
    } else {
      out += pendingSpace + c;
    }
    pendingSpace = '';
  }
  return out;
}

/**
 * A small rule or config file's text, or undefined. Only regular files are read: a `.gitignore` that is a
 * FIFO, or an excludesFile of /dev/zero, would otherwise block or exhaust the thread that reads it.
 */
export function readText(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_RULE_FILE_BYTES) return undefined;
    return readFileSync(fd, 'utf8');
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
