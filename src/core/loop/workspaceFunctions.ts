// The workspace as model code sees it: files(), read(), grep(). Thin host functions over the Workspace;
// grep prints a note when it stopped at maxResults, so the model knows the list is not complete.

import type { HostFunctionSpec } from '../sandbox/types';
import type { GrepOptions, Workspace } from '../workspace/types';

export function workspaceFunctions(workspace: Workspace): Record<string, HostFunctionSpec> {
  return {
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

export const WORKSPACE_PRELUDE = `
function grep(pattern, options) {
  if (pattern instanceof RegExp) pattern = '/' + pattern.source + '/' + pattern.flags;
  const result = __rlm_grep(pattern, options);
  if (result.capped) console.log('[grep: stopped at ' + result.matches.length + ' matches (maxResults); narrow the pattern or glob, or pass a larger maxResults]');
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
