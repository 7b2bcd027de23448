// Applies a propose_edit's {find, replace} pairs to a file's pending text: each `find` must occur exactly once
// (overlapping occurrences count: "aa" occurs twice in "aaa"), pairs apply in order, and any failure throws
// before anything is kept, so a call changes the file completely or not at all.
import type { FindReplace } from './types';
import { lineBreakStyle, toCrlf } from './textStyle';

/** Counting stops here: the message says "N or more", and a pathological find cannot scan forever. */
const MAX_COUNTED = 1000;
const SHOWN_LINES = 5;
const EXCERPT_CHARS = 40;

/** The text after every pair, or an Error naming the first pair that does not match exactly once. */
export function applyFindReplace(path: string, text: string, pairs: unknown): string {
  const list = checkPairs(path, pairs);
  let current = text;
  list.forEach((pair, i) => {
    const name = `edit ${i + 1} of ${list.length} (find: ${excerpt(pair.find)})`;
    const style = lineBreakStyle(current);
    const crlfFind = toCrlf(pair.find);
    // CRLF file: LF-typed text means CRLF. Mixed file: as typed first, then as CRLF. See textStyle.ts.
    const candidates = style === '\r\n' ? [crlfFind ?? pair.find] : style === 'mixed' && crlfFind ? [pair.find, crlfFind] : [pair.find];
    let found: { find: string; at: Occurrences } | undefined;
    for (const find of candidates) {
      const at = occurrences(current, find);
      if (at.count > 0) { found = { find, at }; break; }
    }
    if (!found) throw new Error(`propose_edit('${path}'): ${name} matches 0 times${i > 0 ? ' (after the earlier edits of this call)' : ''}; ${missHint(current, pair.find)} Nothing was changed.`);
    if (found.at.count > 1) {
      const lines = found.at.lines.join(', ') + (found.at.count > found.at.lines.length ? ', ...' : '');
      const count = found.at.count >= MAX_COUNTED ? `${MAX_COUNTED} or more` : String(found.at.count);
      throw new Error(`propose_edit('${path}'): ${name} matches ${count} times (lines ${lines}); each find must match exactly once: include neighbouring lines to make it unique. Nothing was changed.`);
    }
    const replace = found.find !== pair.find ? (toCrlf(pair.replace) ?? pair.replace) : pair.replace;
    const at = found.at.first;
    current = current.slice(0, at) + replace + current.slice(at + found.find.length);
  });
  return current;
}

function checkPairs(path: string, pairs: unknown): FindReplace[] {
  const usage = `propose_edit('${path}', edit): edit is the whole new text, or a list of {find, replace} pairs`;
  if (!Array.isArray(pairs)) throw new Error(`${usage}; got ${pairs === null ? 'null' : typeof pairs}.`);
  if (pairs.length === 0) throw new Error(`${usage}; the list is empty.`);
  return pairs.map((pair: unknown, i) => {
    const p = pair as Partial<FindReplace> | null;
    if (typeof p !== 'object' || p === null || typeof p.find !== 'string' || typeof p.replace !== 'string') {
      throw new Error(`${usage}; edit ${i + 1} of ${pairs.length} is not {find: string, replace: string}. Nothing was changed.`);
    }
    if (p.find === '') throw new Error(`propose_edit('${path}'): edit ${i + 1} of ${pairs.length} has an empty find, which would match everywhere. Nothing was changed.`);
    return { find: p.find, replace: p.replace };
  });
}

interface Occurrences {
  count: number;
  first: number;
  /** 1-based lines of the first few occurrences. */
  lines: number[];
}

function occurrences(text: string, find: string): Occurrences {
  const result: Occurrences = { count: 0, first: -1, lines: [] };
  let line = 1;
  let counted = 0; // text before this offset has its line breaks in `line`
  for (let at = text.indexOf(find); at !== -1 && result.count < MAX_COUNTED; at = text.indexOf(find, at + 1)) {
    if (result.count === 0) result.first = at;
    if (result.lines.length < SHOWN_LINES) {
      for (let nl = text.indexOf('\n', counted); nl !== -1 && nl < at; nl = text.indexOf('\n', nl + 1)) line++;
      counted = at;
      result.lines.push(line);
    }
    result.count++;
  }
  return result;
}

/** Why a find may have missed, when a cheap check can tell. */
function missHint(text: string, find: string): string {
  const squeeze = (s: string) => s.replace(/\s+/g, ' ').trim();
  const squeezed = squeeze(find);
  if (squeezed !== '' && squeeze(text).includes(squeezed)) {
    return 'it would match if whitespace were ignored: copy the exact indentation and line breaks from read().';
  }
  if (text.toLowerCase().includes(find.toLowerCase())) return 'it would match ignoring case: check the capitalisation.';
  return 'read() the file again (earlier proposals change what read() returns) and copy the text exactly.';
}

function excerpt(find: string): string {
  return JSON.stringify(find.length > EXCERPT_CHARS ? find.slice(0, EXCERPT_CHARS) + '…' : find);
}
