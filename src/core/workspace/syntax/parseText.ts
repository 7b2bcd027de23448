// A text that is not (or not yet) a workspace file, parsed for its definitions and, on the lines asked for,
// the identifiers it uses: what the edit layer compares before and after a proposed change. Runs where the
// file parses run (a parser thread, or the inline fallback), with the same grammars and tags queries.
import { blankStandaloneMacros } from './cMacros';
import type { Grammars } from './Grammars';
import { extractSymbols } from './extractSymbols';
import type { FileSymbol } from './types';

export interface TextIdentifier {
  name: string;
  /** 1-based. */
  line: number;
}

export interface TextSyntax {
  symbols: FileSymbol[];
  identifiers: TextIdentifier[];
}

/** Leaf node types that name something: `identifier` and the grammars' `*_identifier`s, Ruby's `constant`, PHP's `name`. */
function isIdentifier(type: string, language: string): boolean {
  return type === 'identifier' || type.endsWith('_identifier') || (language === 'ruby' && type === 'constant') || (language === 'php' && type === 'name');
}

/** `lines` (1-based): where to collect identifiers; none: no identifiers. */
export function parseTextSyntax(grammars: Grammars, language: string, text: string, lines: readonly number[] = []): TextSyntax {
  const query = grammars.tagsQuery(language);
  if (!query) return { symbols: [], identifiers: [] };
  const source = language === 'c' || language === 'cpp' ? blankStandaloneMacros(text) : text;
  const tree = grammars.parse(language, source);
  try {
    return { symbols: extractSymbols(tree, query), identifiers: lines.length > 0 ? identifiersOn(tree.walk(), language, new Set(lines)) : [] };
  } finally {
    tree.delete(); // trees cost ~20x the source in the wasm heap
  }
}

function identifiersOn(cursor: ReturnType<import('web-tree-sitter').Tree['walk']>, language: string, lines: ReadonlySet<number>): TextIdentifier[] {
  const found: TextIdentifier[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (const line of lines) {
    first = Math.min(first, line);
    last = Math.max(last, line);
  }
  try {
    // Depth-first, skipping subtrees that lie wholly outside the wanted lines.
    for (;;) {
      const start = cursor.startPosition.row + 1;
      const end = cursor.endPosition.row + 1;
      const inside = end >= first && start <= last;
      if (inside && isIdentifier(cursor.nodeType, language) && lines.has(start)) found.push({ name: cursor.nodeText, line: start });
      if (inside && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return found;
      }
    }
  } finally {
    cursor.delete();
  }
}
