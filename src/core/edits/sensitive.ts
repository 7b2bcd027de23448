// Sensitive edits: changes a reviewer must look at on their own, because they reach past the code into what
// runs commands or holds secrets: editor and CI configuration, git's own files, scripts, build and task files,
// package manager settings, environment and credential files. A model that read planted instructions can slip
// one into a long change set; these are never applied in bulk (the CLI's --apply refuses them without
// --allow-sensitive, the editor's Accept All leaves them out) and the validation command never runs after one
// was written. This module owns the list; docs/refactors.md ("Sensitive edits") documents it, and users extend it
// (rlm.sensitivePaths, --sensitive-path) but never shorten it.
//
// Patterns are gitignore-style (the `ignore` package, as for excludes and credential files), matched
// case-insensitively on the path as a case-insensitive file system sees it (editPath.ts), against the path and,
// for a rename, the old path. A few files are sensitive by their content (sensitiveContent.ts): a script
// starting with `#!`, a package.json whose scripts change, a pyproject.toml changed outside its metadata.
import ignore, { type Ignore } from 'ignore';
import { DEFAULT_CREDENTIAL_FILES } from '../workspace/credentialFiles';
import { comparablePath } from './editPath';
import { contentReason } from './sensitiveContent';
import type { FileChange } from './types';

interface Category {
  /** Completes "sensitive: ...": what the file is and why its change matters. */
  reason: string;
  patterns: readonly string[];
}

/** In order: the first category a path matches gives its reason (CI before git's `.git*`, for `.gitlab-ci.yml`). */
export const SENSITIVE_CATEGORIES: readonly Category[] = [
  {
    reason: 'CI configuration: its commands run on your CI, with the repository\'s secrets',
    patterns: [
      '.github/', '.gitlab-ci.yml', '.gitlab/', '.circleci/', 'azure-pipelines.yml', 'azure-pipelines.yaml', '.azure-pipelines/', '.azuredevops/',
      'Jenkinsfile', '*.jenkinsfile', '.travis.yml', '.buildkite/', 'bitbucket-pipelines.yml', '.drone.yml', '.drone.yaml', 'appveyor.yml', '.appveyor.yml',
      '.woodpecker.yml', '.woodpecker/', 'cloudbuild.yaml', 'cloudbuild.yml', 'buildspec.yml', '.cirrus.yml', 'codemagic.yaml', '.semaphore/', '.tekton/', 'bitrise.yml',
    ],
  },
  {
    reason: 'git hook configuration: its commands run on every commit or push',
    patterns: ['.husky/', '.pre-commit-config.yaml', '.pre-commit-hooks.yaml', 'lefthook.yml', 'lefthook.yaml', '.lefthook.yml', '.lefthook/', '.githooks/', '.git-hooks/'],
  },
  {
    reason: 'read by git itself: .gitattributes and .gitmodules can make git run filters or fetch code, .gitignore decides what git hides',
    patterns: ['.git*'],
  },
  {
    reason: 'editor configuration: it can set commands the editor runs (tasks, launch and dev container configurations, settings such as rlm.validateCommand)',
    patterns: ['.vscode/', '*.code-workspace', '.devcontainer/', '.devcontainer.json', '.idea/', '.zed/', '.fleet/'],
  },
  {
    reason: 'a shell script: its commands run as written wherever it is called',
    patterns: ['*.sh', '*.bash', '*.zsh', '*.ksh', '*.fish', '*.command', '*.ps1', '*.psm1', '*.bat', '*.cmd'],
  },
  {
    reason: 'a build or task file: the commands it names run when you build or test (make, just, tox, docker...)',
    patterns: [
      'Makefile', 'GNUmakefile', '*.mk', '*.mak', 'justfile', '.justfile', 'Taskfile.yml', 'Taskfile.yaml', 'Rakefile', 'tox.ini', 'noxfile.py',
      'setup.py', 'setup.cfg', 'build.rs', 'Dockerfile', '*.dockerfile', 'Containerfile', 'docker-compose*.yml', 'docker-compose*.yaml', 'compose.yml', 'compose.yaml',
      'Vagrantfile', 'gradlew', 'gradlew.bat', 'gradle/wrapper/', 'mvnw', 'mvnw.cmd', '.mvn/',
    ],
  },
  {
    reason: 'package manager configuration: it decides where packages come from and what runs when they install, and may hold tokens',
    patterns: [
      '.npmrc', '.yarnrc', '.yarnrc.yml', '.yarn/plugins/', '.yarn/releases/', '.pnpmfile.cjs', 'bunfig.toml', '.pypirc', 'pip.conf', '.condarc',
      '.cargo/config', '.cargo/config.toml', '.bundle/config', '.gemrc', 'nuget.config',
    ],
  },
  {
    reason: 'an environment file: tools load it into the commands they run (direnv runs .envrc as shell code), and it may hold credentials',
    patterns: ['.env', '.env.*', '*.env', '.envrc', '!.env.example', '!.env.sample', '!.env.template', '!.env.dist'],
  },
  {
    reason: 'a credential file: it holds keys or tokens (see "Credential files" in the README)',
    patterns: DEFAULT_CREDENTIAL_FILES,
  },
];

interface BuiltIn {
  /** Every built-in positive pattern at once: most paths match none, and one test tells. */
  any: Ignore;
  categories: Array<{ reason: string; matcher: Ignore }>;
}

let compiled: BuiltIn | undefined;

/** The built-in list, compiled once per process (tens of milliseconds the first time, on the thread that asks). */
function builtIn(): BuiltIn {
  compiled ??= {
    any: ignore().add(SENSITIVE_CATEGORIES.flatMap((c) => c.patterns.filter((p) => !p.startsWith('!')))),
    categories: SENSITIVE_CATEGORIES.map((c) => ({ reason: c.reason, matcher: ignore().add([...c.patterns]) })),
  };
  return compiled;
}

/** Decides which files of a change set are sensitive, and why: the built-in list plus the user's patterns. */
export class SensitivePaths {
  private readonly builtIn = builtIn();
  private readonly extra: Array<{ pattern: string; matcher: Ignore }>;

  /**
   * @param extra more gitignore-style patterns (rlm.sensitivePaths, --sensitive-path). A negation (`!x`) has no
   * effect: nothing takes a path off the built-in list.
   * @param source names where `extra` came from in reasons ("rlm.sensitivePaths").
   */
  constructor(extra: readonly string[] = [], private readonly source = 'your sensitive paths') {
    this.extra = [...new Set(extra.map((p) => p.trim()))]
      .filter((p) => p !== '' && !p.startsWith('!') && !p.startsWith('#'))
      .map((pattern) => ({ pattern, matcher: ignore().add(pattern) }));
  }

  /** Why a path is sensitive by its name, completing "<path> is ..." (undefined: it is not). */
  reasonForPath(path: string): string | undefined {
    const comparable = comparablePath(path);
    if (this.builtIn.any.ignores(comparable)) for (const { reason, matcher } of this.builtIn.categories) if (matcher.ignores(comparable)) return reason;
    for (const { pattern, matcher } of this.extra) if (matcher.ignores(comparable)) return `listed in ${this.source} ('${pattern}')`;
    return undefined;
  }

  /** Why a file's change is sensitive: its path, its old path, or what it changes (undefined: it is not). */
  reasonFor(file: Pick<FileChange, 'path' | 'from' | 'base' | 'text'>): string | undefined {
    const byPath = this.reasonForPath(file.path);
    if (byPath) return `${file.path} is ${byPath}`;
    if (file.from !== undefined) {
      const byOrigin = this.reasonForPath(file.from);
      if (byOrigin) return `${file.from} (renamed to ${file.path}) is ${byOrigin}`;
    }
    return contentReason(file);
  }

  /** The sensitive files of a change set: path -> why. */
  of(files: readonly Pick<FileChange, 'path' | 'from' | 'base' | 'text'>[]): Map<string, string> {
    const found = new Map<string, string>();
    for (const file of files) {
      const reason = this.reasonFor(file);
      if (reason) found.set(file.path, reason);
    }
    return found;
  }
}
