// ast_query(): runs a raw Tree-sitter query over workspace files, with a small LRU of trees so a model
// refining a query over the same files does not reparse them each time. The query and its predicates
// (`#match?` runs a regex) are model-written, so this runs only in a query worker, under a time budget.
import { Query, type Tree } from 'web-tree-sitter';
import { readIfConfined } from '../confinedRead';
import type { FileRow } from '../queries/protocol';
import type { Grammars } from './Grammars';
import type { AstMatch } from './types';

export const DEFAULT_AST_MAX_RESULTS = 100;
export const AST_MAX_RESULTS_LIMIT = 10_000;
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

  constructor(private readonly grammars: Grammars, private readonly root: string, private readonly maxFileBytes: number) {}

  /**
   * `files` are the candidate records (already narrowed by language and glob), in the order results should
   * follow. Stops at maxResults (capped) or when the budget runs out (timedOut), returning what it found.
   */
  run(source: string, files: readonly FileRow[], maxResults: number, budgetMs: number, onFile?: (file: FileRow) => void): { matches: AstMatch[]; capped: boolean; timedOut: boolean } {
    const deadline = Date.now() + budgetMs;
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
    let timedOut = false;
    // Returning true from the progress callback stops a long query inside one tree.
    const progressCallback = () => (timedOut ||= Date.now() > deadline);
    for (const file of files) {
      if (timedOut || Date.now() > deadline) return { matches: out, capped: true, timedOut: true };
      const query = compiled.get(file.language);
      if (!query) continue;
      onFile?.(file);
      const tree = this.tree(file);
      if (!tree) continue;
      for (const match of query.matches(tree.rootNode, { progressCallback })) {
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
        if (out.length >= maxResults) return { matches: out, capped: true, timedOut: false };
      }
    }
    return { matches: out, capped: false, timedOut };
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

  /** The file's tree, or undefined when it cannot be read (gone, or no longer the indexed file). */
  private tree(file: FileRow): Tree | undefined {
    const cached = this.trees.get(file.path);
    if (cached && cached.bytes === file.bytes && cached.mtimeMs === file.mtimeMs) {
      this.trees.delete(file.path); // move to the young end
      this.trees.set(file.path, cached);
      return cached.tree;
    }
    this.forget(file.path);
    const text = readIfConfined(this.root, file, this.maxFileBytes);
    if (text === undefined) return undefined;
    const tree = this.grammars.parse(file.language, text);
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
