// Reads one file once to decide whether it belongs in the index (text, within the size limit, not a
// generated bundle), to count its lines and, for a `.h` file, to tell C++ from C by its first 64 KB.
// Streams through a shared 64 KB buffer, so a scan allocates almost nothing per file and never holds a
// whole file.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AMBIGUOUS_HEADER, headerLooksLikeCpp } from './headerLanguage';
import { detectLanguage, isBundleLanguage } from './languages';

export type SkipReason = 'binary' | 'too-large' | 'minified' | 'not-a-file' | 'unreadable';

export type Inspection =
  | {
    kind: 'text'; language: string; bytes: number; lines: number; mtimeMs: number;
    /** A `.h` file with no C++ construct in its first 64 KB: C or C++ as the workspace decides (HeaderMajority). */
    plainHeader?: boolean;
  }
  | { kind: 'skipped'; reason: SkipReason; detail: string };

/** Git's heuristic: a NUL byte early in the file means binary. */
const BINARY_PROBE_BYTES = 8 * 1024;
/** How much of a JS/CSS file is looked at to recognise a minified bundle. */
const BUNDLE_PROBE_BYTES = 64 * 1024;
/** Hand-written code essentially never has a line this long; bundles and inlined data do. */
const BUNDLE_LONGEST_LINE = 10_000;
/** Typical source averages 30-40 characters a line; minified code averages hundreds or thousands. */
const BUNDLE_AVERAGE_LINE = 300;
const BUNDLE_AVERAGE_MIN_SAMPLE = 1024;

const GENERATED_NAME = /\.min\.(js|mjs|cjs|css)$|\.map$/i;

const scratch = Buffer.allocUnsafe(BUNDLE_PROBE_BYTES);

/** Inspects the file at `absolutePath`; `relativePath` names it (extension, shebang fallback). */
export function inspectFile(absolutePath: string, relativePath: string, maxFileBytes: number): Inspection {
  if (GENERATED_NAME.test(relativePath)) {
    return { kind: 'skipped', reason: 'minified', detail: 'it is a minified bundle or source map (by its name)' };
  }
  let fd: number;
  try {
    fd = openSync(absolutePath, 'r');
  } catch (error) {
    return { kind: 'skipped', reason: 'unreadable', detail: `it cannot be opened (${(error as NodeJS.ErrnoException).code ?? error})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { kind: 'skipped', reason: 'not-a-file', detail: 'it is not a regular file' };
    if (stat.size > maxFileBytes) {
      return { kind: 'skipped', reason: 'too-large', detail: `it is ${stat.size} bytes, over the ${maxFileBytes}-byte limit (maxFileBytes)` };
    }
    return scan(fd, relativePath, stat.size, stat.mtimeMs);
  } catch (error) {
    return { kind: 'skipped', reason: 'unreadable', detail: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? error})` };
  } finally {
    closeSync(fd);
  }
}

function scan(fd: number, relativePath: string, size: number, mtimeMs: number): Inspection {
  let newlines = 0;
  let total = 0;
  let lastByte = -1;
  let first = true;
  let language = '';
  let plainHeader = false;
  for (;;) {
    const read = readSync(fd, scratch, 0, scratch.length, null);
    if (read === 0) break;
    const chunk = read === scratch.length ? scratch : scratch.subarray(0, read);
    if (first) {
      first = false;
      if (chunk.subarray(0, BINARY_PROBE_BYTES).indexOf(0) !== -1) {
        return { kind: 'skipped', reason: 'binary', detail: 'it is a binary file' };
      }
      const firstNewline = chunk.indexOf(10);
      language = detectLanguage(relativePath, chunk.toString('utf8', 0, firstNewline === -1 ? Math.min(read, 256) : Math.min(firstNewline, 256)));
      if (isBundleLanguage(language)) {
        const verdict = bundleVerdict(chunk, read);
        if (verdict) return { kind: 'skipped', reason: 'minified', detail: verdict };
      }
      if (language === 'c' && AMBIGUOUS_HEADER.test(relativePath)) {
        // latin1 maps bytes one to one: the constructs looked for are ASCII, and it is the cheapest decoding.
        if (headerLooksLikeCpp(chunk.toString('latin1', 0, read))) language = 'cpp';
        else plainHeader = true;
      }
    }
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) newlines++;
    lastByte = chunk[read - 1];
    total += read;
    if (read < scratch.length && total >= size) break; // saves the final empty read for most files
  }
  if (first) {
    language = detectLanguage(relativePath, '');
    plainHeader = language === 'c' && AMBIGUOUS_HEADER.test(relativePath);
  }
  const lines = total === 0 ? 0 : newlines + (lastByte === 10 ? 0 : 1);
  return plainHeader
    ? { kind: 'text', language, bytes: total, lines, mtimeMs, plainHeader }
    : { kind: 'text', language, bytes: total, lines, mtimeMs };
}

/** Why the first chunk of a JS/CSS file looks generated, or undefined when it looks hand-written. */
function bundleVerdict(chunk: Buffer, length: number): string | undefined {
  let longest = 0;
  let start = 0;
  let lines = 0;
  for (let at = chunk.indexOf(10); at !== -1 && at < length; at = chunk.indexOf(10, at + 1)) {
    longest = Math.max(longest, at - start);
    start = at + 1;
    lines++;
  }
  longest = Math.max(longest, length - start);
  if (longest > BUNDLE_LONGEST_LINE) return `it looks minified (a ${longest}+ character line)`;
  const average = length / (lines + 1);
  if (length >= BUNDLE_AVERAGE_MIN_SAMPLE && average > BUNDLE_AVERAGE_LINE) {
    return `it looks minified (lines average ${Math.round(average)} characters)`;
  }
  return undefined;
}
