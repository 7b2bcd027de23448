// The Tree-sitter runtime of one thread: one parser, grammars loaded on first use, their tags queries.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';
import type { SyntaxAssets } from './SyntaxAssets';
import { buildTagsQuery } from './tagsQuery';

/** Language ids we ship a grammar for (see grammars/README.md). */
export const GRAMMAR_LANGUAGES = [
  'typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'csharp', 'ruby', 'php',
] as const;

const SUPPORTED = new Set<string>(GRAMMAR_LANGUAGES);

// tsconfig's lib (ES2022) has no WebAssembly typings; Node provides the global.
declare const WebAssembly: { Module: new (bytes: Uint8Array) => unknown };

// Parser.init instantiates the runtime wasm once per thread; later calls must reuse it.
let runtimeReady: Promise<void> | undefined;

export class Grammars {
  private readonly languages = new Map<string, Language>();
  private readonly tagQueries = new Map<string, Query>();
  private parser: Parser | undefined;

  private constructor(private readonly assets: SyntaxAssets) {}

  /** Initialises the runtime (async, once per thread); everything afterwards is synchronous. */
  static async create(assets: SyntaxAssets): Promise<Grammars> {
    runtimeReady ??= Parser.init({ locateFile: () => assets.runtimeWasm });
    await runtimeReady;
    return new Grammars(assets);
  }

  static supports(language: string): boolean {
    return SUPPORTED.has(language);
  }

  /** Loads a grammar synchronously (a WebAssembly.Module compiles synchronously in Node); undefined if we have none. */
  language(id: string): Language | undefined {
    if (!SUPPORTED.has(id)) return undefined;
    let lang = this.languages.get(id);
    if (!lang) {
      const file = join(this.assets.grammarsDir, `${id}.wasm`);
      if (!existsSync(file)) throw new Error(`Grammar file missing: ${file}. Run node scripts/copy-grammars.mjs, then the build.`);
      lang = Language.loadSync(new WebAssembly.Module(readFileSync(file)) as Parameters<typeof Language.loadSync>[0]);
      this.languages.set(id, lang);
    }
    return lang;
  }

  tagsQuery(id: string): Query | undefined {
    let query = this.tagQueries.get(id);
    if (!query) {
      const lang = this.language(id);
      if (!lang) return undefined;
      const stock = readFileSync(join(this.assets.grammarsDir, `${id}.tags.scm`), 'utf8');
      query = new Query(lang, buildTagsQuery(id, stock));
      this.tagQueries.set(id, query);
    }
    return query;
  }

  /** Parses text with the language's grammar. The caller owns the tree and must delete() it. */
  parse(id: string, text: string): Tree {
    const lang = this.language(id);
    if (!lang) throw new Error(`No grammar for language "${id}".`);
    this.parser ??= new Parser();
    if (this.parser.language !== lang) this.parser.setLanguage(lang);
    const tree = this.parser.parse(text);
    if (!tree) throw new Error(`Tree-sitter returned no tree for a ${id} file.`);
    return tree;
  }

  dispose(): void {
    for (const q of this.tagQueries.values()) q.delete();
    this.tagQueries.clear();
    this.parser?.delete();
    this.parser = undefined;
  }
}
