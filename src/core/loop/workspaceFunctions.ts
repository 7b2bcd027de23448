// The workspace as model code sees it: files(), read(), grep(). Thin host functions over the Workspace;
// grep prints a note when it stopped at maxResults, so the model knows the list is not complete.

import type { HostFunctionSpec } from '../sandbox/types';
import type { AstQueryOptions, SymbolFilter } from '../workspace/syntax/types';
import type { GrepOptions, Workspace, WorkspaceSyntax } from '../workspace/types';

export function workspaceFunctions(workspace: Workspace): Record<string, HostFunctionSpec> {
  const syntax = workspace.syntax;
  return {
    ...(syntax ? syntaxFunctions(syntax) : {}),
    files: { fn: (glob) => workspace.files(optionalString(glob, 'files', 'glob')) },
    read: {
      fn: (path, start, end) => {
        if (typeof path !== 'string') throw new Error('read expects a path string, e.g. read("src/index.ts", 1, 80)');
        return workspace.read(path, optionalNumber(start, 'startLine'), optionalNumber(end, 'endLine'));
      },
    },
    __rlm_grep: {
      fn: (pattern, options) => {
        if (typeof pattern !== 'string' || pattern === '') {
          throw new Error('grep expects a regular expression as a non-empty string, e.g. grep("TODO|FIXME", {glob: "src/**"})');
        }
        return workspace.grep(pattern, (options ?? {}) as GrepOptions);
      },
    },
  };
}

function syntaxFunctions(syntax: WorkspaceSyntax): Record<string, HostFunctionSpec> {
  return {
    symbols: { fn: (filter) => syntax.symbols((filter ?? undefined) as SymbolFilter | undefined) },
    ast_query: { fn: (query, options) => syntax.astQuery(query as string, (options ?? undefined) as AstQueryOptions | undefined) },
    outline: {
      fn: (path) => {
        if (typeof path !== 'string') throw new Error('outline expects a path string, e.g. outline("src/server.ts")');
        return syntax.outline(path);
      },
    },
  };
}

/** How the syntax functions are documented in the system prompt (only when the workspace has them). */
export const SYNTAX_FUNCTION_DOCS = [
  '`symbols({name, kind, path}?)` returns `[{name, kind, path, line, endLine, container}]`: definitions found by parsing every file with Tree-sitter (kinds: function, method, class, interface, type, enum, struct, module, constant, macro, field). `name` and `path` take an exact value, a glob (`"get*"`, `"src/**/*.py"`) or a `"/regex/i"` string; `kind` a string or an array. `container` is the enclosing definition (the class of a method). With no argument, every definition in the workspace.',
  '`outline(path)` returns a file\'s definitions as an indented outline with line ranges: read the structure of a large file before its text.',
  '`ast_query(query, {language, glob, maxResults}?)` runs a Tree-sitter S-expression query over matching files and returns `[{path, language, captures: [{name, text, line, endLine}]}]` (default 100 matches). For example `ast_query(\'(call_expression function: (identifier) @fn (#eq? @fn "fetch"))\', {language: "typescript"})`. Languages: typescript, tsx, javascript, python, go, rust, java, c, cpp, csharp, ruby, php.',
];

export const WORKSPACE_PRELUDE = `
function grep(pattern, options) {
  if (pattern instanceof RegExp) pattern = '/' + pattern.source + '/' + pattern.flags;
  const result = __rlm_grep(pattern, options);
  if (result.timedOut) console.log('[grep: ran out of time after ' + result.matches.length + ' matches; the list is incomplete: narrow the glob or simplify the pattern]');
  else if (result.capped) console.log('[grep: stopped at ' + result.matches.length + ' matches (maxResults); narrow the pattern or glob, or pass a larger maxResults]');
  return result.matches;
}
`;

function optionalString(value: unknown, fn: string, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`${fn}: ${name} must be a string, got ${typeof value}`);
  return value;
}

function optionalNumber(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`read: ${name} must be a line number, got ${JSON.stringify(value)}`);
  return value;
}
