// The paths a change set accepts: workspace-relative, inside the root, never into a VCS folder. The reader
// the engine passes confines reads (symlinks, ignored and credential files); this is the check that holds for
// paths that do not exist yet (a created file, a rename target), where there is nothing to read.
import { posix } from 'node:path';

const EXAMPLE = "use a workspace-relative path such as 'src/index.ts'";

/** Writing into these would reach the version control's own files (hooks, config): never proposed, never applied. */
const VCS_FOLDERS = new Set(['.git', '.hg', '.svn']);

/**
 * The normal form of a path written by model code: '/' separators, no './', no trailing '/'. Throws an Error
 * naming the path for absolute paths, `..` escapes, empty paths, NUL characters and VCS folders.
 */
export function editPath(input: unknown, role = 'path'): string {
  if (typeof input !== 'string') throw new Error(`The ${role} must be a string, got ${input === null ? 'null' : typeof input}: ${EXAMPLE}`);
  const slashed = input.trim().replace(/\\/g, '/');
  if (slashed.includes('\0')) throw new Error(`The ${role} ${JSON.stringify(input)} contains a NUL character: ${EXAMPLE}`);
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) throw new Error(`The ${role} '${input}' is absolute: ${EXAMPLE}`);
  const normal = posix.normalize(slashed === '' ? '.' : slashed).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) throw new Error(`The ${role} '${input}' is outside the workspace: ${EXAMPLE}`);
  if (normal === '.' || normal === '') throw new Error(`The ${role} '${input}' names the workspace folder, not a file: ${EXAMPLE}`);
  if (input.trim().endsWith('/') || input.trim().endsWith('\\')) throw new Error(`The ${role} '${input}' names a folder, not a file: ${EXAMPLE}`);
  const vcs = normal.split('/').find((part) => VCS_FOLDERS.has(part));
  if (vcs) throw new Error(`The ${role} '${input}' is inside a ${vcs} folder, which edits never touch: ${EXAMPLE}`);
  return normal;
}
