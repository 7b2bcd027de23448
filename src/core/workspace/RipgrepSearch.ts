// The fast grep engine: ripgrep over the index's own file list (so both engines see exactly the same
// files, whatever rg's ignore logic would decide), in growing chunks so a capped search stops early.
//
// Dialects: the JavaScript source is first given to rg's default (Rust) engine, after rewriting the two
// JS habits it rejects (identity escapes such as '\/' and '(?<name>' groups); if rg rejects it, to PCRE2
// (lookaround, backreferences); if that fails too, the V8 engine takes over. Every line rg reports is
// re-tested with the JavaScript regex, so results are JavaScript's: rg only narrows the lines to test.
// That re-test runs a model-written regex, so this runs only in a query worker (see queries/).
// Known gap: where the Unicode-aware Rust/PCRE2 engines find *fewer* matches than V8 (for example `\s`
// and U+FEFF, or `\b` next to non-ASCII letters under PCRE2), those lines are missed.

import { accessSync, constants } from 'node:fs';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { GrepCollector, GrepQuery } from './GrepQuery';
import type { FileRow } from './queries/protocol';
import { stillConfined } from './confinedRead';
import { regexSearch } from './RegexSearch';

export type GrepEngine = 'ripgrep' | 'ripgrep-pcre2' | 'v8';

/**
 * Chunks let a capped search stop early. The first one holds maxResults + 1 files (room for the cap at one
 * match per file: a default 200-result grep of a common word often ends there), at least 256; later ones
 * are sized from the match rate seen so far (see nextChunkSize), up to 8192 files. Each rg start costs
 * ~5 ms plus a parallel ramp-up: an uncapped search over 7,664 files took 5 chunks and 1.7x a single rg
 * run when chunks simply doubled from 256.
 */
const MIN_CHUNK_FILES = 256;
const MAX_CHUNK_FILES = 8192;
/** Next chunk = the files the match rate says will fill maxResults, times this margin. */
const CHUNK_MARGIN = 1.5;
/** Stays well below Linux's 2 MB argument limit (and Windows' 32 K command line, with the rest). */
const CHUNK_ARGUMENT_BYTES = process.platform === 'win32' ? 24_000 : 512_000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface ContainingOptions {
  /** Only whole-word occurrences count (for a name made of word characters). */
  word: boolean;
  /**
   * The files are most of the folder: rg reads these folders (workspace-relative, '' the root) one level deep each,
   * the folders the walk read, so it meets every file of the list but the symbolic links, which are named to it
   * next, and never enters a folder the walk left out (an ignored build output). Without it, the files are named to
   * rg in chunks: at 96,000 files, thirteen starts one after another took 1.6-3.7 s where one start over the folders
   * takes 0.8-1.3 s.
   */
  folders?: Iterable<string>;
  /** Epoch ms: past it, rg is stopped and the answer is undefined. */
  until: number;
  signal?: AbortSignal;
}

/** Progress hooks for the worker: which file is being tested, and when a chunk's matches are in. */
export interface SearchHooks {
  onFile?(file: FileRow): void;
  onChunk?(): void;
  /** The rg process running now (0 once it ended): a worker terminated mid-search cannot kill it itself. */
  onProcess?(pid: number): void;
}

export class Ripgrep {
  private pcre2: Promise<boolean> | undefined;

  constructor(readonly executable: string) {}

  /** An explicit path, or `rg` from PATH; undefined when there is none (or `false` was passed). */
  static locate(explicit?: string | false): Ripgrep | undefined {
    if (explicit === false) return undefined;
    if (explicit !== undefined) {
      if (!isExecutable(explicit)) throw new Error(`ripgrep was not found at '${explicit}': pass the path of an 'rg' executable, or omit the option to use the one on PATH`);
      return new Ripgrep(explicit);
    }
    const found = findOnPath(process.platform === 'win32' ? 'rg.exe' : 'rg');
    return found ? new Ripgrep(found) : undefined;
  }

  /**
   * Searches `files` (in result order) into `collector`. Falls back to the V8 engine when rg cannot take the
   * pattern or fails; returns the engine that produced the results. rg opens the paths it is given itself,
   * so a file with matches is checked to still be the indexed file before its lines are used: one swapped
   * for a symlink that leads elsewhere is left out. (Only a swap and a swap back while rg runs gets past it.)
   */
  async search(root: string, files: readonly FileRow[], query: GrepQuery, collector: GrepCollector, maxBytes: number, hooks: SearchHooks = {}): Promise<GrepEngine> {
    let engine: GrepEngine = 'ripgrep';
    let chunkSize = clampChunk(query.maxResults + 1);
    for (let start = 0; start < files.length && !collector.full; ) {
      const end = chunkEnd(files, start, chunkSize);
      const chunk = files.slice(start, end);
      let output = await this.run(root, chunk, query, engine, collector, hooks);
      if (output === 'rejected' && engine === 'ripgrep' && (await this.hasPcre2())) {
        engine = 'ripgrep-pcre2';
        output = await this.run(root, chunk, query, engine, collector, hooks);
      }
      if (output === 'rejected' || output === 'failed') {
        const rest = files.slice(start);
        regexSearch(root, rest, query, collector, maxBytes, hooks.onFile);
        return output === 'rejected' ? 'v8' : engine;
      }
      collectChunk(output, chunk, query, collector, (row) => hooks.onFile?.(row), (row) => stillConfined(root, row, maxBytes));
      hooks.onChunk?.();
      start = end;
      chunkSize = nextChunkSize(start, collector.matches.length, query.maxResults);
    }
    return engine;
  }

  /**
   * Which of `files` contain `literal` (as a whole word with `word`): `rg --files-with-matches --fixed-strings`
   * over exactly those paths, in chunks within the argument limit. It narrows a symbol name query to the files
   * that can define the name, reading 1 GB in well under the time the parser threads take to read it. Undefined
   * when rg fails, or `until` or the signal comes first: the caller then reads the files itself.
   */
  async filesContaining(root: string, files: readonly { path: string; target?: string }[], literal: string, options: ContainingOptions): Promise<Set<string> | undefined> {
    const found = new Set<string>();
    const args = ['--no-config', '--no-ignore', '--hidden', '--text', '--files-with-matches', '--null', '--fixed-strings', '--case-sensitive'];
    if (options.word) args.push('--word-regexp');
    args.push('--regexp', literal);
    let byName = files;
    if (options.folders) {
      // Every regular file in the folders: the workspace's files among them (so it never misses one), and what the
      // rules leave out of a folder they let in (ignored or credential files), which stays in rg's process: the
      // caller keeps only the files. rg does not follow symbolic links: those are named next.
      const folders = [...options.folders].map((folder) => ({ path: folder === '' ? '.' : folder }));
      for (let start = 0; start < folders.length; ) {
        const end = chunkEnd(folders, start, Number.POSITIVE_INFINITY);
        const output = await this.list(root, [...args, '--max-depth', '1', '--', ...folders.slice(start, end).map((f) => f.path)], options);
        if (output === undefined) return undefined;
        for (const printed of output.split('\0')) if (printed) found.add(relativeOutputPath(printed));
        start = end;
      }
      byName = files.filter((f) => f.target !== undefined);
    }
    args.push('--');
    for (let start = 0; start < byName.length; ) {
      const end = chunkEnd(byName, start, Number.POSITIVE_INFINITY);
      const output = await this.list(root, [...args, ...byName.slice(start, end).map((f) => f.path)], options);
      if (output === undefined) return undefined;
      for (const path of output.split('\0')) if (path) found.add(path);
      start = end;
    }
    return found;
  }

  /** Runs rg for its standard output, or undefined when it fails, passes `until` or is stopped. */
  private list(root: string, args: string[], options: ContainingOptions): Promise<string | undefined> {
    if (options.signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const child = spawn(this.executable, args, { cwd: root, windowsHide: true, stdio: ['ignore', 'pipe', 'ignore'] });
      const out: Buffer[] = [];
      let settled = false;
      const finish = (value: string | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', stop);
        resolve(value);
      };
      const stop = () => {
        child.kill('SIGKILL');
        finish(undefined);
      };
      const timer = setTimeout(stop, Math.max(0, options.until - Date.now()));
      options.signal?.addEventListener('abort', stop, { once: true });
      child.stdout.on('data', (data: Buffer) => out.push(data));
      child.on('error', () => finish(undefined));
      // 1: no file matched; 2: some files could not be read (gone since they were listed), the rest are reported.
      child.on('close', (status) => finish(status === 0 || status === 1 || status === 2 ? Buffer.concat(out).toString('utf8') : undefined));
    });
  }

  private run(root: string, files: readonly FileRow[], query: GrepQuery, engine: GrepEngine, collector: GrepCollector, hooks: SearchHooks): Promise<string | 'rejected' | 'failed'> {
    const args = [
      '--no-config', '--no-ignore', '--text', '--crlf', '--no-heading', '--with-filename', '--line-number',
      '--null', '--color', 'never', '--max-count', String(query.maxResults + 1),
      query.ignoreCase ? '--ignore-case' : '--case-sensitive',
    ];
    if (query.context > 0) args.push('--context', String(query.context));
    if (engine === 'ripgrep-pcre2') args.push('--pcre2', '--regexp', query.source);
    else args.push('--regexp', toRustRegex(query.source, query.flags));
    args.push('--', ...files.map((f) => f.path));
    return new Promise((resolve) => {
      const child = spawn(this.executable, args, { cwd: root, windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'] });
      if (child.pid) hooks.onProcess?.(child.pid);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let settled = false;
      const finish = (value: string | 'rejected' | 'failed') => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      };
      // Past the budget, keep the lines rg printed so far: they are real matches.
      const timer = setTimeout(() => {
        collector.timedOut = true;
        child.kill('SIGKILL');
        finish(Buffer.concat(out).toString('utf8'));
      }, collector.remainingMs());
      child.stdout.on('data', (data: Buffer) => {
        outBytes += data.length;
        if (outBytes > MAX_OUTPUT_BYTES) {
          child.kill('SIGKILL');
          finish('failed');
          return;
        }
        out.push(data);
      });
      child.stderr.on('data', (data: Buffer) => err.push(data));
      child.on('error', () => finish('failed')); // not runnable
      child.on('close', (status) => {
        hooks.onProcess?.(0);
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        // Exit 2 with no output is an error about the pattern; exit 2 with output means some files vanished.
        if (status === 2 && stdout === '' && /regex|pcre2|pattern/i.test(stderr)) finish('rejected');
        else if (status !== 0 && status !== 1 && status !== 2) finish('failed');
        else finish(stdout);
      });
    });
  }

  private hasPcre2(): Promise<boolean> {
    this.pcre2 ??= new Promise((resolve) => {
      const probe = spawn(this.executable, ['--pcre2-version'], { windowsHide: true, stdio: 'ignore' });
      probe.on('error', () => resolve(false));
      probe.on('close', (status) => resolve(status === 0));
    });
    return this.pcre2;
  }
}

/**
 * How many files the next chunk takes after `searched` files gave `found` matches: enough to reach
 * maxResults (+1, to know whether it is capped) at the rate so far, with a margin. No match yet means
 * no sign of an early stop: take the largest chunk.
 */
export function nextChunkSize(searched: number, found: number, maxResults: number): number {
  if (found === 0) return MAX_CHUNK_FILES;
  return clampChunk(Math.ceil((((maxResults + 1 - found) * searched) / found) * CHUNK_MARGIN));
}

function clampChunk(files: number): number {
  return Math.min(MAX_CHUNK_FILES, Math.max(MIN_CHUNK_FILES, files));
}

/** End (exclusive) of the chunk from `start`: at most `size` files, within the argument budget, at least one. */
function chunkEnd(files: readonly { path: string }[], start: number, size: number): number {
  let end = start;
  let bytes = 0;
  while (end < files.length && end - start < size) {
    bytes += Buffer.byteLength(files[end].path) + 1;
    if (bytes > CHUNK_ARGUMENT_BYTES && end > start) break;
    end++;
  }
  return end;
}

/**
 * Parses `path\0LINE:text` (match) and `path\0LINE-text` (context) lines, then hands the lines that the
 * JavaScript regex confirms to the collector, file by file in `chunk` order.
 */
function collectChunk(
  output: string,
  chunk: readonly FileRow[],
  query: GrepQuery,
  collector: GrepCollector,
  onFile: (row: FileRow) => void,
  stillIndexed: (row: FileRow) => boolean,
): void {
  const byFile = new Map<string, { lines: Map<number, string>; hits: number[] }>();
  for (let at = 0; at < output.length; ) {
    let end = output.indexOf('\n', at);
    if (end === -1) end = output.length;
    const nul = output.indexOf('\0', at);
    if (nul !== -1 && nul < end) {
      const file = output.slice(at, nul);
      let digits = nul + 1;
      while (digits < end && output.charCodeAt(digits) >= 48 && output.charCodeAt(digits) <= 57) digits++;
      const lineNumber = Number(output.slice(nul + 1, digits));
      let text = output.slice(digits + 1, end);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      let entry = byFile.get(file);
      if (!entry) byFile.set(file, (entry = { lines: new Map(), hits: [] }));
      entry.lines.set(lineNumber, text);
      if (output[digits] === ':') entry.hits.push(lineNumber);
    }
    at = end + 1;
  }
  for (const row of chunk) {
    const file = row.path;
    const entry = byFile.get(file);
    if (!entry || !stillIndexed(row)) continue;
    onFile(row);
    entry.hits.sort((a, b) => a - b);
    const lineAt = (n: number) => entry.lines.get(n);
    for (const lineNumber of entry.hits) {
      if (collector.full) return;
      const text = entry.lines.get(lineNumber)!;
      if (query.lineRegex.test(text)) collector.add(file, lineNumber, text, lineAt);
    }
  }
}

/**
 * Rewrites JavaScript regex source for Rust's regex engine: JS accepts escaped punctuation that has no
 * special meaning ('\/', '\:', '\"'), Rust rejects it; JS names groups '(?<name>', Rust 1.5 wants '(?P<name>'.
 * JS's `\b` and `\B` are ASCII word boundaries (outside a class; inside one `\b` is a backspace): they
 * become `(?-u:\b)` / `(?-u:\B)`, which is both what JS means and several times faster in rg than the
 * Unicode boundary (that one leaves rg's DFA; 1.7 s instead of 0.24 s on 67 MB, see bench/grep.ts). Not
 * with 'i' plus 'u' (JS then counts U+017F and U+212A as word characters too), nor with 'v' (nested classes).
 * Anything else Rust does not know is left for rg to reject (then PCRE2 or V8 takes over).
 */
export function toRustRegex(source: string, flags = ''): string {
  const asciiBoundaries = !flags.includes('v') && !(flags.includes('i') && flags.includes('u'));
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\' && i + 1 < source.length) {
      const next = source[i + 1];
      if (!inClass && asciiBoundaries && (next === 'b' || next === 'B')) out += `(?-u:\\${next})`;
      else out += /[A-Za-z0-9]/.test(next) || RUST_ESCAPABLE.includes(next) ? c + next : next;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      // A ']' right after '[' or '[^' does not close the class in Rust; JS reads '[]' as an empty class,
      // which is rare enough to leave to rg's verdict.
      if (source[i + 1] === '^') out += source[++i];
    } else if (c === '(' && source.startsWith('?<', i + 1) && /[A-Za-z_]/.test(source[i + 3] ?? '')) {
      out += '(?P<';
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

const RUST_ESCAPABLE = '\\.+*?()|[]{}^$#&-~';

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** rg's './a/b' (or '.\a\b' on Windows) for the folder '.', as a workspace path 'a/b'. */
function relativeOutputPath(printed: string): string {
  const slashed = path.sep === '\\' ? printed.replace(/\\/g, '/') : printed;
  return slashed.startsWith('./') ? slashed.slice(2) : slashed;
}
