// Which workspace paths are left out: the user's exclude list, the rules of the git repository that holds
// the workspace (core.excludesFile, info/exclude, and .gitignore files above the root, each relative to its
// own folder), `.gitignore` files at every level inside (a nested one applies to its own subtree and
// overrides its parents, negations included), nested repositories' own excludes, credential files, and the
// include list (IncludeRules: only some folders).
// Git's semantics as implemented by the `ignore` package.

import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { CREDENTIAL_FILE_REASON, DEFAULT_CREDENTIAL_FILES } from './credentialFiles';
import { findGitRepository, type GitRepository, type GitUserPaths, globalExcludesFile, readText, repositoryAt } from './GitRepository';
import { IncludeRules } from './IncludeRules';

/** Excluded unless the caller passes its own list (extend it with `[...DEFAULT_EXCLUDES, 'dist/']`). */
export const DEFAULT_EXCLUDES: readonly string[] = ['node_modules/', '.git/', '.hg/', '.svn/', '__pycache__/', '.venv/'];

/** Version-control metadata is never part of the workspace, whatever the exclude list says. */
const ALWAYS_EXCLUDED: readonly string[] = ['.git', '.hg/', '.svn/']; // '.git' is a file in worktrees and submodules

// The `ignore` package caches every path it tests; rebuilding the matcher now and then keeps memory flat.
const TESTS_BEFORE_CACHE_RESET = 20_000;


const NO_MATCH = Object.freeze({ ignored: false, unignored: false });

/** One rule file (or option list), tested with paths relative to the folder it applies to. */
class RuleFile {
  private matcher: Ignore;
  private tests = 0;
  private readonly prefilter: RegExp | undefined;

  /** @param prefix what turns a path relative to the rules' folder into one relative to the file's own folder */
  constructor(readonly source: string, private readonly patterns: string, readonly prefix = '') {
    this.matcher = RuleFile.build(patterns);
    this.prefilter = literalPrefilter(patterns);
  }

  private static build(patterns: string): Ignore {
    // Git matches case-sensitively on the file systems we run on; the package defaults to ignoring case.
    return ignore({ ignorecase: false }).add(patterns);
  }

  /** Git's verdict for a path relative to the rules' folder ('dir/' form for directories). */
  test(relative: string): { ignored: boolean; unignored: boolean } {
    const local = this.prefix + relative;
    if (this.prefilter && !this.prefilter.test(local)) return NO_MATCH;
    if (++this.tests > TESTS_BEFORE_CACHE_RESET) this.compact();
    return this.matcher.test(local);
  }

  compact(): void {
    this.matcher = RuleFile.build(this.patterns);
    this.tests = 0;
  }
}

/** Why a path is left out, for messages such as "it is excluded by src/.gitignore". */
export interface IgnoreVerdict {
  ignored: boolean;
  /** Completes the sentence "it is ..." when ignored: 'excluded by src/.gitignore', 'a credential file (...)'. */
  why?: string;
  /** Left out as a credential file (no ignore rule left it out first). */
  credential?: boolean;
}

export interface IgnoreRulesOptions {
  /** Gitignore-style patterns left out on top of the rule files (default DEFAULT_EXCLUDES). */
  exclude?: readonly string[];
  /** Gitignore-style patterns of credential files (default DEFAULT_CREDENTIAL_FILES; `[]` turns it off). */
  credentialFiles?: readonly string[];
  /** Where git's user-level settings live (~/.gitconfig, ~/.config/git/ignore). */
  gitUserPaths: GitUserPaths;
  /** Folders (globs) to index only, see IncludeRules; absent or empty: the whole folder. */
  include?: readonly string[];
}

const NOT_IGNORED: IgnoreVerdict = Object.freeze({ ignored: false });
const CREDENTIAL: IgnoreVerdict = Object.freeze({ ignored: true, why: CREDENTIAL_FILE_REASON, credential: true });
const GLOBAL_EXCLUDES = "git's global excludes file (core.excludesFile)";
const NOT_INCLUDED: IgnoreVerdict = Object.freeze({ ignored: true, why: 'outside the folders the include setting names (rlm.include, --include)' });

export class IgnoreRules {
  private readonly excludes: RuleFile;
  private readonly excludePatterns: readonly string[];
  private readonly credentials: RuleFile | undefined;
  private readonly user: GitUserPaths;
  private readonly include: IncludeRules | undefined;
  /**
   * The enclosing repository's rules, which apply to the whole workspace, lowest precedence first:
   * core.excludesFile, info/exclude, then the .gitignore files from the working tree's top down to the
   * root's parent. Deeper rule files (byDir) override them, as in git.
   */
  private outer: RuleFile[] = [];
  /** Set when the repository leaves out the workspace folder itself: then everything is left out. */
  private rootVerdict: IgnoreVerdict | undefined;
  /** Rule files by the directory they apply to ('' is the root), lowest precedence first. */
  private readonly byDir = new Map<string, RuleFile[]>();

  constructor(private readonly root: string, options: IgnoreRulesOptions) {
    this.excludePatterns = [...ALWAYS_EXCLUDED, ...(options.exclude ?? DEFAULT_EXCLUDES)];
    this.excludes = new RuleFile('the exclude option', this.excludePatterns.join('\n'));
    const credentials = options.credentialFiles ?? DEFAULT_CREDENTIAL_FILES;
    this.credentials = credentials.length > 0 ? new RuleFile('the credential files list', credentials.join('\n')) : undefined;
    this.user = options.gitUserPaths;
    this.include = options.include?.length ? new IncludeRules(options.include) : undefined;
  }

  /**
   * (Re)reads the rule files of one directory; call it before testing anything inside that directory.
   * For the root this also re-reads the enclosing repository's rules (not watched: see README.md).
   * `holds`, when the caller has just listed the directory, says which names are in it: a folder with no
   * `.gitignore` and no `.git` (most of them) then costs no system call. Returns true when it has rules.
   */
  loadDirectory(dir: string, holds?: (name: string) => boolean): boolean {
    const files: RuleFile[] = [];
    if (dir === '') {
      this.loadRepository();
    } else if (!holds || holds('.git')) {
      // A nested repository (a submodule or a clone inside the workspace) has its own excludes.
      const nested = repositoryAt(path.join(this.root, dir));
      if (nested) files.push(...this.repositoryExcludes(nested, '', `${dir}'s git info/exclude`));
    }
    const gitignore = !holds || holds('.gitignore') ? readText(path.join(this.root, dir, '.gitignore')) : undefined;
    if (gitignore !== undefined) files.push(new RuleFile(dir === '' ? '.gitignore' : `${dir}/.gitignore`, gitignore));
    if (files.length > 0) this.byDir.set(dir, files);
    else this.byDir.delete(dir);
    return files.length > 0;
  }

  /** Forgets the rule files of a directory and everything under it (the directory went away or is ignored). */
  forgetSubtree(dir: string): void {
    for (const key of [...this.byDir.keys()]) {
      if (dir === '' || key === dir || key.startsWith(dir + '/')) this.byDir.delete(key);
    }
  }

  /**
   * The verdict for one path whose ancestor directories are known not to be ignored (the walk's case).
   * Deeper rule files override shallower ones, as in git; credential files are left out whatever the rules say.
   */
  check(relative: string, isDirectory: boolean): IgnoreVerdict {
    if (this.rootVerdict) return this.rootVerdict;
    const tested = isDirectory ? relative + '/' : relative;
    if (this.excludes.test(tested).ignored) return excludedBy(this.excludes);
    if (this.include) {
      // A folder on the way to an included one is walked; a file there is not indexed.
      const inclusion = this.include.classify(relative);
      if (inclusion === 'outside' || (inclusion === 'toward' && !isDirectory)) return NOT_INCLUDED;
    }
    let verdict = NOT_IGNORED;
    for (const file of this.outer) verdict = apply(file, tested, verdict);
    for (const dir of ancestorDirs(relative)) {
      const files = this.byDir.get(dir);
      if (!files) continue;
      const local = dir === '' ? tested : tested.slice(dir.length + 1);
      for (const file of files) verdict = apply(file, local, verdict);
    }
    if (!verdict.ignored && !isDirectory && this.credentials?.test(tested).ignored) return CREDENTIAL;
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
    this.credentials?.compact();
    for (const file of this.outer) file.compact();
    for (const files of this.byDir.values()) for (const file of files) file.compact();
  }

  private loadRepository(): void {
    this.outer = [];
    this.rootVerdict = undefined;
    const repository = findGitRepository(this.root);
    if (!repository) return;
    const fromTop = path.relative(repository.worktree, this.root).split(path.sep).filter(Boolean);
    if (fromTop.includes('.git')) {
      this.rootVerdict = { ignored: true, why: "inside the repository's .git folder, which is never part of the workspace" };
      return;
    }
    const prefix = fromTop.length === 0 ? '' : fromTop.join('/') + '/';
    this.outer.push(...this.repositoryExcludes(repository, prefix, "the git repository's info/exclude"));
    for (let depth = 0; depth < fromTop.length; depth++) {
      const folder = path.join(repository.worktree, ...fromTop.slice(0, depth));
      const text = readText(path.join(folder, '.gitignore'));
      if (text !== undefined) this.outer.push(new RuleFile('../'.repeat(fromTop.length - depth) + '.gitignore', text, fromTop.slice(depth).join('/') + '/'));
    }
    // The workspace folder itself, as git would test it on the way down (prefix is its 'dir/' form).
    let verdict = NOT_IGNORED;
    for (const file of this.outer) if (file.prefix !== '') verdict = apply(file, '', verdict);
    if (verdict.ignored) this.rootVerdict = { ignored: true, why: `${verdict.why} (which excludes the workspace folder itself)` };
  }

  /** core.excludesFile then info/exclude of a repository, tested with `prefix` + the path from the rules' folder. */
  private repositoryExcludes(repository: GitRepository, prefix: string, otherInfoSource: string): RuleFile[] {
    const files: RuleFile[] = [];
    const global = globalExcludesFile(repository, this.user);
    const globalText = global === undefined ? undefined : readText(global);
    if (globalText !== undefined) files.push(new RuleFile(GLOBAL_EXCLUDES, globalText, prefix));
    const info = path.join(repository.commonDir, 'info', 'exclude');
    const infoText = readText(info);
    if (infoText !== undefined) {
      // Name it by its path when it sits in the usual place; a linked worktree's or submodule's lives elsewhere.
      const usual = repository.commonDir === path.join(repository.worktree, '.git');
      const source = usual ? path.relative(this.root, info).split(path.sep).join('/') : otherInfoSource;
      files.push(new RuleFile(source, infoText, prefix));
    }
    return files;
  }
}

/**
 * A regex of the literal text each pattern needs somewhere in any path it matches (the longest run without
 * wildcards), so most paths are cleared at regex speed instead of the package's ~9 µs per path with a
 * long list. Undefined, meaning "test everything", when some pattern has no such text or uses escapes.
 */
export function literalPrefilter(patterns: string): RegExp | undefined {
  const literals = new Set<string>();
  for (const line of patterns.split(/\r?\n/)) {
    if (line.startsWith('#')) continue; // only at the very start: ' #x' is a pattern
    const pattern = line.trim(); // a substring of a pattern's literal text is as necessary as the whole
    if (pattern === '') continue;
    if (pattern.includes('\\')) return undefined;
    const runs = pattern.replace(/^!/, '').split(/[*?]|\[[^\]]*\]/);
    if (runs.some((run) => run.includes('['))) return undefined;
    // A leading '/' anchors and '**/' may match no folder at all, so slashes at a run's ends are not required.
    const longest = runs.map((run) => run.replace(/^\/+|\/+$/g, '')).reduce((a, b) => (b.length > a.length ? b : a), '');
    if (longest === '') return undefined;
    literals.add(longest);
  }
  if (literals.size === 0) return /(?!)/; // comments only: nothing can match
  return new RegExp([...literals].map((literal) => literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'));
}

function excludedBy(file: RuleFile): IgnoreVerdict {
  return { ignored: true, why: `excluded by ${file.source}` };
}

/** The verdict after one more rule file: the last file with a matching rule decides. */
function apply(file: RuleFile, relative: string, verdict: IgnoreVerdict): IgnoreVerdict {
  const result = file.test(relative);
  if (result.ignored) return excludedBy(file);
  if (result.unignored) return NOT_IGNORED;
  return verdict;
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
