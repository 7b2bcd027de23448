// A table's rows as they travel to a query worker: one string holding every key (a path, or the string itself) and
// typed arrays for the rest. Structured cloning copies those whole, where 96,000 row objects were cloned one field at
// a time on the host thread (100-130 ms on a monorepo, the first time a worker needed the file list).

import type { FileRow } from './protocol';

export interface PackedRows {
  /** Every row's key, one after another. */
  keys: string;
  /** Where each row's key ends in `keys`. */
  ends: Uint32Array;
  /** For rows of files: the rest of each FileRow (absent for a table of strings). */
  files?: {
    /** The languages named, each once; `language` holds an index into it per row. */
    languages: string[];
    language: Uint16Array;
    bytes: Float64Array;
    mtimeMs: Float64Array;
    /** The rows that are symbolic links, and their targets. */
    targets: Array<[row: number, target: string]>;
  };
}

/** Packs strings, or files (any object with a FileRow's fields: only those are sent). */
export function packRows(rows: readonly string[] | readonly FileRow[]): PackedRows {
  const ends = new Uint32Array(rows.length);
  if (rows.length === 0 || typeof rows[0] === 'string') {
    const strings = rows as readonly string[];
    let end = 0;
    for (let i = 0; i < strings.length; i++) ends[i] = end += strings[i]!.length;
    return { keys: strings.join(''), ends };
  }
  const files = rows as readonly FileRow[];
  const languages: string[] = [];
  const languageIds = new Map<string, number>();
  const language = new Uint16Array(files.length);
  const bytes = new Float64Array(files.length);
  const mtimeMs = new Float64Array(files.length);
  const targets: Array<[number, string]> = [];
  const paths = new Array<string>(files.length);
  let end = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    paths[i] = file.path;
    ends[i] = end += file.path.length;
    let id = languageIds.get(file.language);
    if (id === undefined) {
      id = languages.push(file.language) - 1;
      languageIds.set(file.language, id);
    }
    language[i] = id;
    bytes[i] = file.bytes;
    mtimeMs[i] = file.mtimeMs;
    if (file.target !== undefined) targets.push([i, file.target]);
  }
  return { keys: paths.join(''), ends, files: { languages, language, bytes, mtimeMs, targets } };
}

/** The rows packRows packed: strings, or FileRows. */
export function unpackRows(packed: PackedRows): unknown[] {
  const { keys, ends, files } = packed;
  const rows = new Array<unknown>(ends.length);
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const key = keys.slice(start, ends[i]);
    start = ends[i]!;
    rows[i] = files ? { path: key, language: files.languages[files.language[i]!]!, bytes: files.bytes[i]!, mtimeMs: files.mtimeMs[i]! } satisfies FileRow : key;
  }
  for (const [row, target] of files?.targets ?? []) (rows[row] as FileRow).target = target;
  return rows;
}
