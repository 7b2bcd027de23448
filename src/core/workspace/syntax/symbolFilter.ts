// The filters of symbols(): names and paths as exact strings, globs or `/regex/flags`, and the cheap text
// test that picks which not-yet-indexed files could define a name.
import picomatch from 'picomatch';
import type { SymbolFilter } from './types';

export type Matcher = (value: string) => boolean;

const REGEX_LITERAL = /^\/(.+)\/([a-z]*)$/s;
const GLOB_CHARS = /[*?[\]{}]/;

function parseRegex(pattern: string, what: string): RegExp | undefined {
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

export function nameMatcher(pattern: string): Matcher {
  const re = parseRegex(pattern, 'name') ?? (/[*?]/.test(pattern) ? nameGlobToRegex(pattern) : undefined);
  return re ? (v) => re.test(v) : (v) => v === pattern;
}

/** A plain path also matches everything under it, so `src/core` selects a folder. */
export function pathMatcher(pattern: string): Matcher {
  const re = parseRegex(pattern, 'path');
  if (re) return (v) => re.test(v);
  const clean = pattern.replace(/^\.\//, '').replace(/\/+$/, '');
  if (!GLOB_CHARS.test(clean)) return (v) => v === clean || v.startsWith(clean + '/');
  const glob = picomatch(clean, { dot: true });
  return (v) => glob(v);
}

export function kindMatcher(kind: string | string[]): Matcher {
  const wanted = new Set((Array.isArray(kind) ? kind : [kind]).map((k) => k.toLowerCase()));
  return (v) => wanted.has(v);
}

export function symbolPredicate(filter: SymbolFilter): (s: { name: string; kind: string }) => boolean {
  const name = filter.name !== undefined ? nameMatcher(filter.name) : undefined;
  const kind = filter.kind !== undefined ? kindMatcher(filter.kind) : undefined;
  return (s) => (!name || name(s.name)) && (!kind || kind(s.kind));
}

/**
 * A test on a file's text that every file defining a matching name passes (it contains the name), or
 * undefined when no safe test exists and every candidate file must be parsed.
 */
export function namePrefilter(pattern: string): Matcher | undefined {
  const m = REGEX_LITERAL.exec(pattern);
  if (m) {
    let src = m[1];
    // Anchors refer to the name's ends, which sit mid-line in the text: drop them where that is safe.
    if (src.startsWith('^')) src = src.slice(1);
    if (src.endsWith('$') && !src.endsWith('\\$')) src = src.slice(0, -1);
    if (/[\^$]|\(\?<[=!]|\\B/.test(src)) return undefined;
    try {
      const re = new RegExp(src, m[2].replace(/[gy]/g, ''));
      return (text) => re.test(text);
    } catch {
      return undefined;
    }
  }
  const literals = pattern.split(/[*?]+/).filter((p) => p.length > 0);
  if (literals.length === 0) return undefined;
  return (text) => literals.every((l) => text.includes(l));
}
