// The SymbolSource integration uses for semantic conflicts, backed by the syntax layer: texts are parsed on the
// symbol index's parser threads (SymbolIndex.parseText), never on the host thread, with the grammars and tags
// queries the workspace's symbols() uses. Identifier uses come from the syntax tree (identifier nodes only, so
// names in comments and strings do not count). Make one per integration: it memoises parses by text.
import { detectLanguage } from '../workspace/languages';
import type { TextSyntax } from '../workspace/syntax/parseText';
import { sha256 } from './lineDiff';
import type { Definition, Identifier, SymbolSource } from './semantic';

/** What parses a text: a SymbolIndex (CodeWorkspace.symbolIndex) has this method. */
export interface TextParser {
  parseText(language: string, text: string, lines?: readonly number[]): Promise<TextSyntax | undefined>;
}

interface Parsed {
  syntax: TextSyntax | undefined;
  /** The lines whose identifiers `syntax` holds. */
  lines: ReadonlySet<number>;
}

export function syntaxSymbols(parser: TextParser): SymbolSource {
  const memo = new Map<string, Promise<Parsed>>();
  const parse = (path: string, text: string, lines: readonly number[]): Promise<Parsed> => {
    const language = detectLanguage(path, text.slice(0, text.indexOf('\n') >>> 0));
    const key = `${language}\0${sha256(text)}`;
    const known = memo.get(key);
    const run = async (): Promise<Parsed> => {
      const prior = known ? await known : undefined;
      if (prior && lines.every((l) => prior.lines.has(l))) return prior;
      // A failed parse (a parser thread died, the text is too large) leaves the file out of the check.
      const syntax = await parser.parseText(language, text, lines).catch(() => undefined);
      return { syntax, lines: new Set(lines) };
    };
    const next = run();
    memo.set(key, next);
    return next;
  };
  return {
    async definitionsOf(path: string, text: string): Promise<readonly Definition[] | undefined> {
      return (await parse(path, text, [])).syntax?.symbols;
    },
    async identifiersOf(path: string, text: string, lines: readonly number[]): Promise<readonly Identifier[] | undefined> {
      return (await parse(path, text, lines)).syntax?.identifiers;
    },
  };
}
