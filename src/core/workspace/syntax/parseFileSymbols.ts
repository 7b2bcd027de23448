// One file to its definitions: the unit of work of the parser threads (and of the fallback on this thread).
import { readIfConfined } from '../confinedRead';
import type { FileRow } from '../queries/protocol';
import { blankStandaloneMacros } from './cMacros';
import type { Grammars } from './Grammars';
import { extractSymbols } from './extractSymbols';
import { packSymbols, type PackedSymbols } from './SymbolStore';

export interface ParseOutcome {
  symbols: PackedSymbols;
  /** Set when the file could not be read or parsed; the file then has no symbols. */
  error?: string;
  /** An urgent job's text did not contain the literals asked for: not parsed, and cannot define the name. */
  skipped?: boolean;
}

/** No definitions (a file without a grammar, unreadable, or skipped). */
export const NOTHING_PARSED: PackedSymbols = packSymbols([]);

/** `text` saves a second read when the caller already has the contents. */
export function parseFileSymbols(grammars: Grammars, root: string, file: FileRow, maxBytes: number, text?: string): ParseOutcome {
  const query = grammars.tagsQuery(file.language);
  if (!query) return { symbols: NOTHING_PARSED };
  text ??= readIfConfined(root, file, maxBytes);
  if (text === undefined) return { symbols: NOTHING_PARSED, error: 'cannot read: the file is gone or is no longer the file that was indexed' };
  if (file.language === 'c' || file.language === 'cpp') text = blankStandaloneMacros(text);
  const tree = grammars.parse(file.language, text);
  try {
    return { symbols: packSymbols(extractSymbols(tree, query)) };
  } finally {
    tree.delete(); // trees cost ~20x the source in the wasm heap: never keep them here
  }
}
