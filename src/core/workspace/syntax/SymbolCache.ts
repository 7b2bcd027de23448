// The symbol index on disk: one JSON Lines file per workspace root, entries keyed by path + size + mtime +
// language (a `.h` header turns C++ when the workspace does), the whole file invalidated when the grammars or
// tags queries change (their hash is the cache's `key`). Definitions are stored as the index keeps them
// (SymbolStore.ts): rows of integers, each string written once, on the line of the first file that uses it
// (the format: SymbolCacheFile.ts). Read in a thread of its own and written in slices between turns of the event
// loop: the host thread (the editor's extension host) never parses the cache, nor holds its whole text.
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { pauseIfDue } from '../../edits/TimeSlicer';
import { launchWorker, workerEntry } from '../../workers/launchWorker';
import { GRAMMAR_LANGUAGES } from './Grammars';
import { cachedFileAt, cachedStringAt, emptyCache, FORMAT, parseSymbolCache, rowsText, type FileLine, type ParsedCache } from './SymbolCacheFile';
import type { SyntaxAssets } from './SyntaxAssets';
import { remapRows, type StringTable, type SymbolRows } from './SymbolStore';
import { buildTagsQuery } from './tagsQuery';

export interface CachedFile {
  bytes: number;
  mtimeMs: number;
  /** The grammar the symbols came from. */
  language: string;
  /** Ids in the index's StringTable. */
  rows: SymbolRows;
}


/** What the cached symbols depend on: the queries we run and the grammar versions (listed in the README). */
export function symbolCacheKey(assets: SyntaxAssets): string {
  const hash = createHash('sha1').update(`format ${FORMAT} ${endianness()}\n`);
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
 * The file is read and parsed in a thread of its own (cacheWorker.ts): on a monorepo (1.5 M definitions, 40 MB)
 * that held the host thread for 1.6 s; the host only interns the strings and cuts the rows, between turns of the
 * event loop. The signal stops it (it then throws the signal's reason).
 */
export async function readSymbolCache(file: string, key: string, table: StringTable, signal?: AbortSignal): Promise<Map<string, CachedFile>> {
  const parsed = await parseInThread(file, key, signal);
  const out = new Map<string, CachedFile>();
  const count = parsed.stringEnds.length;
  const ids = new Int32Array(count);
  // Into an empty table (a session's first load) the strings, each listed once, keep their ids: the rows are then
  // used as they are, without a copy (on a monorepo, 7.5 M ids remapped on the host).
  let same = true;
  for (let i = 0; i < count; i++) {
    ids[i] = table.intern(cachedStringAt(parsed, i));
    same &&= ids[i] === i;
    if (i % 1024 === 0) await pauseOrStop(signal);
  }
  const toTable = (id: number) => ids[id]; // every id was checked in the thread
  for (let i = 0; i < parsed.pathEnds.length; i++) {
    const { path, bytes, mtimeMs, language, start, end } = cachedFileAt(parsed, i);
    const rows = parsed.rows.subarray(start, end);
    out.set(path, { bytes, mtimeMs, language, rows: same ? rows : remapRows(rows, toTable)! });
    if (out.size % 1024 === 0) await pauseOrStop(signal);
  }
  signal?.throwIfAborted();
  return out;
}

async function pauseOrStop(signal: AbortSignal | undefined): Promise<void> {
  await pauseIfDue();
  signal?.throwIfAborted();
}

/** The cache thread's bundle (esbuild.mjs). */
export const BUNDLED_CACHE_WORKER = 'cache-worker.js';

/** parseSymbolCache in its own thread (on this one when the thread cannot start: a build without cache-worker.js). */
function parseInThread(file: string, key: string, signal?: AbortSignal): Promise<ParsedCache> {
  signal?.throwIfAborted();
  let worker: Worker;
  try {
    worker = launchWorker(workerEntry(BUNDLED_CACHE_WORKER, join(__dirname, 'cacheWorker.ts')), { workerData: { file, key } });
  } catch {
    return Promise.resolve(parseSymbolCache(file, key));
  }
  return new Promise((resolve, reject) => {
    const finish = (outcome: ParsedCache | Error) => {
      signal?.removeEventListener('abort', onAbort);
      worker.removeAllListeners();
      worker.on('error', () => undefined);
      void worker.terminate();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = () => finish(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (parsed: ParsedCache) => finish(parsed));
    // A thread that failed is a cache that could not be read: parsed again, nothing lost.
    worker.once('error', () => finish(emptyCache()));
    worker.once('exit', () => finish(emptyCache()));
  });
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
      const rows = rowsText(remapRows(e.rows, (id) => {
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
