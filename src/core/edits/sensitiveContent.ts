// Files sensitive by what their change does rather than by their name (sensitive.ts owns the list by name):
// - a script that starts with `#!`, whatever its name;
// - package.json, when the change touches what npm, yarn or pnpm run (scripts, bin, git hook tools' fields, the
//   package manager itself) or takes a dependency from outside the registry (git, a URL, a path, an alias). A
//   version bump in `dependencies` is not sensitive: the registry's packages are what a lockfile pins and the
//   user installs anyway, and refactors touch those lines;
// - pyproject.toml, when a changed line lies outside its metadata ([project] and its optional dependencies and
//   URLs): [build-system], [project.scripts], entry points and every [tool.*] table name code and commands that
//   build, install and test tools run; a dependency given by URL counts too.
import { basename } from 'node:path';
import { diffTexts } from './lineDiff';
import type { FileChange } from './types';

/** package.json fields whose values are commands, or choose what runs them. */
const PACKAGE_COMMAND_FIELDS = ['scripts', 'bin', 'packageManager', 'husky', 'simple-git-hooks', 'lint-staged', 'gitHooks', 'ghooks', 'pre-commit'] as const;
/** package.json fields holding dependency specs (overrides may nest). */
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'overrides', 'resolutions'] as const;
/** A spec npm does not resolve from the registry by this name: git, URLs, tarballs, paths, aliases, GitHub shorthands. */
const OUTSIDE_REGISTRY = /^(?:git\+|git:|github:|gitlab:|bitbucket:|gist:|https?:|file:|link:|portal:|patch:|exec:|npm:|\.{0,2}\/|~\/)|^[\w.-]+\/[\w.-]+(?:#.*)?$/i;
/** pyproject.toml tables that are metadata only. */
const PYPROJECT_METADATA = new Set(['project', 'project.optional-dependencies', 'project.urls', 'dependency-groups']);
const DIRECT_REFERENCE = /git\+|:\/\/|\s@\s/;

type Change = Pick<FileChange, 'path' | 'from' | 'base' | 'text'>;

/** Why a change is sensitive by its content, as a sentence naming the file (undefined: it is not). */
export function contentReason(file: Change): string | undefined {
  if ([file.base, file.text].some((t) => t !== undefined && /^\ufeff?#!/.test(t))) {
    return `${file.path} starts with #! (a script): its commands run as written wherever it is called`;
  }
  const name = basename(file.path).toLowerCase();
  if (name === 'package.json') return packageJsonReason(file);
  if (name === 'pyproject.toml') return pyprojectReason(file);
  return undefined;
}

function packageJsonReason(file: Change): string | undefined {
  const before = parsed(file.base);
  const after = parsed(file.text);
  if (after === undefined) return `${file.path} is not valid JSON after the change, so what it makes npm run cannot be checked`;
  const fields = PACKAGE_COMMAND_FIELDS.filter((f) => JSON.stringify(before?.[f]) !== JSON.stringify(after[f]));
  if (fields.length > 0) {
    return `${file.path} changes ${fields.map((f) => `"${f}"`).join(', ')}: npm, yarn and pnpm run these commands (npm test, npm install, git hooks)`;
  }
  const old = new Map(specsOf(before ?? {}));
  const outside = specsOf(after).find(([key, spec]) => old.get(key) !== spec && OUTSIDE_REGISTRY.test(spec.trim()));
  if (outside) return `${file.path} takes ${outside[0]} from outside the npm registry (${JSON.stringify(outside[1])}): installing it runs whatever that source holds`;
  return undefined;
}

/** A JSON object's fields, or undefined when the text is absent (deleted: nothing) or not a JSON object. */
function parsed(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text.replace(/^\ufeff/, ''));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Every dependency spec as [field/name, spec], nested overrides included. */
function specsOf(pkg: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (value: unknown, key: string) => {
    if (typeof value === 'string') out.push([key, value]);
    else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walk(v, `${key}/${k}`);
  };
  for (const field of DEPENDENCY_FIELDS) walk(pkg[field], field);
  const pnpm = pkg.pnpm as Record<string, unknown> | undefined;
  if (pnpm && typeof pnpm === 'object') walk(pnpm.overrides, 'pnpm.overrides');
  return out;
}

function pyprojectReason(file: Change): string | undefined {
  const tables = (text: string | undefined) => {
    let table = '(top level)';
    return (text ?? '').split(/\r?\n/).map((line) => {
      const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(line);
      if (header) table = header[1]!.replace(/\s*\.\s*/g, '.').replace(/["']/g, '');
      return table;
    });
  };
  const oldTables = tables(file.base);
  const newTables = tables(file.text);
  for (const hunk of diffTexts(file.base, file.text, 0).hunks) {
    let oldLine = hunk.oldStart - 1;
    let newLine = hunk.newStart - 1;
    for (const line of hunk.lines) {
      const sign = line[0];
      if (sign !== '-' && sign !== '+') continue;
      const table = sign === '-' ? oldTables[oldLine++] : newTables[newLine++];
      if (/^\s*(?:#.*)?$/.test(line.slice(1))) continue; // blank lines and comments change nothing
      if (!PYPROJECT_METADATA.has(table ?? '')) {
        return `${file.path} changes its [${table}] table: build, install and test tools read the code and commands they run from there`;
      }
      if (table !== 'project.urls' && DIRECT_REFERENCE.test(line.slice(1))) {
        return `${file.path} takes a dependency from a URL or git (${line.slice(1).trim()}): installing it runs whatever that source holds`;
      }
    }
  }
  return undefined;
}
