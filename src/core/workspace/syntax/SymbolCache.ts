// The symbol index on disk: one JSON Lines file per workspace root, entries keyed by path + size + mtime +
// language (a `.h` header turns C++ when the workspace does), the whole file invalidated when the grammars or
// tags queries change (their hash is the cache's `key`).
// Read and written a slice at a time: a 20 MB cache parsed in one JSON.parse would hold the host thread
// (the editor's extension host) for a few hundred milliseconds.
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GRAMMAR_LANGUAGES } from './Grammars';
import type { SyntaxAssets } from './SyntaxAssets';
import { buildTagsQuery } from './tagsQuery';
import type { FileSymbol } from './types';

/**
 * Bump when the file layout or what extractSymbols produces changes. 4: caches written before it may hold
 * files a name query skipped (their text lacked the name) as parsed with no definitions.
 */
const FORMAT = 4;
/** Work this long, then yield to the event loop. */
const SLICE_MS = 8;

export interface CachedFile {
  bytes: number;
  mtimeMs: number;
  /** The grammar the symbols came from. */
  language: string;
  symbols: FileSymbol[];
}

/** [name, kind, line, endLine, container?]: tuples keep the file small and quick to parse. */
type SymbolTuple = [string, string, number, number] | [string, string, number, number, string];
/** One line per file after the header line `{"format", "key"}`. */
type FileTuple = [path: string, bytes: number, mtimeMs: number, language: string, symbols: SymbolTuple[]];

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
 * Reads the cache; a missing, corrupt or outdated file is simply an empty cache (a corrupt line drops just
 * itself). The signal stops it between slices (it then throws the signal's reason).
 */
export async function readSymbolCache(file: string, key: string, signal?: AbortSignal): Promise<Map<string, CachedFile>> {
  const out = new Map<string, CachedFile>();
  let text: string;
  try {
    text = await readFile(file, { encoding: 'utf8', signal });
  } catch {
    signal?.throwIfAborted();
    return out;
  }
  let at = text.indexOf('\n');
  if (at === -1) return out;
  try {
    const header = JSON.parse(text.slice(0, at)) as { format?: unknown; key?: unknown };
    if (header.format !== FORMAT || header.key !== key) return out;
  } catch {
    return out;
  }
  let sliceStart = performance.now();
  while (at < text.length) {
    const end = text.indexOf('\n', at + 1);
    const line = text.slice(at + 1, end === -1 ? text.length : end);
    at = end === -1 ? text.length : end;
    if (line === '') continue;
    try {
      const [path, bytes, mtimeMs, language, tuples] = JSON.parse(line) as FileTuple;
      out.set(path, {
        bytes, mtimeMs, language,
        symbols: tuples.map((t) => (t.length === 5
          ? { name: t[0], kind: t[1], line: t[2], endLine: t[3], container: t[4] }
          : { name: t[0], kind: t[1], line: t[2], endLine: t[3] })),
      });
    } catch {
      // a torn or edited line: that file is parsed again
    }
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToEventLoop();
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
  return out;
}

/** Writes atomically (temp file + rename) so a crash never leaves half a cache; yields between slices. */
export async function writeSymbolCache(file: string, key: string, entries: Iterable<[string, CachedFile]>): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const stream = createWriteStream(tmp);
  const written = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  try {
    stream.write(JSON.stringify({ format: FORMAT, key }) + '\n');
    let sliceStart = performance.now();
    let chunk = '';
    for (const [path, e] of entries) {
      const tuple: FileTuple = [path, e.bytes, e.mtimeMs, e.language, e.symbols.map((s): SymbolTuple => (s.container !== undefined
        ? [s.name, s.kind, s.line, s.endLine, s.container]
        : [s.name, s.kind, s.line, s.endLine]))];
      chunk += JSON.stringify(tuple) + '\n';
      if (performance.now() - sliceStart > SLICE_MS) {
        if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
        chunk = '';
        await yieldToEventLoop();
        sliceStart = performance.now();
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

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
