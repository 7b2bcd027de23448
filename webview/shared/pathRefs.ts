// `path:line` and `path:line-line` references in model text, which the UI turns into links that open the
// file there. A reference needs a file extension or a folder in its path, so "turn 2:3" or "12:30" are left
// alone; one inside a URL is not taken (nothing path-like may come right before it).

export interface PathRef {
  path: string;
  line: number;
  endLine?: number;
}

export interface RefMatch extends PathRef {
  index: number;
  text: string;
}

// path = ([./]*)(segment/)*segment.ext | (segment/)+segment ; then :line, optional -line or :column.
const SEGMENT = '[\\w@+-][\\w.@+-]*';
const REF = new RegExp(
  `(?<![\\w./:@+-])((?:\\.{1,2}/)?(?:${SEGMENT}/)*${SEGMENT}\\.[A-Za-z0-9]{1,12}|(?:\\.{1,2}/)?(?:${SEGMENT}/)+${SEGMENT}):(\\d{1,7})(?:[-\u2013](\\d{1,7})|:\\d{1,5})?(?![\\w/])`,
  'g',
);

export function findPathRefs(text: string): RefMatch[] {
  const found: RefMatch[] = [];
  for (const m of text.matchAll(REF)) {
    const line = Number(m[2]);
    if (line < 1) continue;
    const end = m[3] === undefined ? undefined : Number(m[3]);
    found.push({ index: m.index!, text: m[0], path: m[1]!, line, ...(end !== undefined && end >= line ? { endLine: end } : {}) });
  }
  return found;
}

/** The reference when `text` is exactly one (inline code such as `src/a.ts:3`). */
export function wholePathRef(text: string): PathRef | undefined {
  const trimmed = text.trim();
  const [only] = findPathRefs(trimmed);
  return only && only.index === 0 && only.text.length === trimmed.length ? only : undefined;
}
