// ast_query(): runs a raw Tree-sitter query over workspace files on the calling thread, with a small LRU of
// trees so a model refining a query over the same files does not reparse them each time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Query, type Tree } from 'web-tree-sitter';
import type { Grammars } from './Grammars';
import type { AstMatch, AstQueryOptions, SourceFileRecord } from './types';

export const DEFAULT_AST_MAX_RESULTS = 100;
const HARD_MAX_RESULTS = 10_000;
/** Trees cost ~20x their source in the wasm heap (capped at 2 GB per thread): keep a few MB of source. */
const TREE_CACHE_SOURCE_BYTES = 8 * 1024 * 1024;
const TREE_CACHE_FILES = 64;
const MAX_CAPTURE_TEXT = 300;
const COMPILED_QUERY_CACHE = 16;

interface CachedTree {
  tree: Tree;
  bytes: number;
  mtimeMs: number;
}

export class AstQueryRunner {
  private readonly trees = new Map<string, CachedTree>(); // insertion order = LRU order
  private treeBytes = 0;
  private readonly queries = new Map<string, Query>();

  constructor(private readonly grammars: Grammars, private readonly root: string) {}

  /** `files` are the candidate records (already narrowed by glob), in the order results should follow. */
  run(source: string, files: readonly SourceFileRecord[], options: AstQueryOptions): AstMatch[] {
    if (typeof source !== 'string' || source.trim() === '') {
      throw new Error('ast_query needs a Tree-sitter query string, e.g. "(function_declaration name: (identifier) @name)".');
    }
    const asked = Number(options.maxResults ?? DEFAULT_AST_MAX_RESULTS);
    const maxResults = Number.isFinite(asked) ? Math.min(Math.max(1, Math.floor(asked)), HARD_MAX_RESULTS) : DEFAULT_AST_MAX_RESULTS;
    const languages = [...new Set(files.map((f) => f.language))];
    const compiled = new Map<string, Query>();
    const errors: string[] = [];
    for (const lang of languages) {
      try {
        compiled.set(lang, this.compile(lang, source));
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    // Without a language, a query naming Python nodes simply skips TypeScript files; it is only an error
    // when it fits no language at all.
    if (compiled.size === 0 && errors.length > 0) throw new Error(errors.join('\n'));

    const out: AstMatch[] = [];
    for (const file of files) {
      const query = compiled.get(file.language);
      if (!query) continue;
      const tree = this.tree(file);
      for (const match of query.matches(tree.rootNode)) {
        out.push({
          path: file.path,
          language: file.language,
          captures: match.captures.map((c) => ({
            name: c.name,
            text: clip(c.node.text),
            line: c.node.startPosition.row + 1,
            endLine: c.node.endPosition.row + 1,
          })),
        });
        if (out.length >= maxResults) return out;
      }
    }
    return out;
  }

  forget(path: string): void {
    const cached = this.trees.get(path);
    if (!cached) return;
    cached.tree.delete();
    this.treeBytes -= cached.bytes;
    this.trees.delete(path);
  }

  dispose(): void {
    for (const path of [...this.trees.keys()]) this.forget(path);
    for (const q of this.queries.values()) q.delete();
    this.queries.clear();
  }

  private compile(language: string, source: string): Query {
    const key = `${language}\0${source}`;
    const hit = this.queries.get(key);
    if (hit) return hit;
    const lang = this.grammars.language(language);
    if (!lang) throw new Error(`ast_query: no grammar for language "${language}".`);
    let query: Query;
    try {
      query = new Query(lang, source);
    } catch (err) {
      throw describeQueryError(err as Error & { index?: number }, source, language);
    }
    if (this.queries.size >= COMPILED_QUERY_CACHE) {
      const [oldKey, old] = this.queries.entries().next().value as [string, Query];
      old.delete();
      this.queries.delete(oldKey);
    }
    this.queries.set(key, query);
    return query;
  }

  private tree(file: SourceFileRecord): Tree {
    const cached = this.trees.get(file.path);
    if (cached && cached.bytes === file.bytes && cached.mtimeMs === file.mtimeMs) {
      this.trees.delete(file.path); // move to the young end
      this.trees.set(file.path, cached);
      return cached.tree;
    }
    this.forget(file.path);
    const tree = this.grammars.parse(file.language, readFileSync(join(this.root, file.path), 'utf8'));
    this.trees.set(file.path, { tree, bytes: file.bytes, mtimeMs: file.mtimeMs });
    this.treeBytes += file.bytes;
    while (this.trees.size > 1 && (this.treeBytes > TREE_CACHE_SOURCE_BYTES || this.trees.size > TREE_CACHE_FILES)) {
      this.forget(this.trees.keys().next().value as string);
    }
    return tree;
  }
}

function clip(text: string): string {
  return text.length <= MAX_CAPTURE_TEXT ? text : `${text.slice(0, MAX_CAPTURE_TEXT)}… (${text.length} chars)`;
}

/** Turns web-tree-sitter's "Bad node name 'x'" (with a byte offset) into a message a model can act on. */
function describeQueryError(err: Error & { index?: number }, source: string, language: string): Error {
  let where = '';
  if (typeof err.index === 'number') {
    const before = source.slice(0, err.index); // a string index (web-tree-sitter converts the byte offset)
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    where = ` at line ${line}, column ${column}`;
  }
  return new Error(`ast_query: invalid query for language "${language}"${where}: ${err.message}. ` +
    'Node and field names must exist in that grammar (see the grammar\'s node-types); ' +
    'captures are written @name; pass {language} to target one grammar.');
}
