// The symbol index on disk: one JSON Lines file per workspace root, entries keyed by path + size + mtime +
// language (a `.h` header turns C++ when the workspace does), the whole file invalidated when the grammars or
// tags queries change (their hash is the cache's `key`). Definitions are stored as the index keeps them
// (SymbolStore.ts): rows of integers, each string written once, on the line of the first file that uses it.
// Streamed both ways and read a chunk at a time between turns of the event loop: the host thread (the editor's
// extension host) never parses a whole cache at once, nor holds its whole text.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pauseIfDue } from '../../edits/TimeSlicer';
import { GRAMMAR_LANGUAGES } from './Grammars';
import type { SyntaxAssets } from './SyntaxAssets';
import { remapRows, type StringTable, type SymbolRows } from './SymbolStore';
import { buildTagsQuery } from './tagsQuery';

/**
 * Bump when the file layout or what extractSymbols produces changes. 4: caches written before it may hold
 * files a name query skipped (their text lacked the name) as parsed with no definitions. 5: rows of integers
 * and strings written once (SymbolStore.ts).
 */
const FORMAT = 5;

export interface CachedFile {
  bytes: number;
  mtimeMs: number;
  /** The grammar the symbols came from. */
  language: string;
  /** Ids in the index's StringTable. */
  rows: SymbolRows;
}

/**
 * One line per file after the header line `{"format", "key"}`. The rows' string ids count in the order strings
 * first appear in the file: `strings` lists the ones this line uses first.
 */
type FileLine = [path: string, bytes: number, mtimeMs: number, language: string, rows: number[], strings: string[]];

/** What the cached symbols depend on: the queries we run and the grammar versions (listed in the README). */
export function symbolCacheKey(assets: SyntaxAssets): string {
  const hash = createHash('sha1').update(`format ${FORMAT}\n`);
  const readme = join(assets.grammarsDir, 'README.md');
  if (existsSync(readme)) hash.update(readFileSync(readme));
  for (const id of GRAMMAR_LANGUAGES) {
    const tags = join(assets.grammarsDir, `${id}.tags.scm`);
    if (existsSync(tags)) hash.update(buildTagsQuery(id, readFileSync(tags, 'utf8')));
  }
  return hash.digest('hex');
}

export function cacheFilePath(cacheDir: string, root: string): string {
  return join(cacheDir, `symbols-${createHash('sha1').update(root).digest('hex').slice(0, 16)}.jsonl`);
}

/**
 * Reads the cache into `table`'s ids; a missing or outdated file is simply an empty cache, and a torn or edited
 * line ends the read there (later lines count their strings from it): the files after it are parsed again.
 * The signal stops it between chunks (it then throws the signal's reason).
 */
export async function readSymbolCache(file: string, key: string, table: StringTable, signal?: AbortSignal): Promise<Map<string, CachedFile>> {
  const out = new Map<string, CachedFile>();
  /** The cache's string ids (in order of first use) as ids of `table`. */
  const ids: number[] = [];
  const languages = new Map<string, string>();
  let header = true;
  let rest = '';
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  /** False once the rest of the file is not worth reading (outdated, or a broken line). */
  const take = (line: string): boolean => {
    if (line === '') return true;
    try {
      if (header) {
        header = false;
        const h = JSON.parse(line) as { format?: unknown; key?: unknown };
        return h.format === FORMAT && h.key === key;
      }
      const [path, bytes, mtimeMs, language, rows, strings] = JSON.parse(line) as FileLine;
      if (typeof path !== 'string' || !Array.isArray(rows) || !Array.isArray(strings)) return false;
      for (const s of strings) ids.push(table.intern(String(s)));
      const mapped = remapRows(Int32Array.from(rows), (id) => ids[id]);
      if (!mapped) return false;
      let lang = languages.get(language);
      if (lang === undefined) languages.set(language, (lang = language));
      out.set(path, { bytes, mtimeMs, language: lang, rows: mapped });
      return true;
    } catch {
      return false;
    }
  };
  try {
    let whole = true;
    for await (const chunk of stream as AsyncIterable<string>) {
      signal?.throwIfAborted();
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      whole = lines.every(take);
      if (!whole) break;
      await pauseIfDue();
    }
    if (whole && !header) take(rest); // a last line without its newline
  } catch {
    // missing or unreadable: what was read is still good
  } finally {
    stream.destroy();
  }
  signal?.throwIfAborted();
  return out;
}

/**
 * Writes atomically (temp file + rename) so a crash never leaves half a cache; yields between slices. `table`
 * holds the rows' strings; only the strings the written files use are written, each once.
 */
export async function writeSymbolCache(file: string, key: string, table: StringTable, entries: Iterable<[string, CachedFile]>): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const stream = createWriteStream(tmp);
  const written = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  try {
    stream.write(JSON.stringify({ format: FORMAT, key }) + '\n');
    /** The table's ids as the file's (-1: not written yet). */
    const fileIds = new Int32Array(table.size).fill(-1);
    let next = 0;
    let chunk = '';
    for (const [path, e] of entries) {
      const strings: string[] = [];
      const rows = Array.from(remapRows(e.rows, (id) => {
        if (fileIds[id] === -1) {
          fileIds[id] = next++;
          strings.push(table.at(id));
        }
        return fileIds[id];
      })!);
      chunk += JSON.stringify([path, e.bytes, e.mtimeMs, e.language, rows, strings] satisfies FileLine) + '\n';
      const pause = pauseIfDue();
      if (pause) {
        if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
        chunk = '';
        await pause;
      }
    }
    stream.end(chunk);
    await written;
    await rename(tmp, file);
  } catch (error) {
    stream.destroy();
    await rm(tmp, { force: true });
    throw error;
  }
}
