// The grep engine that needs nothing but V8: reads each candidate file and tests its lines with the
// JavaScript regex itself. Used when ripgrep is absent, when ripgrep rejects the pattern (lookbehind,
// backreferences, JS-only syntax), and to cross-check ripgrep in tests.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GrepCollector, type GrepQuery } from './GrepQuery';

/** Searches `files` (workspace-relative, in the order results should come) under `root` into `collector`. */
export function regexSearch(root: string, files: readonly string[], query: GrepQuery, collector: GrepCollector): void {
  // Whole-file test first, so files without a match are never split into lines. Sound because a match on
  // one line is also a match in the whole text with the 'm' flag (^ and $ then see line ends); lookaround
  // could peek across a line end, so it skips this shortcut.
  const wholeFile = query.hasLookaround ? undefined : new RegExp(query.source, query.flags + 'm');
  for (const file of files) {
    if (collector.full) return;
    let text: string;
    try {
      text = readFileSync(path.join(root, file), 'utf8');
    } catch {
      continue; // deleted since it was indexed
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a BOM is not part of line 1 (ripgrep agrees)
    if (wholeFile && !wholeFile.test(text)) continue;
    searchText(file, text, query, collector);
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
