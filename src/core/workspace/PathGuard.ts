// Turns a path written by model code into a workspace-relative one and keeps it inside the root.
// Model code is untrusted: '..', absolute paths and symlinks that lead out of the root are refused with
// an error the model can act on.

import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { isInside, pathInside } from './rootPaths';

const EXAMPLE = "use a workspace-relative path such as 'src/index.ts' (see files())";

export class PathGuard {
  /** @param root the workspace root; it must already be a real path (no symlinks in it). */
  constructor(readonly root: string) {}

  /**
   * The workspace-relative form of `input` ('' for the root itself), with '/' separators and no
   * leading './' or trailing '/'. Throws for paths that leave the root.
   */
  relative(input: unknown): string {
    if (typeof input !== 'string') {
      throw new Error(`Expected a path string but got ${input === null ? 'null' : typeof input}: ${EXAMPLE}`);
    }
    const slashed = input.trim().replace(/\\/g, '/');
    if (slashed.includes('\0')) throw new Error(`Path ${JSON.stringify(input)} contains a NUL character: ${EXAMPLE}`);
    if (slashed.startsWith('/') || /^[A-Za-z]:\//.test(slashed)) {
      const inside = pathInside(this.root, path.resolve(slashed));
      if (inside !== undefined) throw new Error(`Path '${input}' is absolute: use the workspace-relative path '${inside || '.'}' instead`);
      throw new Error(`Path '${input}' is outside the workspace: ${EXAMPLE}`);
    }
    const relative = relativeForm(slashed);
    if (relative === '..' || relative.startsWith('../')) {
      throw new Error(`Path '${input}' is outside the workspace: ${EXAMPLE}`);
    }
    return relative;
  }

  /**
   * The absolute path of a workspace-relative path as `relative()` returns it, normalised (no file-system access).
   * A concatenation: the walk calls it for each of a hundred thousand files, and path.join normalised them again.
   */
  absolute(relative: string): string {
    if (relative === '') return this.root;
    return this.root + path.sep + (path.sep === '/' ? relative : relative.replaceAll('/', path.sep));
  }

  /** True when an absolute real path is the root or lies under it. */
  contains(realPath: string): boolean {
    return isInside(this.root, realPath);
  }

  /**
   * `relative(input)` plus a symlink check: when the path exists, its real path must stay inside the root.
   * Returns the workspace-relative path.
   */
  confine(input: unknown): string {
    const relative = this.relative(input);
    let real: string;
    try {
      real = realpathSync(this.absolute(relative));
    } catch {
      return relative; // missing paths cannot escape; callers report them as missing
    }
    if (!this.contains(real)) {
      throw new Error(`Path '${String(input)}' is a symlink that leads outside the workspace: ${EXAMPLE}`);
    }
    return relative;
  }
}

/**
 * A relative path in the form the workspace names files by ('' for the root): '/' separators, normalised, no './'
 * or trailing '/'. It checks nothing: PathGuard.relative refuses what leaves the root.
 */
export function relativeForm(input: string): string {
  const slashed = input.trim().replace(/\\/g, '/');
  const trimmed = path.posix.normalize(slashed === '' ? '.' : slashed).replace(/\/+$/, '');
  return trimmed === '.' ? '' : trimmed;
}
