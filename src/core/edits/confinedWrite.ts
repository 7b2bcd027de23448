// Writes under the workspace root that never go through a symlink: every folder on the way must be a real
// folder (created when missing), and the file itself is replaced through a temporary file in its folder
// (rename replaces the directory entry; it never follows a link there). A folder swapped for a symlink between
// the check and the write is the residual race, as for reads (see workspace/confinedRead.ts).
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Makes sure every folder of a workspace-relative path's parent exists and is a real folder. */
export async function ensureFolders(root: string, relative: string): Promise<void> {
  const parts = dirname(relative).split('/').filter((p) => p !== '.' && p !== '');
  let at = root;
  for (const part of parts) {
    at = join(at, part);
    const stats = await lstat(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!stats) {
      await mkdir(at).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      const made = await lstat(at);
      if (!made.isDirectory()) throw new Error(`'${relativeTo(root, at)}' is not a folder`);
    } else if (stats.isSymbolicLink()) {
      throw new Error(`'${relativeTo(root, at)}' is a symlink: writes never go through one`);
    } else if (!stats.isDirectory()) {
      throw new Error(`'${relativeTo(root, at)}' is a file, not a folder`);
    }
  }
}

/**
 * Writes a file's whole text. `exclusive`: the file must not exist (O_EXCL, which also refuses a symlink
 * there). Otherwise the file is replaced atomically, keeping `mode`.
 */
export async function writeConfined(root: string, relative: string, text: string, options: { exclusive: boolean; mode?: number }): Promise<void> {
  await ensureFolders(root, relative);
  const target = join(root, relative);
  if (options.exclusive) {
    await writeFile(target, text, { flag: 'wx', encoding: 'utf8' });
    return;
  }
  const temp = join(dirname(target), `.${randomBytes(6).toString('hex')}.rlm-apply.tmp`);
  await writeFile(temp, text, { flag: 'wx', encoding: 'utf8', mode: options.mode ?? 0o666 });
  try {
    if (options.mode !== undefined) await chmod(temp, options.mode); // exactly the old mode, whatever the umask
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** lstat, or undefined when nothing is there. */
export async function lstatIfAny(path: string) {
  return lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
}

function relativeTo(root: string, absolute: string): string {
  return absolute.slice(root.length + 1);
}
