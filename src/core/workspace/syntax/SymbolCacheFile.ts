// The symbol cache's file format, and the reading of it that runs in the cache thread (cacheWorker.ts): apart from
// SymbolCache.ts so that the thread loads no grammar code.
import { readFileSync } from 'node:fs';
import { FIELDS, remapRows } from './SymbolStore';

/**
 * Bump when the file layout or what extractSymbols produces changes. 4: caches written before it may hold
 * files a name query skipped (their text lacked the name) as parsed with no definitions. 5: rows of integers
 * and strings written once (SymbolStore.ts).
 */
export const FORMAT = 5;

/**
 * One line per file after the header line `{"format", "key"}`. The rows' string ids count in the order strings
 * first appear in the file: `strings` lists the ones this line uses first.
 */
export type FileLine = [path: string, bytes: number, mtimeMs: number, language: string, rows: number[], strings: string[]];

/** The cache as its thread sends it: every file's rows back to back, their string ids those of `strings`. */
export interface ParsedCache {
  /** The cache's strings, in the order they first appear (the rows' ids count in it). */
  strings: string[];
  rows: Int32Array;
  files: Array<[path: string, bytes: number, mtimeMs: number, language: string, start: number, end: number]>;
}

export const emptyCache = (): ParsedCache => ({ strings: [], rows: new Int32Array(0), files: [] });

/** Reads and checks the whole cache file (in the cache thread): what is good up to the first bad line. */
export function parseSymbolCache(file: string, key: string): ParsedCache {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return emptyCache(); // missing or unreadable
  }
  const strings: string[] = [];
  const files: ParsedCache['files'] = [];
  let rows = new Int32Array(1 << 16);
  let used = 0;
  let at = text.indexOf('\n');
  try {
    const h = JSON.parse(at === -1 ? text : text.slice(0, at)) as { format?: unknown; key?: unknown };
    if (h.format !== FORMAT || h.key !== key) return emptyCache();
  } catch {
    return emptyCache();
  }
  while (at !== -1 && at < text.length) {
    const next = text.indexOf('\n', at + 1);
    const line = text.slice(at + 1, next === -1 ? text.length : next);
    at = next;
    if (line === '') continue;
    let parsedLine: FileLine;
    try {
      parsedLine = JSON.parse(line) as FileLine;
    } catch {
      break; // a torn line
    }
    const [path, bytes, mtimeMs, language, lineRows, lineStrings] = parsedLine;
    if (typeof path !== 'string' || typeof language !== 'string' || !Number.isFinite(bytes) || !Number.isFinite(mtimeMs)
      || !Array.isArray(lineRows) || !Array.isArray(lineStrings) || lineRows.length % FIELDS !== 0) break;
    for (const s of lineStrings) strings.push(String(s));
    const checked = remapRows(Int32Array.from(lineRows), (id) => (Number.isInteger(id) && id >= 0 && id < strings.length ? id : undefined));
    if (!checked) break; // a string no line listed (edited by hand)
    while (used + checked.length > rows.length) {
      const grown = new Int32Array(rows.length * 2);
      grown.set(rows.subarray(0, used));
      rows = grown;
    }
    rows.set(checked, used);
    files.push([path, bytes, mtimeMs, language, used, used + checked.length]);
    used += checked.length;
  }
  return { strings, rows: rows.slice(0, used), files };
}
