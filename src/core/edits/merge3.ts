// Three-way merge of texts, line by line: node-diff3 decides what merges and what conflicts. Lines keep their
// own line breaks, so CRLF files and a missing final newline come through as they are.
//
// node-diff3's LCS is quadratic (a 10,000-line file takes 2 s, 30,000 lines minutes), so it only ever sees the
// stretches where both sides changed something: jsdiff's Myers diff (fast when few lines change) aligns each
// side with the base, and a base line that both sides keep is a sync point. Splitting there changes nothing
// about the result, since node-diff3 itself treats hunks separated by a stable line independently.
import { diffArrays } from 'diff';
import { diff3Merge } from 'node-diff3';
import { linesOf } from './lineDiff';

/** Past this many changed lines on one side, the side counts as rewritten wholesale (no sync points). */
const MAX_EDIT_LENGTH = 1000;
/** A stretch changed on both sides with more lines than this is one conflict, not aligned line by line. */
const MAX_CHUNK_LINES = 3000;

/** A stretch of one version: its 1-based first line (for an empty stretch, the line it sits before), line count, text. */
export interface LineRange {
  start: number;
  lines: number;
  text: string;
}

/** Lines both sides changed differently. `merged` is where the kept side (ours) sits in the merge's text. */
export interface ConflictHunk {
  base: LineRange;
  ours: LineRange;
  theirs: LineRange;
  merged: LineRange;
}

export type MergeResult =
  | { clean: true; text: string }
  /**
   * `text` keeps ours in every conflicting stretch and merges the rest; `marked` shows each conflict between
   * diff3-style markers (`<<<<<<< ours`, `||||||| base`, `=======`, `>>>>>>> theirs`), as git does.
   */
  | { clean: false; text: string; marked: string; conflicts: ConflictHunk[] };

/** Merges the changes from `base` to `ours` and from `base` to `theirs`. */
export function merge3(base: string, ours: string, theirs: string): MergeResult {
  if (ours === theirs || theirs === base) return { clean: true, text: ours };
  if (ours === base) return { clean: true, text: theirs };
  const o = linesOf(base);
  const a = linesOf(ours);
  const b = linesOf(theirs);
  const aOf = alignment(o, a);
  const bOf = alignment(o, b);
  const out: string[] = [];
  const marked: string[] = [];
  const conflicts: ConflictHunk[] = [];
  let o0 = 0;
  let a0 = 0;
  let b0 = 0;
  const settle = (o1: number, a1: number, b1: number) => {
    mergeChunk(o, a, b, [o0, o1], [a0, a1], [b0, b1], { out, marked, conflicts });
  };
  for (let i = 0; i < o.length; i++) {
    if (aOf[i] < 0 || bOf[i] < 0) continue;
    settle(i, aOf[i], bOf[i]);
    out.push(o[i]);
    marked.push(o[i]);
    o0 = i + 1;
    a0 = aOf[i] + 1;
    b0 = bOf[i] + 1;
  }
  settle(o.length, a.length, b.length);
  const text = out.join('');
  return conflicts.length === 0 ? { clean: true, text } : { clean: false, text, marked: marked.join(''), conflicts };
}

/** For each base line, its index in `side` when the side keeps it, else -1. */
function alignment(base: string[], side: string[]): Int32Array {
  const map = new Int32Array(base.length).fill(-1);
  const changes = diffArrays(base, side, { maxEditLength: MAX_EDIT_LENGTH });
  if (!changes) return map; // rewritten wholesale: nothing kept
  let i = 0;
  let j = 0;
  for (const change of changes) {
    const n = change.count ?? change.value.length;
    if (change.added) j += n;
    else if (change.removed) i += n;
    else for (let k = 0; k < n; k++) map[i++] = j++;
  }
  return map;
}

/** Merges one stretch between sync points into `out`, recording conflicts. */
function mergeChunk(
  o: string[], a: string[], b: string[],
  [o0, o1]: [number, number], [a0, a1]: [number, number], [b0, b1]: [number, number],
  into: { out: string[]; marked: string[]; conflicts: ConflictHunk[] },
): void {
  if (o0 === o1 && a0 === a1 && b0 === b1) return;
  const { out, marked, conflicts } = into;
  const ok = (lines: string[]) => {
    out.push(...lines);
    marked.push(...lines);
  };
  const oc = o.slice(o0, o1);
  const ac = a.slice(a0, a1);
  const bc = b.slice(b0, b1);
  if (same(ac, oc)) { ok(bc); return; }
  if (same(bc, oc) || same(ac, bc)) { ok(ac); return; }
  const conflict = (oi: number, ol: string[], ai: number, al: string[], bi: number, bl: string[]) => {
    conflicts.push({ base: range(o0 + oi, ol), ours: range(a0 + ai, al), theirs: range(b0 + bi, bl), merged: range(out.length, al) });
    out.push(...al);
    const eol = lineBreakOf([...al, ...ol, ...bl]);
    const side = (lines: string[]) => lines.map((l, i) => (i === lines.length - 1 && !l.endsWith('\n') ? l + eol : l));
    marked.push(`<<<<<<< ours${eol}`, ...side(al), `||||||| base${eol}`, ...side(ol), `=======${eol}`, ...side(bl), `>>>>>>> theirs${eol}`);
  };
  if (oc.length + ac.length + bc.length > MAX_CHUNK_LINES) {
    conflict(0, oc, 0, ac, 0, bc);
    return;
  }
  for (const region of diff3Merge(ac, oc, bc, { excludeFalseConflicts: true })) {
    if (region.ok) ok(region.ok);
    else if (region.conflict) {
      const c = region.conflict;
      conflict(c.oIndex, c.o, c.aIndex, c.a, c.bIndex, c.b);
    }
  }
}

function range(index: number, lines: string[]): LineRange {
  return { start: index + 1, lines: lines.length, text: lines.join('') };
}

/** The line break the conflict's lines use, for the markers (a line without one gets it, so markers stay on their own lines). */
function lineBreakOf(lines: string[]): string {
  return lines.some((l) => l.endsWith('\r\n')) ? '\r\n' : '\n';
}

function same(x: string[], y: string[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
