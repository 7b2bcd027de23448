// One file to its definitions: the unit of work of both the worker threads and on-demand parsing.
import { readFileSync } from 'node:fs';
import { blankStandaloneMacros } from './cMacros';
import type { Grammars } from './Grammars';
import { extractSymbols } from './extractSymbols';
import type { FileSymbol } from './types';

export interface ParseOutcome {
  symbols: FileSymbol[];
  /** Set when the file could not be read or parsed; the file then has no symbols. */
  error?: string;
}

/** `text` saves a second read when the caller already has the contents. */
export function parseFileSymbols(grammars: Grammars, absolutePath: string, language: string, text?: string): ParseOutcome {
  const query = grammars.tagsQuery(language);
  if (!query) return { symbols: [] };
  if (text === undefined) {
    try {
      text = readFileSync(absolutePath, 'utf8');
    } catch (err) {
      return { symbols: [], error: `cannot read: ${(err as Error).message}` };
    }
  }
  if (language === 'c' || language === 'cpp') text = blankStandaloneMacros(text);
  const tree = grammars.parse(language, text);
  try {
    return { symbols: extractSymbols(tree, query) };
  } finally {
    tree.delete(); // trees cost ~20x the source in the wasm heap: never keep them here
  }
}
