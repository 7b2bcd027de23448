// Line diffs of two texts (jsdiff's structuredPatch), their +/- counts and unified-diff text, and the
// hashes the stale-base guard compares. One diff routine serves pending_edits(), the summary and the patch.
import { createHash } from 'node:crypto';
import { formatPatch, structuredPatch, type StructuredPatch, type StructuredPatchHunk } from 'diff';

/** Lines of context around a hunk, as git uses. */
export const CONTEXT_LINES = 3;
/**
 * Myers' diff costs O((N+M)·D) for D changed lines. Past this D (a file rewritten wholesale) the diff is one
 * hunk that removes every old line and adds every new one: still a correct diff, computed in linear time.
 */
const MAX_EDIT_LENGTH = 1000;
const NO_NEWLINE = '\\ No newline at end of file';

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The lines of a text, each with its line break ('\n' or '\r\n'); the last one may have none. */
export function linesOf(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

export interface TextDiff {
  added: number;
  removed: number;
  /** jsdiff hunks: lines prefixed ' ', '-', '+' or '\' (no newline), without their '\n' (a CR stays). */
  hunks: StructuredPatchHunk[];
}

/**
 * The line diff from `oldText` to `newText`; undefined stands for a file that does not exist (empty). `context`
 * lines around each hunk (0: one hunk per block of changed lines, as a diff editor shows them).
 */
export function diffTexts(oldText: string | undefined, newText: string | undefined, context = CONTEXT_LINES): TextDiff {
  const before = oldText ?? '';
  const after = newText ?? '';
  if (before === after) return { added: 0, removed: 0, hunks: [] };
  const patch = structuredPatch('a', 'b', before, after, undefined, undefined, { context, maxEditLength: MAX_EDIT_LENGTH });
  const hunks = patch?.hunks ?? [wholeFileHunk(before, after)];
  let added = 0;
  let removed = 0;
  for (const hunk of hunks) {
    for (const line of hunk.lines) {
      if (line.charCodeAt(0) === 43) added++; // '+'
      else if (line.charCodeAt(0) === 45) removed++; // '-'
    }
  }
  return { added, removed, hunks };
}

/** A readable unified diff with `a/` and `b/` headers (`/dev/null` for a side that does not exist). */
export function unifiedDiff(oldPath: string | undefined, newPath: string | undefined, diff: TextDiff): string {
  const patch: StructuredPatch = {
    oldFileName: oldPath === undefined ? '/dev/null' : `a/${oldPath}`,
    newFileName: newPath === undefined ? '/dev/null' : `b/${newPath}`,
    oldHeader: undefined,
    newHeader: undefined,
    hunks: diff.hunks,
  };
  return formatPatch(patch, { includeIndex: false, includeUnderline: false, includeFileHeaders: true });
}

/** Every old line removed, every new line added: the diff when Myers' would cost too much. */
function wholeFileHunk(before: string, after: string): StructuredPatchHunk {
  const side = (text: string, sign: string) => {
    const lines = linesOf(text).map((line) => sign + line.replace(/\n$/, ''));
    if (text !== '' && !text.endsWith('\n')) lines.push(NO_NEWLINE);
    return lines;
  };
  const oldLines = linesOf(before).length;
  const newLines = linesOf(after).length;
  // jsdiff's convention: starts are 1 even for an empty side (formatPatch writes `-0,0`).
  return { oldStart: 1, oldLines, newStart: 1, newLines, lines: [...side(before, '-'), ...side(after, '+')] };
}
