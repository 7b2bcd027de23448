// The symbol cache's file format, and the reading of it that runs in the cache thread (cacheWorker.ts): apart from
// SymbolCache.ts so that the thread loads no grammar code.
import { readFileSync } from 'node:fs';
import { FIELDS, remapRows } from './SymbolStore';

/**
 * Bump when the file layout or what extractSymbols produces changes. 4: caches written before it may hold
 * files a name query skipped (their text lacked the name) as parsed with no definitions. 5: rows of integers
 * and strings written once (SymbolStore.ts). 6: the rows in base64 (rowsText), read without parsing a number each.
 */
export const FORMAT = 6;

/**
 * One line per file after the header line `{"format", "key"}`. The rows' string ids count in the order strings
 * first appear in the file: `strings` lists the ones this line uses first.
 */
export type FileLine = [path: string, bytes: number, mtimeMs: number, language: string, rows: string, strings: string[]];

/**
 * The rows as a line holds them: their 32-bit integers in the machine's byte order (the cache key names it), in
 * base64. A monorepo's 7.5 M integers as JSON numbers took the cache thread 0.4 s more to read.
 */
export function rowsText(rows: Int32Array): string {
  return Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength).toString('base64');
}

/** The rows of rowsText, or undefined when the text cannot be rows. */
function rowsFromText(text: unknown): Int32Array | undefined {
  if (typeof text !== 'string') return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % (4 * FIELDS) !== 0) return undefined;
  const rows = new Int32Array(bytes.length / 4);
  new Uint8Array(rows.buffer).set(bytes); // a copy: the decoded bytes need not sit on a 4-byte boundary
  return rows;
}

/**
 * The cache as its thread sends it, in a few flat values: a message of a million small strings and arrays took the
 * host thread 0.3 s to take in at once (a monorepo's warm start), where strings back to back and typed arrays are
 * copied or moved whole. The rows' string ids count in `strings`.
 */
export interface ParsedCache {
  /** The cache's strings back to back, in the order they first appear; string i ends at stringEnds[i]. */
  strings: string;
  stringEnds: Int32Array;
  /** Every file's rows, back to back: file i's are rows[rowEnds[i - 1] (or 0) .. rowEnds[i]]. */
  rows: Int32Array;
  rowEnds: Int32Array;
  /** The files' paths back to back (file i's ends at pathEnds[i]), sizes, mtimes and languages (names in `languages`). */
  paths: string;
  pathEnds: Int32Array;
  bytes: Float64Array;
  mtimes: Float64Array;
  languages: string[];
  languageOf: Uint16Array;
}

/** The typed arrays of a ParsedCache, moved to the host rather than copied. */
export const transferables = (c: ParsedCache): ArrayBuffer[] =>
  [c.stringEnds, c.rows, c.rowEnds, c.pathEnds, c.bytes, c.mtimes, c.languageOf].map((a) => a.buffer as ArrayBuffer);

export const emptyCache = (): ParsedCache => packCache([], [], new Int32Array(0));

/** File i of the cache: its path, size, mtime, language and rows' span. */
export function cachedFileAt(c: ParsedCache, i: number): { path: string; bytes: number; mtimeMs: number; language: string; start: number; end: number } {
  return {
    path: c.paths.slice(i === 0 ? 0 : c.pathEnds[i - 1], c.pathEnds[i]),
    bytes: c.bytes[i]!,
    mtimeMs: c.mtimes[i]!,
    language: c.languages[c.languageOf[i]!]!,
    start: i === 0 ? 0 : c.rowEnds[i - 1]!,
    end: c.rowEnds[i]!,
  };
}

/** String i of the cache. */
export function cachedStringAt(c: ParsedCache, i: number): string {
  return c.strings.slice(i === 0 ? 0 : c.stringEnds[i - 1], c.stringEnds[i]);
}

type FileEntry = [path: string, bytes: number, mtimeMs: number, language: string, end: number];

function packCache(strings: string[], files: FileEntry[], rows: Int32Array): ParsedCache {
  const ends = (parts: string[]) => {
    const out = new Int32Array(parts.length);
    let at = 0;
    for (let i = 0; i < parts.length; i++) out[i] = at += parts[i]!.length;
    return out;
  };
  const paths = files.map((f) => f[0]);
  const languages: string[] = [];
  const languageIds = new Map<string, number>();
  const languageOf = new Uint16Array(files.length);
  files.forEach((f, i) => {
    let id = languageIds.get(f[3]);
    if (id === undefined) languageIds.set(f[3], (id = languages.push(f[3]) - 1));
    languageOf[i] = id;
  });
  return {
    strings: strings.join(''), stringEnds: ends(strings),
    rows, rowEnds: Int32Array.from(files, (f) => f[4]),
    paths: paths.join(''), pathEnds: ends(paths),
    bytes: Float64Array.from(files, (f) => f[1]), mtimes: Float64Array.from(files, (f) => f[2]),
    languages, languageOf,
  };
}

/** Reads and checks the whole cache file (in the cache thread): what is good up to the first bad line. */
export function parseSymbolCache(file: string, key: string): ParsedCache {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return emptyCache(); // missing or unreadable
  }
  const strings: string[] = [];
  const files: FileEntry[] = [];
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
    const decoded = rowsFromText(lineRows);
    if (typeof path !== 'string' || typeof language !== 'string' || !Number.isFinite(bytes) || !Number.isFinite(mtimeMs)
      || !decoded || !Array.isArray(lineStrings)) break;
    for (const s of lineStrings) strings.push(String(s));
    const checked = remapRows(decoded, (id) => (id >= 0 && id < strings.length ? id : undefined));
    if (!checked) break; // a string no line listed (edited by hand)
    while (used + checked.length > rows.length) {
      const grown = new Int32Array(rows.length * 2);
      grown.set(rows.subarray(0, used));
      rows = grown;
    }
    rows.set(checked, used);
    used += checked.length;
    files.push([path, bytes, mtimeMs, language, used]);
  }
  return packCache(strings, files, rows.slice(0, used));
}
