// The paths a change set accepts: workspace-relative, inside the root, never into a VCS folder. The reader
// the engine passes confines reads (symlinks, ignored and credential files); this is the check that holds for
// paths that do not exist yet (a created file, a rename target), where there is nothing to read.
//
// Names are compared as the file systems the change may land on compare them: case-insensitively (macOS and
// Windows: `.GIT/config` is `.git/config`), without the trailing dots and spaces Windows drops (`.git.`),
// without the characters HFS+ ignores (`.g\u200cit`), and with Windows' short name of `.git` (`GIT~1`). Git's
// own checks (is_ntfs_dotgit, is_hfs_dotgit) refuse the same names for the same reason.
import { posix } from 'node:path';

const EXAMPLE = "use a workspace-relative path such as 'src/index.ts'";

/** Writing into these would reach the version control's own files (hooks, config): never proposed, never applied. */
const VCS_FOLDERS = new Set(['.git', '.hg', '.svn']);
/** Code points HFS+ leaves out when it compares names. */
const IGNORABLE = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/**
 * The normal form of a path written by model code: '/' separators, no './', no trailing '/'. Throws an Error
 * naming the path for absolute paths, `..` escapes, empty paths, NUL characters, backslashes and VCS folders.
 */
export function editPath(input: unknown, role = 'path'): string {
  if (typeof input !== 'string') throw new Error(`The ${role} must be a string, got ${input === null ? 'null' : typeof input}: ${EXAMPLE}`);
  const trimmed = input.trim();
  if (trimmed.includes('\0')) throw new Error(`The ${role} ${JSON.stringify(input)} contains a NUL character: ${EXAMPLE}`);
  if (/^[/\\]/.test(trimmed) || /^[A-Za-z]:/.test(trimmed)) throw new Error(`The ${role} '${input}' is absolute: ${EXAMPLE}`);
  // On Linux and macOS a backslash is a character of a name, on Windows a separator: the same path would name
  // different files, so it is refused rather than guessed.
  if (trimmed.includes('\\')) throw new Error(`The ${role} '${input}' contains a backslash, which names different files on different systems: separate folders with '/' (${EXAMPLE})`);
  const normal = posix.normalize(trimmed === '' ? '.' : trimmed).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) throw new Error(`The ${role} '${input}' is outside the workspace: ${EXAMPLE}`);
  if (normal === '.' || normal === '') throw new Error(`The ${role} '${input}' names the workspace folder, not a file: ${EXAMPLE}`);
  if (trimmed.endsWith('/')) throw new Error(`The ${role} '${input}' names a folder, not a file: ${EXAMPLE}`);
  const vcs = normal.split('/').map(vcsFolder).find((name) => name !== undefined);
  if (vcs) throw new Error(`The ${role} '${input}' is inside a ${vcs} folder (version control's own files: hooks and config run commands), which edits never touch: ${EXAMPLE}`);
  return normal;
}

/** One name as a case-insensitive file system sees it (see the top of this file). */
export function comparableName(name: string): string {
  const plain = name.replace(IGNORABLE, '').toLowerCase().replace(/[. ]+$/, '');
  // NTFS alternate data streams: `.git::$INDEX_ALLOCATION` is the folder `.git`.
  const stream = plain.indexOf(':');
  return stream > 0 ? plain.slice(0, stream).replace(/[. ]+$/, '') : plain;
}

/** A normal path (editPath's) as a case-insensitive file system sees it, for comparing with protected names. */
export function comparablePath(path: string): string {
  return path.split('/').map(comparableName).join('/');
}

function vcsFolder(name: string): string | undefined {
  const plain = comparableName(name);
  if (VCS_FOLDERS.has(plain)) return plain;
  return /^git~\d+$/.test(plain) ? '.git' : undefined;
}
