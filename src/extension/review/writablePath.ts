// Before the editor writes a proposed file: every part of its path inside the folder must be a real folder or
// file, never a symlink, so an accepted edit cannot land outside the workspace through a link the model found
// (or made the user accept). The same rule as the CLI's writes (core/edits/confinedWrite.ts).
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';

/** Why the editor must not write `relative` under `root`; undefined when it may. */
export async function unwritableBecause(root: string, relative: string): Promise<string | undefined> {
  const parts = relative.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return `'${relative}' is not a plain path inside the folder`;
  let at = root;
  for (const [i, part] of parts.entries()) {
    at = join(at, part);
    const stats = await lstat(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw error;
    });
    if (!stats) return undefined;
    const shown = parts.slice(0, i + 1).join('/');
    if (stats.isSymbolicLink()) return `'${shown}' is a symlink: RLM never writes through one`;
    if (i < parts.length - 1 && !stats.isDirectory()) return `'${shown}' is a file, not a folder`;
  }
  return undefined;
}
