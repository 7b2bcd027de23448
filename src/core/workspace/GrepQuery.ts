// A grep request from model code, validated once: the regex (JavaScript syntax, plain source or a
// '/source/flags' literal), the result cap and the context size. Both search engines (ripgrep and the
// V8 fallback) take this and must agree on what a match is: a line (without its '\n' or '\r\n') on
// which `lineRegex` matches.

import type { GrepMatch, GrepOptions, GrepResult } from './types';

export const DEFAULT_MAX_RESULTS = 200;
/** Hard ceilings so one call cannot flood the sandbox. */
export const MAX_RESULTS_LIMIT = 10_000;
export const MAX_CONTEXT_LINES = 50;
/** Matched and context lines are cut to this many characters (around the match for matched lines). */
export const MAX_LINE_CHARS = 300;

export interface GrepQuery {
  /** Regex source as written (without the /.../ of a literal). */
  source: string;
  /** The JavaScript flags kept from a literal ('i', 'u', 'v'), plus 'i' for ignoreCase. */
  flags: string;
  ignoreCase: boolean;
  /** Tests one line; not global, so `test` has no lastIndex state. */
  lineRegex: RegExp;
  /** The same regex with the 'g' flag, for locating the match inside a long line. */
  findRegex: RegExp;
  maxResults: number;
  context: number;
  glob?: string;
  /** True when the source uses syntax the V8 scan must not pre-filter on the whole file (lookaround). */
  hasLookaround: boolean;
}

const LITERAL = /^\/(.+)\/([a-z]*)$/s;
// Flags that change what a single line matches; g, y, m, d and s are meaningless (or harmful) per line.
const KEPT_FLAGS = new Set(['i', 'u', 'v']);

export function parseGrepQuery(pattern: unknown, options: GrepOptions = {}): GrepQuery {
  if (typeof pattern !== 'string' || pattern === '') {
    throw new Error("grep(pattern) needs a non-empty regex string, e.g. grep('class \\\\w+Service') or grep('/todo/i')");
  }
  if (options === null || typeof options !== 'object') {
    throw new Error('grep options must be an object such as {glob: "*.ts", ignoreCase: true, maxResults: 50, context: 2}');
  }
  let source = pattern;
  let flags = '';
  const literal = LITERAL.exec(pattern);
  if (literal && /^[dgimsuvy]*$/.test(literal[2])) {
    source = literal[1];
    flags = [...literal[2]].filter((flag) => KEPT_FLAGS.has(flag)).join('');
  }
  const ignoreCase = options.ignoreCase === true || flags.includes('i');
  if (ignoreCase && !flags.includes('i')) flags += 'i';

  let lineRegex: RegExp;
  try {
    lineRegex = new RegExp(source, flags);
  } catch (error) {
    throw new Error(`grep pattern is not a valid JavaScript regex (${(error as Error).message}): escape special characters such as ( [ { . * + ? with a backslash`);
  }
  return {
    source,
    flags,
    ignoreCase,
    lineRegex,
    findRegex: new RegExp(source, flags + 'g'),
    maxResults: integerOption('maxResults', options.maxResults, DEFAULT_MAX_RESULTS, 1, MAX_RESULTS_LIMIT),
    context: integerOption('context', options.context, 0, 0, MAX_CONTEXT_LINES),
    glob: globOption(options.glob),
    hasLookaround: /\(\?<?[=!]/.test(source),
  };
}

function integerOption(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`grep option ${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return Math.min(value, max);
}

function globOption(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`grep option glob must be a string such as '*.ts' or 'src/**/*.py', got ${JSON.stringify(value)}`);
  return value;
}

/**
 * The text shown for a matched line: whole when short, else a MAX_LINE_CHARS window around the first
 * match, with '…' marking the cuts.
 */
export function matchExcerpt(line: string, query: GrepQuery): string {
  if (line.length <= MAX_LINE_CHARS) return line;
  query.findRegex.lastIndex = 0;
  const found = query.findRegex.exec(line);
  const at = found ? found.index : 0;
  const start = Math.max(0, Math.min(at - 60, line.length - MAX_LINE_CHARS));
  const end = Math.min(line.length, start + MAX_LINE_CHARS);
  return (start > 0 ? '…' : '') + line.slice(start, end) + (end < line.length ? '…' : '');
}

/** A context line, cut at MAX_LINE_CHARS. */
export function contextExcerpt(line: string): string {
  return line.length <= MAX_LINE_CHARS ? line : line.slice(0, MAX_LINE_CHARS) + '…';
}

/**
 * Gathers matches in the order the engines produce them (file by file in path order, lines ascending)
 * and stops at maxResults or at the end of its time budget. One extra match is looked for, so `capped`
 * means more matches really exist.
 */
export class GrepCollector {
  readonly matches: GrepMatch[] = [];
  capped = false;
  /** The time budget ran out before every file was searched. */
  timedOut = false;
  private readonly deadline: number;

  constructor(private readonly query: GrepQuery, timeBudgetMs: number) {
    this.deadline = Date.now() + timeBudgetMs;
  }

  /** True once no more matches are wanted: maxResults reached, or the time budget spent. */
  get full(): boolean {
    if (this.capped || this.timedOut) return true;
    // Polled per line by the V8 engine; a clock read (~30 ns) is cheap next to a regex test, and one slow
    // line (a backtracking pattern) can take longer than thousands of ordinary ones.
    if (Date.now() > this.deadline) this.timedOut = true;
    return this.timedOut;
  }

  /** Milliseconds left of the time budget (at least 1, for child-process timeouts). */
  remainingMs(): number {
    return Math.max(1, this.deadline - Date.now());
  }

  /** Records a matched line; `lineAt` gives other lines of the same file (1-based) for context. */
  add(path: string, lineNumber: number, text: string, lineAt: (lineNumber: number) => string | undefined): void {
    if (this.capped) return;
    if (this.matches.length >= this.query.maxResults) {
      this.capped = true;
      return;
    }
    const match: GrepMatch = { path, line: lineNumber, text: matchExcerpt(text, this.query) };
    const context = this.query.context;
    if (context > 0) {
      match.before = [];
      match.after = [];
      for (let n = Math.max(1, lineNumber - context); n < lineNumber; n++) {
        const line = lineAt(n);
        if (line !== undefined) match.before.push(contextExcerpt(line));
      }
      for (let n = lineNumber + 1; n <= lineNumber + context; n++) {
        const line = lineAt(n);
        if (line === undefined) break;
        match.after.push(contextExcerpt(line));
      }
    }
    this.matches.push(match);
  }

  result(): GrepResult {
    return this.timedOut ? { matches: this.matches, capped: true, timedOut: true } : { matches: this.matches, capped: this.capped };
  }
}
