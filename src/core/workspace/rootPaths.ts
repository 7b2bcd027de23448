// Whether a path lies inside a folder, for every check of the kind (PathGuard, confined reads, the sub-call cache's
// folder, the editor's file events), and paths that come from model text or another program (a link in an answer,
// a file an answer cites, a trace a client names) kept to the workspace's folders: lexically first, then by real
// path, so a symlink cannot lead out.

import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Symlinks followed at most in one path, as Linux's MAXSYMLINKS: past it a loop is taken for what it is. */
const MAX_LINKS = 40;

/**
 * The absolute paths a link may name, one per root it lies inside (roots in order; a relative path is taken
 * relative to each root); empty for anything outside them all. Lexical: the caller checks real paths (symlinks).
 */
export function confineToRoots(path: string, roots: readonly string[]): string[] {
  const candidates: string[] = [];
  const cleaned = path.replace(/\\/g, '/').replace(/^file:\/\//, '');
  for (const root of roots) {
    const absolute = isAbsolute(cleaned) ? resolve(cleaned) : resolve(root, cleaned);
    if (isInside(root, absolute)) candidates.push(absolute);
  }
  return candidates;
}

/** `absolute` relative to `root`, '/'-separated ('' for the root itself); undefined when it lies outside the root. */
export function pathInside(root: string, absolute: string): string | undefined {
  const rel = relative(resolve(root), absolute);
  return rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel) ? undefined : rel.split(sep).join('/');
}

/** True when `absolute` is `root` or lies under it (lexically: callers that care about symlinks pass real paths). */
export function isInside(root: string, absolute: string): boolean {
  return pathInside(root, absolute) !== undefined;
}

/**
 * The real path `path` has, or will have once made (a cache folder created on first use): the real path of its
 * nearest existing ancestor with the rest appended, a symlink to nowhere yet followed to where it points. Compared
 * with isInside, no symlink (the path's, or one above it) can hide that a folder lies inside another.
 */
export function realPathToBe(path: string, links = 0): string {
  const absolute = resolve(path);
  try {
    return realpathSync.native(absolute);
  } catch {
    const parent = dirname(absolute);
    if (parent === absolute || links > MAX_LINKS) return absolute;
    const inParent = join(realPathToBe(parent, links), basename(absolute));
    const target = linkTarget(inParent);
    return target === undefined ? inParent : realPathToBe(resolve(dirname(inParent), target), links + 1);
  }
}

function linkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/** The first of `path`'s candidates in `roots` that is a file whose real path is inside a root too; undefined when none is. */
export async function realFileIn(path: string, roots: readonly string[]): Promise<string | undefined> {
  const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => r)));
  for (const candidate of confineToRoots(path, roots)) {
    try {
      const real = await realpath(candidate);
      if (realRoots.some((root) => isInside(root, real)) && (await stat(real)).isFile()) return candidate;
    } catch {
      // Not there in this root: try the next.
    }
  }
  return undefined;
}
