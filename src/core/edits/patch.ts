// A change set as one unified diff in git's format, which `git apply` (and `patch -p1` for plain edits)
// accepts: `diff --git` headers, `new file mode` / `deleted file mode` with /dev/null, `rename from` /
// `rename to` (with the renamed file's content changes as hunks), `\ No newline at end of file`, CRLF lines as
// they are. jsdiff computes the hunks and formats each file (its git mode quotes unusual paths as git does).
import { formatPatch, type StructuredPatch } from 'diff';
import type { ChangeSet } from './ChangeSet';
import { diffTexts } from './lineDiff';
import { pauseIfDue } from './TimeSlicer';
import type { FileChange } from './types';

/** Files are written as regular, non-executable files (the change set does not track modes). */
const FILE_MODE = '100644';

/** The patch of a change set (or of some of its records), files in path order. Yields between files. */
export async function toPatch(changes: ChangeSet | readonly FileChange[]): Promise<string> {
  const files = Array.isArray(changes) ? [...(changes as readonly FileChange[])].sort(byPath) : (changes as ChangeSet).files();
  const parts: string[] = [];
  for (const file of files) {
    await pauseIfDue();
    parts.push(filePatch(file));
  }
  return parts.join('');
}

/** One file's part of the patch ('' when it does not change). */
export function filePatch(file: FileChange): string {
  const renamed = file.from !== undefined && file.base !== undefined && file.text !== undefined;
  const diff = diffTexts(file.base, file.text);
  if (diff.hunks.length === 0 && !renamed && file.base !== undefined && file.text !== undefined) return '';
  const oldPath = file.from ?? file.path;
  const patch: StructuredPatch = {
    oldFileName: file.base === undefined ? '/dev/null' : `a/${oldPath}`,
    newFileName: file.text === undefined ? '/dev/null' : `b/${file.path}`,
    oldHeader: undefined,
    newHeader: undefined,
    hunks: diff.hunks,
    isGit: true,
    ...(file.base === undefined ? { isCreate: true, newMode: FILE_MODE } : {}),
    ...(file.text === undefined ? { isDelete: true, oldMode: FILE_MODE } : {}),
    ...(renamed ? { isRename: true } : {}),
  };
  return formatPatch(patch);
}

function byPath(a: FileChange, b: FileChange): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
