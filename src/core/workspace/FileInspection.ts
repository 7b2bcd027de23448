// Reads one file to decide whether it belongs in the index (text, within the size limit, not a generated bundle),
// for a `.h` file to tell C++ from C (both from its first 64 KB), and to count its lines. One read into a shared
// buffer for most source files, which fit in 64 KB; a larger one is read on in 64 KB chunks into the same buffer,
// so a walk of 100,000 files allocates almost nothing per file.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AMBIGUOUS_HEADER, headerLooksLikeCpp } from './headerLanguage';
import { detectLanguage, isBundleLanguage } from './languages';

export type SkipReason = 'binary' | 'too-large' | 'minified' | 'not-a-file' | 'unreadable';

export type Inspection =
  | {
    kind: 'text'; language: string; bytes: number; mtimeMs: number;
    lines: number;
    /** A `.h` file with no C++ construct in its first 64 KB: C or C++ as the workspace decides (HeaderMajority). */
    plainHeader?: boolean;
  }
  | { kind: 'skipped'; reason: SkipReason; detail: string };

/** Git's heuristic: a NUL byte early in the file means binary. */
const BINARY_PROBE_BYTES = 8 * 1024;
/** How much of a file is read: enough to recognise a minified bundle, a `.h` file's language, and most files whole. */
const PROBE_BYTES = 64 * 1024;
/** Hand-written code essentially never has a line this long; bundles and inlined data do. */
const BUNDLE_LONGEST_LINE = 10_000;
/** Typical source averages 30-40 characters a line; minified code averages hundreds or thousands. */
const BUNDLE_AVERAGE_LINE = 300;
const BUNDLE_AVERAGE_MIN_SAMPLE = 1024;

const GENERATED_NAME = /\.min\.(js|mjs|cjs|css)$|\.map$/i;

const scratch = Buffer.allocUnsafe(PROBE_BYTES);

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
  // One read: at the file's size (it may have grown since fstat) or the probe, whichever is smaller.
  const read = size === 0 ? 0 : readSync(fd, scratch, 0, Math.min(size, PROBE_BYTES), 0);
  const chunk = scratch.subarray(0, read);
  if (chunk.subarray(0, BINARY_PROBE_BYTES).indexOf(0) !== -1) {
    return { kind: 'skipped', reason: 'binary', detail: 'it is a binary file' };
  }
  const firstNewline = chunk.indexOf(10);
  let language = detectLanguage(relativePath, chunk.toString('utf8', 0, firstNewline === -1 ? Math.min(read, 256) : Math.min(firstNewline, 256)));
  if (isBundleLanguage(language) && read > 0) {
    const verdict = bundleVerdict(chunk, read);
    if (verdict) return { kind: 'skipped', reason: 'minified', detail: verdict };
  }
  let plainHeader = false;
  if (language === 'c' && AMBIGUOUS_HEADER.test(relativePath)) {
    // latin1 maps bytes one to one: the constructs looked for are ASCII, and it is the cheapest decoding.
    if (read > 0 && headerLooksLikeCpp(chunk.toString('latin1', 0, read))) language = 'cpp';
    else plainHeader = true;
  }
  const base = { kind: 'text' as const, language, bytes: size, mtimeMs, lines: read === size ? lineCount(chunk) : restLines(fd, chunk) };
  return plainHeader ? { ...base, plainHeader } : base;
}

/**
 * The lines of a file larger than the probe: the rest is read in probe-sized chunks into the same buffer (the
 * file is at most maxFileBytes). Counted here, in the walk's thread, because the first whole files() shows every
 * file's lines: counting 2% of a monorepo's files on the host afterwards read a third of its bytes there.
 */
function restLines(fd: number, first: Buffer): number {
  if (first.length === 0) return 0; // emptied since fstat
  let count = newlines(first);
  let last = first[first.length - 1];
  let position = first.length;
  for (;;) {
    const read = readSync(fd, scratch, 0, PROBE_BYTES, position);
    if (read === 0) break;
    const chunk = scratch.subarray(0, read);
    count += newlines(chunk);
    last = chunk[read - 1];
    position += read;
  }
  return count + (last === 10 ? 0 : 1);
}

/** Lines as an editor counts them: a final line without a newline counts, an empty text has none. */
function lineCount(text: Buffer): number {
  return text.length === 0 ? 0 : newlines(text) + (text[text.length - 1] === 10 ? 0 : 1);
}

function newlines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) count++;
  return count;
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
