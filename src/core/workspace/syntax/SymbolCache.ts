// The symbol index on disk: one JSON file per workspace root, entries keyed by path + size + mtime +
// language (a `.h` header turns C++ when the workspace does), the whole file invalidated when the grammars or tags queries change (their hash is the cache's `key`).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GRAMMAR_LANGUAGES } from './Grammars';
import type { SyntaxAssets } from './SyntaxAssets';
import { buildTagsQuery } from './tagsQuery';
import type { FileSymbol } from './types';

/** Bump when the file layout or what extractSymbols produces changes. */
const FORMAT = 2;

export interface CachedFile {
  bytes: number;
  mtimeMs: number;
  /** The grammar the symbols came from. */
  language: string;
  symbols: FileSymbol[];
}

/** [name, kind, line, endLine, container?]: tuples keep the file small and quick to parse. */
type SymbolTuple = [string, string, number, number] | [string, string, number, number, string];
type FileTuple = [path: string, bytes: number, mtimeMs: number, language: string, symbols: SymbolTuple[]];

interface CacheFile {
  format: number;
  key: string;
  files: FileTuple[];
}

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
  return join(cacheDir, `symbols-${createHash('sha1').update(root).digest('hex').slice(0, 16)}.json`);
}

/** Reads the cache; a missing, corrupt or outdated file is simply an empty cache. */
export function readSymbolCache(file: string, key: string): Map<string, CachedFile> {
  const out = new Map<string, CachedFile>();
  let parsed: CacheFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
  } catch {
    return out;
  }
  if (parsed.format !== FORMAT || parsed.key !== key || !Array.isArray(parsed.files)) return out;
  for (const [path, bytes, mtimeMs, language, tuples] of parsed.files) {
    out.set(path, {
      bytes, mtimeMs, language,
      symbols: tuples.map((t) => (t.length === 5
        ? { name: t[0], kind: t[1], line: t[2], endLine: t[3], container: t[4] }
        : { name: t[0], kind: t[1], line: t[2], endLine: t[3] })),
    });
  }
  return out;
}

/** Writes atomically (temp file + rename) so a crash never leaves half a cache. */
export function writeSymbolCache(file: string, key: string, entries: Iterable<[string, CachedFile]>): void {
  const files: FileTuple[] = [];
  for (const [path, e] of entries) {
    files.push([path, e.bytes, e.mtimeMs, e.language, e.symbols.map((s): SymbolTuple => (s.container !== undefined
      ? [s.name, s.kind, s.line, s.endLine, s.container]
      : [s.name, s.kind, s.line, s.endLine]))]);
  }
  const body: CacheFile = { format: FORMAT, key, files };
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(body));
  renameSync(tmp, file);
}
