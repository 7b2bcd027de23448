// The workspace as model code sees it: files(), read(), grep(), and with syntax symbols(), outline() and
// ast_query(). Host functions of kind 'blocking': async on the host (so the editor's thread never waits on a
// disk, a regex or a parser), plain calls in model code. Each gets the cell's abort signal and what is left
// of its deadline. Searches that can be partial print a note, so the model knows the list is not complete.
// Each file read() or outline() gave model code is reported (`onRead`), so a run can say which files it read
// whatever the code computed the path from.

import type { HostCall, HostFunctionSpec } from '../sandbox/types';
import { lineRange, linesIn } from '../workspace/FileSystemWorkspace';
import { relativeForm } from '../workspace/PathGuard';
import { splitLines } from '../workspace/RegexSearch';
import { describeType } from '../workspace/queries/patterns';
import type { AstQueryOptions, SymbolFilter } from '../workspace/syntax/types';
import type { CallControl, GrepOptions, Workspace, WorkspaceSyntax } from '../workspace/types';

/** The proposals read() answers from for a path they changed (the run's RunEdits), or undefined. */
export type ProposedView = (path: string) => { view(path: string): Promise<string | undefined> } | undefined;

/** Told of each workspace file whose text or outline reached model code, by its workspace-relative path. */
export type ReadObserver = (path: string) => void;

export function workspaceFunctions(workspace: Workspace, proposed?: ProposedView, onRead: ReadObserver = () => {}): Record<string, HostFunctionSpec> {
  const syntax = workspace.syntax;
  return {
    ...(syntax ? syntaxFunctions(syntax, onRead) : {}),
    __rlm_files: blocking(([glob], control) => workspace.files(optionalString(glob, 'files', 'glob'), control)),
    read: blocking(async ([path, start, end], control) => {
      if (typeof path !== 'string') throw new Error(`read: path must be a workspace-relative path string, e.g. read("src/index.ts", 1, 80), got ${describeType(path)}`);
      const proposals = proposed?.(path);
      // A proposal's pending text is not the workspace's file: not reported.
      if (proposals) return readProposed(proposals, path, start, end);
      return reported(await workspace.read(path, optionalLine(start, 'startLine'), optionalLine(end, 'endLine'), control), path, control, onRead);
    }),
    __rlm_grep: blocking(([pattern, options], control) => {
      if (typeof pattern !== 'string' || pattern === '') {
        throw new Error(`grep: pattern must be a regular expression as a non-empty string, e.g. grep("TODO|FIXME", {glob: "src/**"}), got ${describeType(pattern)}`);
      }
      return workspace.grep(pattern, optionalObject<GrepOptions>(options, 'grep', '{glob, ignoreCase, maxResults, context}'), control);
    }),
  };
}

/** read() of a file the run proposed to change: its pending text, as read() shows files. */
async function readProposed(proposals: { view(path: string): Promise<string | undefined> }, path: string, start: unknown, end: unknown): Promise<string> {
  const range = lineRange(path, optionalLine(start, 'startLine'), optionalLine(end, 'endLine'));
  const text = await proposals.view(path);
  if (text === undefined) throw new Error(`read('${path}'): your proposals delete or move this file (pending_edits() lists them)`);
  return linesIn(splitLines(text), range);
}

function syntaxFunctions(syntax: WorkspaceSyntax, onRead: ReadObserver): Record<string, HostFunctionSpec> {
  return {
    __rlm_symbols: blocking(([filter], control) => syntax.symbols(optionalObject<SymbolFilter>(filter, 'symbols', '{name, kind, path}'), control)),
    __rlm_ast_query: blocking(([query, options], control) => syntax.astQuery(query as string, optionalObject<AstQueryOptions>(options, 'ast_query', '{language, glob, maxResults}'), control)),
    outline: blocking(async ([path], control) => {
      if (typeof path !== 'string') throw new Error(`outline: path must be a workspace-relative path string, e.g. outline("src/server.ts"), got ${describeType(path)}`);
      return reported(await syntax.outline(path, control), path, control, onRead);
    }),
  };
}

/** What a read gave, reported once it reaches model code (a refused path threw before; a late answer is dropped). */
function reported<T>(value: T, path: string, control: CallControl, onRead: ReadObserver): T {
  if (!control.signal?.aborted) onRead(relativeForm(path));
  return value;
}

/** A host function that runs asynchronously on the host while model code waits for its value. */
function blocking(run: (args: unknown[], control: CallControl) => Promise<unknown>): HostFunctionSpec {
  return { kind: 'blocking', fn: (args: unknown[], call: HostCall) => run(args, { signal: call.signal, timeBudgetMs: call.deadlineMs }) };
}

/** How the syntax functions are documented in the system prompt (only when the workspace has them). */
export const SYNTAX_FUNCTION_DOCS = [
  '`symbols({name, kind, path, maxResults}?)` returns `[{name, kind, path, line, endLine, container}]`: definitions found by parsing every file with Tree-sitter (kinds: function, method, class, interface, type, enum, struct, module, constant, macro, field). `name` and `path` take an exact value, a glob (`"get*"`, `"src/**/*.py"`) or a `"/regex/i"` string; `kind` a string or an array. `container` is the enclosing definition (the class of a method). With no argument, every definition in the workspace (at most 5,000 unless you pass maxResults). While indexing is still running it prints a note when some files could not be parsed in time.',
  '`outline(path)` returns a file\'s definitions as an indented outline with line ranges: read the structure of a large file before its text.',
  '`ast_query(query, {language, glob, maxResults}?)` runs a Tree-sitter S-expression query over matching files and returns `[{path, language, captures: [{name, text, line, endLine}]}]` (default 100 matches). For example `ast_query(\'(call_expression function: (identifier) @fn (#eq? @fn "fetch"))\', {language: "typescript"})`. Languages: typescript, tsx, javascript, python, go, rust, java, c, cpp, csharp, ruby, php.',
];

// files, grep, symbols and ast_query return plain arrays to model code; when the host says the answer is
// partial (a cap, the time budget, the file list or the parsing still running), the wrappers print why.
export const WORKSPACE_PRELUDE = `
function files(glob) {
  const result = __rlm_files(glob);
  if (result.incomplete) console.log('[files: ' + result.incomplete + ']');
  return result.items;
}
function grep(pattern, options) {
  if (pattern instanceof RegExp) pattern = '/' + pattern.source + '/' + pattern.flags;
  const result = __rlm_grep(pattern, options);
  if (result.incomplete) console.log('[grep: ' + result.incomplete + ']');
  if (result.timedOut) console.log('[grep: ran out of time after ' + result.matches.length + ' matches; the list is incomplete: narrow the glob or simplify the pattern]');
  else if (result.capped) console.log('[grep: stopped at ' + result.matches.length + ' matches (maxResults); narrow the pattern or glob, or pass a larger maxResults]');
  return result.matches;
}
`;

export const SYNTAX_PRELUDE = `
function symbols(filter) {
  const result = __rlm_symbols(filter);
  if (result.incomplete) console.log('[symbols: ' + result.incomplete + ']');
  return result.items;
}
function ast_query(query, options) {
  const result = __rlm_ast_query(query, options);
  if (result.incomplete) console.log('[ast_query: ' + result.incomplete + ']');
  return result.items;
}
`;

function optionalString(value: unknown, fn: string, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`${fn}: ${name} must be a string, got ${describeType(value)}`);
  return value;
}

function optionalObject<T>(value: unknown, fn: string, shape: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${fn}: options must be an object ${shape}, got ${describeType(value)}`);
  return value as T;
}

function optionalLine(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`read: ${name} must be a line number, got ${describeType(value)}`);
  return value;
}
