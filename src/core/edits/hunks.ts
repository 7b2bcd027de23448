// A file's change taken hunk by hunk, for a reviewer who accepts some and rejects others: the blocks of changed
// lines between two texts (no context lines, so each block is one change as a diff editor shows it), the text
// with only the chosen blocks applied, and each block as a replacement of whole lines, which an editor applies
// to the open document. jsdiff computes the blocks (structuredPatch, through diffTexts) and applies them
// (applyPatch); lines keep their own line breaks, so CRLF files and a missing final newline come through.
import { applyPatch, type StructuredPatchHunk } from 'diff';
import { diffTexts, linesOf, sha256 } from './lineDiff';

export interface ChangeHunk {
  /**
   * Names the change while it stays the same change: a hash of its lines, and which occurrence of those lines it
   * is. A hunk keeps its key when the text around it moves (the user typed elsewhere), so a decision sticks to it.
   */
  key: string;
  /** 1-based first line of the old text it replaces (for an empty range: the line it goes before), and how many. */
  oldStart: number;
  oldLines: number;
  /** The same in the new text. */
  newStart: number;
  newLines: number;
  added: number;
  removed: number;
  /** jsdiff's lines: '-' removed, '+' added, '\' no newline at the end of the file (without their '\n'). */
  lines: string[];
}

/** Whole lines of the old text, [startLine, endLine) counted from 0, replaced by `text` (whole lines of the new text). */
export interface LineReplacement {
  startLine: number;
  endLine: number;
  text: string;
}

/** The blocks of changed lines from `oldText` to `newText` (undefined: the file does not exist), in order. */
export function changeHunks(oldText: string | undefined, newText: string | undefined): ChangeHunk[] {
  const seen = new Map<string, number>();
  return diffTexts(oldText, newText, 0).hunks.map((hunk) => {
    const digest = sha256(hunk.lines.join('\n')).slice(0, 16);
    const nth = seen.get(digest) ?? 0;
    seen.set(digest, nth + 1);
    let added = 0;
    let removed = 0;
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added++;
      else if (line.startsWith('-')) removed++;
    }
    return { key: `${digest}.${nth}`, oldStart: hunk.oldStart, oldLines: hunk.oldLines, newStart: hunk.newStart, newLines: hunk.newLines, added, removed, lines: hunk.lines };
  });
}

/**
 * `oldText` with only the hunks `accept` picks applied (the hunks of changeHunks(oldText, newText)). All of them
 * give `newText`, none `oldText`.
 */
export function applyHunks(oldText: string | undefined, newText: string | undefined, accept: (hunk: ChangeHunk) => boolean): string {
  const hunks = changeHunks(oldText, newText);
  const chosen = hunks.filter(accept);
  const before = oldText ?? '';
  if (chosen.length === hunks.length) return newText ?? '';
  if (chosen.length === 0) return before;
  const patched = applyPatch(before, { oldFileName: 'a', newFileName: 'b', oldHeader: undefined, newHeader: undefined, hunks: chosen.map(toPatchHunk) }, {
    // The hunks come from this very text: they fit exactly where they say, line breaks and all.
    fuzzFactor: 0,
    autoConvertLineEndings: false,
  });
  if (patched === false) throw new Error('The chosen hunks do not apply to the text they were computed from');
  return patched;
}

/** Each hunk as whole lines of `oldText` replaced by whole lines of `newText`, in order; they do not overlap. */
export function lineReplacements(oldText: string | undefined, newText: string | undefined, hunks: readonly ChangeHunk[] = changeHunks(oldText, newText)): LineReplacement[] {
  const newLines = linesOf(newText ?? '');
  return hunks.map((h) => ({
    startLine: h.oldStart - 1,
    endLine: h.oldStart - 1 + h.oldLines,
    text: newLines.slice(h.newStart - 1, h.newStart - 1 + h.newLines).join(''),
  }));
}

function toPatchHunk(h: ChangeHunk): StructuredPatchHunk {
  return { oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, lines: h.lines };
}
