// Writes under the workspace root that never go through a symlink: every folder on the way must be a real
// folder (created when missing), and the file itself is replaced through a temporary file in its folder
// (rename replaces the directory entry; it never follows a link there). A folder swapped for a symlink between
// the check and the write is the residual race, as for reads (see workspace/confinedRead.ts).
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Why nothing may be written at `relative` under `root`: a part of the path that is not plain ('', '.', '..'), a
 * symlink on the way or at the end, or a file where a folder should be; undefined when it may. The editor asks
 * before its WorkspaceEdit; the CLI's writes go through ensureFolders, which walks the same way.
 */
export function unwritableBecause(root: string, relative: string): Promise<string | undefined> {
  const parts = relative.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return Promise.resolve(`'${relative}' is not a plain path inside the folder`);
  return walk(root, parts, { create: false });
}

/** Makes sure every folder of a workspace-relative path's parent exists and is a real folder. */
export async function ensureFolders(root: string, relative: string): Promise<void> {
  const folders = dirname(relative).split('/').filter((p) => p !== '.' && p !== '');
  const why = await walk(root, [...folders, ''], { create: true });
  if (why) throw new Error(why);
}

/**
 * Each part of a path in turn, by lstat (never following a link): a symlink, or a file that is not the last part,
 * ends the walk with why. A missing part ends it too, unless `create` makes the folder (then checked once made).
 * A last part of '' stands for the file still to come, which is not looked at.
 */
async function walk(root: string, parts: string[], { create }: { create: boolean }): Promise<string | undefined> {
  let at = root;
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    if (last && part === '') return undefined;
    at = join(at, part);
    const shown = parts.slice(0, i + 1).join('/');
    let stats = await lstatIfAny(at);
    if (!stats) {
      if (!create || last) return undefined;
      await mkdir(at).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      stats = await lstat(at);
    }
    if (stats.isSymbolicLink()) return `'${shown}' is a symlink: RLM never writes through one`;
    if (!last && !stats.isDirectory()) return `'${shown}' is a file, not a folder`;
  }
  return undefined;
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
