// The grep engine that needs nothing but V8: reads each candidate file and tests its lines with the
// JavaScript regex itself. Used when ripgrep is absent, when ripgrep rejects the pattern (lookbehind,
// backreferences, JS-only syntax), and to cross-check ripgrep in tests. It runs model-written regexes, so
// it runs only in a query worker (see queries/), never on the host thread.

import { readIfConfined } from './confinedRead';
import { GrepCollector, type GrepQuery } from './GrepQuery';
import type { FileRow } from './queries/protocol';

/**
 * Searches `files` (in the order results should come) under `root` into `collector`; `onFile` is told which
 * file is being tested, so a stall can be located.
 */
export function regexSearch(root: string, files: readonly FileRow[], query: GrepQuery, collector: GrepCollector, maxBytes: number, onFile?: (file: FileRow) => void): void {
  // Whole-file test first, so files without a match are never split into lines. Sound because a match on
  // one line is also a match in the whole text with the 'm' flag (^ and $ then see line ends); lookaround
  // could peek across a line end, so it skips this shortcut.
  const wholeFile = query.hasLookaround ? undefined : new RegExp(query.source, query.flags + 'm');
  for (let i = 0; i < files.length; i++) {
    if (collector.full) return;
    onFile?.(files[i]);
    const text = readIfConfined(root, files[i], maxBytes);
    if (text === undefined) continue; // deleted, or no longer the file that was indexed
    if (wholeFile && !wholeFile.test(text)) continue;
    searchText(files[i].path, text, query, collector);
  }
}

/** Tests every line of one file's text. */
export function searchText(file: string, text: string, query: GrepQuery, collector: GrepCollector): void {
  const lines = splitLines(text);
  const lineAt = (n: number) => lines[n - 1];
  for (let i = 0; i < lines.length && !collector.full; i++) {
    if (query.lineRegex.test(lines[i])) collector.add(file, i + 1, lines[i], lineAt);
  }
}

/** Lines without their terminators ('\n' or '\r\n'), without a UTF-8 BOM, and without a phantom last line. */
export function splitLines(text: string): string[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  return lines;
}
