// The folders a workspace is narrowed to (`rlm.include`, `--include`): only files under a folder one of the globs
// names (or that a glob names itself) are indexed; the ignore rules and credential files still apply there. A glob
// names folders segment by segment ('packages/api', 'services/*', 'apps/**/src'), so the walk enters a folder only
// when it is inside an included one or on the way to one, and never reads the rest of a monorepo.
//
// The globs come from settings a workspace may write: each segment is matched on its own (a name, at most 255
// characters) and may hold at most MAX_STARS stars, so no glob can make a path test backtrack for long.

import picomatch from 'picomatch';

/** Where a folder or file stands against the include globs. */
export type Inclusion = 'inside' | 'toward' | 'outside';

/** `*` per segment at most: picomatch's lazy loops cost (name length)^stars on a name that fails to match. */
const MAX_STARS = 2;

type Segment = '**' | ((name: string) => boolean);

export class IncludeRules {
  private readonly globs: Segment[][];

  /** Throws a message naming the glob when one cannot be used. */
  constructor(readonly patterns: readonly string[]) {
    this.globs = patterns.map(compile);
  }

  /**
   * 'inside' when the path or one of its folders matches a glob; 'toward' for a folder that a glob may match
   * below (the walk enters it, but its own files are left out); 'outside' otherwise.
   */
  classify(relative: string): Inclusion {
    const names = relative === '' ? [] : relative.split('/');
    let toward = false;
    for (const glob of this.globs) {
      const found = walk(glob, names);
      if (found === 'inside') return 'inside';
      if (found === 'toward') toward = true;
    }
    return toward ? 'toward' : 'outside';
  }
}

/** One glob against a path's names: a set of positions in the glob, advanced name by name (a small NFA). */
function walk(glob: Segment[], names: readonly string[]): Inclusion {
  let positions = closure(glob, new Set([0]));
  for (const name of names) {
    if (positions.has(glob.length)) return 'inside'; // this folder matched: everything below is included
    const next = new Set<number>();
    for (const at of positions) {
      const segment = glob[at];
      if (segment === undefined) continue;
      if (segment === '**') next.add(at); // '**' takes this name and may take more
      else if (segment(name)) next.add(at + 1);
    }
    positions = closure(glob, next);
    if (positions.size === 0) return 'outside';
  }
  return positions.has(glob.length) ? 'inside' : 'toward';
}

/** A '**' may also match no folder at all. */
function closure(glob: Segment[], positions: Set<number>): Set<number> {
  for (const at of positions) if (glob[at] === '**') positions.add(at + 1); // a Set visits what is added while iterating
  return positions;
}

function compile(pattern: string): Segment[] {
  const clean = pattern.trim().replace(/\\/g, '/').replace(/^\.?\/+/, '').replace(/\/+$/, '');
  if (clean === '' || clean.split('/').some((name) => name === '..' || name === '.')) {
    throw new Error(`include: ${JSON.stringify(pattern)} is not a folder inside the workspace; name folders such as 'packages/api' or 'services/*'`);
  }
  return clean.split('/').map((name): Segment => {
    if (name === '**') return '**';
    if (!picomatch.scan(name).isGlob) return (candidate) => candidate === name;
    if ((name.match(/\*/g) ?? []).length > MAX_STARS) {
      throw new Error(`include: ${JSON.stringify(pattern)} has more than ${MAX_STARS} '*' in one folder name; use fewer, or '**' for any depth`);
    }
    return picomatch(name, { dot: true });
  });
}
