// Turns a stock tags.scm into the query we run: definitions only, plus our extra patterns.
import { EXTRA_TAGS } from './extraTags';

/**
 * Keeps the stock patterns that capture `@definition.*` and drops the rest: references are not part of a
 * symbol index, and the patterns matching every identifier (Go's `(type_identifier) @reference.type`, Ruby's
 * bare identifiers) are where most query time goes. Doc-comment prefixes (`(comment)* @doc .`) and the
 * predicates web-tree-sitter does not apply (`#strip!`, `#select-adjacent!`, `#set-adjacent!`) are removed,
 * since we ignore doc captures. The language's extra patterns are appended after the stock ones and its
 * fallback patterns put before them; when two patterns tag the same name node, the later pattern wins (see
 * extractSymbols).
 */
export function buildTagsQuery(language: string, stockTags: string): string {
  const extra = EXTRA_TAGS[language];
  const kept = splitPatterns(stockTags)
    .filter((p) => p.includes('@definition.'))
    .filter((p) => !extra?.dropStock?.some((re) => re.test(p)))
    .map(stripDocAndUnsupportedPredicates);
  return [extra?.fallback ?? '', ...kept, extra?.patterns ?? ''].join('\n\n').trim() + '\n';
}

/** Splits a query source into its top-level patterns (each with its trailing captures and quantifiers). */
export function splitPatterns(source: string): string[] {
  const patterns: string[] = [];
  let depth = 0;
  let start = -1;
  let i = 0;
  const flush = (end: number) => {
    if (start >= 0) patterns.push(source.slice(start, end).trim());
    start = -1;
  };
  while (i < source.length) {
    const ch = source[i];
    if (ch === ';') { // comment to end of line
      const nl = source.indexOf('\n', i);
      if (depth === 0) flush(i);
      i = nl < 0 ? source.length : nl + 1;
      continue;
    }
    if (ch === '"') {
      i = skipString(source, i);
      continue;
    }
    if (ch === '(' || ch === '[') {
      if (depth === 0) { flush(i); start = i; }
      depth++;
    } else if (ch === ')' || ch === ']') {
      depth--;
    }
    i++;
  }
  flush(source.length);
  return patterns.filter((p) => p.length > 0);
}

function skipString(source: string, open: number): number {
  let i = open + 1;
  while (i < source.length && source[i] !== '"') i += source[i] === '\\' ? 2 : 1;
  return i + 1;
}

const DOC_PREFIX = /\(comment\)\s*[*+?]?\s*@doc\s*\.?\s*/g;
const UNSUPPORTED_PREDICATE = /\(#(?:strip|select-adjacent|set-adjacent)!(?:[^()"]|"(?:[^"\\]|\\.)*")*\)/g;

function stripDocAndUnsupportedPredicates(pattern: string): string {
  return pattern.replace(DOC_PREFIX, '').replace(UNSUPPORTED_PREDICATE, '');
}
