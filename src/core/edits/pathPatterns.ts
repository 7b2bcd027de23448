// Gitignore-style patterns compiled for speed: a change set may hold 10,000 files, checked on the editor's host
// thread. The `ignore` package (what the workspace's ignore rules use) tests every rule against a path and each of
// its folders, about 0.1 ms per path with the ~160 sensitive patterns; here literal names are looked up in a set,
// and each kind of glob is one regular expression (picomatch), tested against a path's names or folder prefixes.
//
// The gitignore rules kept: a pattern without a '/' (but a trailing one) matches a name at any depth, a file's or a
// folder's (and then everything under it); a trailing '/' matches folders only; a pattern with a '/' elsewhere is
// relative to the root (a leading '/' is dropped; `**/` matches any depth); `!` takes matching paths back out. A
// negation here undoes any positive pattern, not only earlier ones, and also under a matched folder (git would
// not): the built-in lists negate only names, after their positives, and user patterns never negate.
import picomatch from 'picomatch';

const OPTIONS = { dot: true, nocase: true } as const;

/** One kind of pattern: literal names (most of them) in a set, `*.ext` as suffixes, other globs in one regular expression. */
interface Kind {
  literal: Set<string>;
  suffixes: string[];
  glob?: RegExp;
}

interface Compiled {
  /** Names of files or folders, at any depth. */
  names?: Kind;
  /** Names of folders, at any depth. */
  folderNames?: Kind;
  /** Paths from the root: of the file, or of a folder above it. */
  paths?: Kind;
  /** Paths from the root of a folder above the file. */
  folderPaths?: Kind;
}

type Lists = Map<keyof Compiled, { literal: string[]; suffixes: string[]; globs: string[] }>;
/** `*.ext` (no other wildcard): matched as a suffix. */
const SUFFIX = /^\*(\.[^*?[\]{}()!+@/\\]+)$/;

export class PathPatterns {
  private readonly include: Compiled;
  private readonly exclude: Compiled;

  constructor(patterns: readonly string[]) {
    const lists: { include: Lists; exclude: Lists } = { include: new Map(), exclude: new Map() };
    for (const raw of patterns) {
      let pattern = raw.trim();
      if (pattern === '' || pattern.startsWith('#')) continue;
      const list = pattern.startsWith('!') ? lists.exclude : lists.include;
      pattern = pattern.replace(/^!/, '');
      const folder = pattern.endsWith('/');
      pattern = pattern.replace(/\/+$/, '');
      const rooted = pattern.includes('/');
      pattern = pattern.replace(/^\/+/, '');
      if (pattern === '') continue;
      const kind: keyof Compiled = rooted ? (folder ? 'folderPaths' : 'paths') : folder ? 'folderNames' : 'names';
      const entry = list.get(kind) ?? { literal: [], suffixes: [], globs: [] };
      const suffix = kind === 'names' ? SUFFIX.exec(pattern)?.[1] : undefined;
      if (suffix) entry.suffixes.push(suffix.toLowerCase());
      else if (picomatch.scan(pattern).isGlob) entry.globs.push(picomatch.makeRe(pattern, OPTIONS).source);
      else entry.literal.push(pattern.toLowerCase());
      list.set(kind, entry);
    }
    this.include = compile(lists.include);
    this.exclude = compile(lists.exclude);
  }

  /** True when a workspace-relative path ('/' separators, no leading './') matches. */
  matches(path: string): boolean {
    const names = path.toLowerCase().split('/');
    return test(this.include, names) && !test(this.exclude, names);
  }
}

function compile(lists: Lists): Compiled {
  const compiled: Compiled = {};
  for (const [kind, { literal, suffixes, globs }] of lists) {
    compiled[kind] = { literal: new Set(literal), suffixes, ...(globs.length > 0 ? { glob: new RegExp(globs.map((s) => `(?:${s})`).join('|'), 'i') } : {}) };
  }
  return compiled;
}

function hit(kind: Kind | undefined, text: string): boolean {
  return kind !== undefined && (kind.literal.has(text) || kind.suffixes.some((s) => text.endsWith(s)) || (kind.glob?.test(text) ?? false));
}

/** `names`: the path's names, lower case. */
function test(c: Compiled, names: readonly string[]): boolean {
  const last = names.length - 1;
  for (let i = 0; i <= last; i++) {
    if (hit(c.names, names[i]!)) return true;
    if (i < last && hit(c.folderNames, names[i]!)) return true;
  }
  if (c.paths || c.folderPaths) {
    let prefix = '';
    for (let i = 0; i <= last; i++) {
      prefix = i === 0 ? names[0]! : `${prefix}/${names[i]}`;
      if (hit(c.paths, prefix)) return true;
      if (i < last && hit(c.folderPaths, prefix)) return true;
    }
  }
  return false;
}
