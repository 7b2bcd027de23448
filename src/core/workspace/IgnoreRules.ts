// Which workspace paths are left out: the user's exclude list, `.git/info/exclude`, and `.gitignore`
// files at every level (a nested one applies to its own subtree and overrides its parents, negations
// included), with git's semantics as implemented by the `ignore` package.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Excluded unless the caller passes its own list (extend it with `[...DEFAULT_EXCLUDES, 'dist/']`). */
export const DEFAULT_EXCLUDES: readonly string[] = ['node_modules/', '.git/', '.hg/', '.svn/', '__pycache__/', '.venv/'];

/** Version-control metadata is never part of the workspace, whatever the exclude list says. */
const ALWAYS_EXCLUDED: readonly string[] = ['.git', '.hg/', '.svn/']; // '.git' is a file in worktrees and submodules

// The `ignore` package caches every path it tests; rebuilding the matcher now and then keeps memory flat.
const TESTS_BEFORE_CACHE_RESET = 20_000;

/** One rule file (or the exclude option) that applies to the paths under `dir`. */
class RuleFile {
  private matcher: Ignore;
  private tests = 0;

  constructor(readonly dir: string, readonly source: string, private readonly patterns: string) {
    this.matcher = RuleFile.build(patterns);
  }

  private static build(patterns: string): Ignore {
    // Git matches case-sensitively on the file systems we run on; the package defaults to ignoring case.
    return ignore({ ignorecase: false }).add(patterns);
  }

  /** Git's verdict for a path relative to `dir` ('dir/' form for directories). */
  test(relativeToDir: string): { ignored: boolean; unignored: boolean } {
    if (++this.tests > TESTS_BEFORE_CACHE_RESET) this.compact();
    return this.matcher.test(relativeToDir);
  }

  compact(): void {
    this.matcher = RuleFile.build(this.patterns);
    this.tests = 0;
  }
}

/** Where a path's exclusion comes from, for messages such as "ignored by src/.gitignore". */
export interface IgnoreVerdict {
  ignored: boolean;
  /** The rule file (or 'the exclude option') that decided, when ignored. */
  source?: string;
}

export class IgnoreRules {
  private readonly excludes: RuleFile;
  /** Rule files by the directory they apply to; the root has `.git/info/exclude` then `.gitignore`. */
  private readonly byDir = new Map<string, RuleFile[]>();

  constructor(private readonly root: string, exclude: readonly string[] = DEFAULT_EXCLUDES) {
    this.excludes = new RuleFile('', 'the exclude option', [...ALWAYS_EXCLUDED, ...exclude].join('\n'));
  }

  /** (Re)reads the rule files of one directory; call it before testing anything inside that directory. */
  loadDirectory(dir: string): void {
    const files: RuleFile[] = [];
    if (dir === '') {
      const info = readText(path.join(this.root, '.git', 'info', 'exclude'));
      if (info !== undefined) files.push(new RuleFile('', '.git/info/exclude', info));
    }
    const gitignore = readText(path.join(this.root, dir, '.gitignore'));
    if (gitignore !== undefined) files.push(new RuleFile(dir, dir === '' ? '.gitignore' : `${dir}/.gitignore`, gitignore));
    if (files.length > 0) this.byDir.set(dir, files);
    else this.byDir.delete(dir);
  }

  /** Forgets the rule files of a directory and everything under it (the directory went away or is ignored). */
  forgetSubtree(dir: string): void {
    for (const key of [...this.byDir.keys()]) {
      if (dir === '' || key === dir || key.startsWith(dir + '/')) this.byDir.delete(key);
    }
  }

  /**
   * The verdict for one path whose ancestor directories are known not to be ignored (the walk's case).
   * Deeper rule files override shallower ones, as in git.
   */
  check(relative: string, isDirectory: boolean): IgnoreVerdict {
    const tested = isDirectory ? relative + '/' : relative;
    if (this.excludes.test(tested).ignored) return { ignored: true, source: this.excludes.source };
    let verdict: IgnoreVerdict = { ignored: false };
    for (const dir of ancestorDirs(relative)) {
      const files = this.byDir.get(dir);
      if (!files) continue;
      const local = dir === '' ? tested : tested.slice(dir.length + 1);
      for (const file of files) {
        const result = file.test(local);
        if (result.ignored) verdict = { ignored: true, source: file.source };
        else if (result.unignored) verdict = { ignored: false };
      }
    }
    return verdict;
  }

  /** Like `check`, but also checks every ancestor directory (for single-path updates outside a walk). */
  checkDeep(relative: string, isDirectory: boolean): IgnoreVerdict {
    const parts = relative.split('/');
    for (let i = 1; i < parts.length; i++) {
      const verdict = this.check(parts.slice(0, i).join('/'), true);
      if (verdict.ignored) return verdict;
    }
    return this.check(relative, isDirectory);
  }

  /** Drops the matchers' caches (call after a full scan). */
  compact(): void {
    this.excludes.compact();
    for (const files of this.byDir.values()) for (const file of files) file.compact();
  }
}

/** '' then each ancestor directory of a path, shallowest first ('a/b/c.ts' -> '', 'a', 'a/b'). */
function* ancestorDirs(relative: string): Generator<string> {
  yield '';
  let slash = relative.indexOf('/');
  while (slash !== -1) {
    yield relative.slice(0, slash);
    slash = relative.indexOf('/', slash + 1);
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
