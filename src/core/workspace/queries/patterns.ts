// The patterns model code filters by: files() globs, and symbols() name and path filters (exact, glob or
// `/regex/flags`). A glob or a regex compiles to a regular expression that can backtrack for minutes on an
// unlucky string (picomatch turns `*a*a*a*a*b` into nested lazy loops), and a JavaScript regex cannot be
// interrupted on the thread that runs it. So the host thread only ever answers the literal forms, with
// plain string operations (`literalMatcher`); everything else is compiled and run in a query worker
// (`compilePattern`), under a deadline that terminates the worker if it stalls.

import picomatch from 'picomatch';

/**
 * - fileGlob: files(glob). No '/' in the glob: it matches the file name at any depth ('*.ts'); with '/', the
 *   whole path ('src/**\/*.ts'); a trailing '/', or a path without wildcards that names a folder, means
 *   everything under it ('src/core'). Dotfiles match like any other file.
 * - symbolName: an exact name, a glob (`*`, `?` cross any character), or `/regex/flags`.
 * - symbolPath: an exact path (a folder path selects what is under it), a picomatch glob, or `/regex/flags`.
 */
export type PatternKind = 'fileGlob' | 'symbolName' | 'symbolPath';

export type Matcher = (value: string) => boolean;

const REGEX_LITERAL = /^\/(.+)\/([a-z]*)$/s;
const GLOB_CHARS = /[*?[\]{}]/;

/** Everything matches: no pattern, or a glob that means "all files". */
export function matchesEverything(kind: PatternKind, pattern: string | undefined): boolean {
  if (pattern === undefined || pattern === '') return true;
  return kind === 'fileGlob' && (pattern === '**' || pattern === '**/*');
}

/**
 * A matcher built from string comparisons only, safe on the host thread; undefined when the pattern is a
 * glob or a regex (then a query worker must run it).
 */
export function literalMatcher(kind: PatternKind, pattern: string): Matcher | undefined {
  if (matchesEverything(kind, pattern)) return () => true;
  switch (kind) {
    case 'fileGlob': {
      const clean = cleanFileGlob(pattern).replace(/\/+$/, '');
      if (picomatch.scan(clean).isGlob) return undefined;
      const under = clean + '/';
      const byName = !clean.includes('/');
      return (p) => p === clean || p.startsWith(under) || (byName && p.slice(p.lastIndexOf('/') + 1) === clean);
    }
    case 'symbolName':
      return REGEX_LITERAL.test(pattern) || /[*?]/.test(pattern) ? undefined : (v) => v === pattern;
    case 'symbolPath': {
      if (REGEX_LITERAL.test(pattern)) return undefined;
      const clean = pattern.replace(/^\.\//, '').replace(/\/+$/, '');
      return GLOB_CHARS.test(clean) ? undefined : (v) => v === clean || v.startsWith(clean + '/');
    }
  }
}

/** Compiles any pattern; run it only in a query worker. Throws a clear error for an invalid regex. */
export function compilePattern(kind: PatternKind, pattern: string): Matcher {
  const literal = literalMatcher(kind, pattern);
  if (literal) return literal;
  if (kind === 'fileGlob') {
    const clean = cleanFileGlob(pattern);
    const matcher = picomatch(clean.endsWith('/') ? clean + '**' : clean, { dot: true });
    // Matching the name ourselves is several times faster than picomatch's `basename` option.
    return clean.includes('/') ? matcher : (p) => matcher(p.slice(p.lastIndexOf('/') + 1));
  }
  const what = kind === 'symbolName' ? 'name' : 'path';
  const regex = parseRegexLiteral(pattern, what);
  if (regex) return (v) => regex.test(v);
  if (kind === 'symbolName') {
    const glob = nameGlobToRegex(pattern);
    return (v) => glob.test(v);
  }
  const glob = picomatch(pattern.replace(/^\.\//, '').replace(/\/+$/, ''), { dot: true });
  return (v) => glob(v);
}

/** Checks a pattern's syntax without running it (safe on the host thread: compiling a regex does not backtrack). */
export function checkPattern(kind: PatternKind, pattern: unknown, fn: string, parameter: string): string | undefined {
  if (pattern === undefined || pattern === null) return undefined;
  if (typeof pattern !== 'string') {
    throw new Error(`${fn}: ${parameter} must be a string (an exact value, a glob such as "src/**/*.ts", or "/regex/flags"), got ${describeType(pattern)}`);
  }
  if (kind !== 'fileGlob') parseRegexLiteral(pattern, kind === 'symbolName' ? 'name' : 'path');
  return pattern;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

function cleanFileGlob(glob: string): string {
  return glob.trim().replace(/\\/g, '/').replace(/^\.\//, '');
}

function parseRegexLiteral(pattern: string, what: string): RegExp | undefined {
  const m = REGEX_LITERAL.exec(pattern);
  if (!m) return undefined;
  try {
    return new RegExp(m[1], m[2].replace(/[gy]/g, ''));
  } catch (err) {
    throw new Error(`Invalid ${what} regex ${pattern}: ${(err as Error).message}. Write it as /source/flags, e.g. /^get[A-Z]/.`);
  }
}

/** Glob for names: `*` and `?` cross any character (names have no path separators to respect). */
function nameGlobToRegex(glob: string): RegExp {
  let src = '';
  for (const ch of glob) {
    if (ch === '*') src += '.*';
    else if (ch === '?') src += '.';
    else src += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}

/**
 * Substrings every file that defines a matching name must contain (a name glob's literal parts), so a
 * symbols() query made before indexing finishes parses only those files. Undefined when there is no
 * literal to require (a regex, or a bare `*`): then every file is a candidate. Plain `includes` tests: safe
 * anywhere.
 */
export function nameLiterals(pattern: string): string[] | undefined {
  if (REGEX_LITERAL.test(pattern)) return undefined;
  const literals = pattern.split(/[*?]+/).filter((p) => p.length > 0);
  return literals.length > 0 ? literals : undefined;
}
