// A task's context in the form each mode needs: the RLM gets a text or a workspace to explore; the plain
// model gets text. A workspace becomes text the way one would paste it: every file the workspace index keeps
// (so ignored and credential files stay out, as in the RLM), under a header with its path, lines numbered so
// that "path:line" questions can be answered.

import { readFile } from 'node:fs/promises';
import type { RlmContext } from '../loop/options';
import type { Workspace } from '../workspace/types';
import type { TaskContext } from './EvalTask';

/** Opens (once) the workspace of a folder; the caller decides its excludes and closes it. */
export type WorkspaceSource = (path: string) => Promise<Workspace>;

export async function rlmContextOf(context: TaskContext, workspaces: WorkspaceSource): Promise<RlmContext> {
  if (context.kind === 'workspace') return { kind: 'workspace', workspace: await workspaces(context.path) };
  return { kind: 'text', text: context.kind === 'text' ? context.text : await readFile(context.path, 'utf8') };
}

export async function contextAsText(context: TaskContext, workspaces: WorkspaceSource, signal?: AbortSignal): Promise<string> {
  if (context.kind === 'text') return context.text;
  if (context.kind === 'file') return readFile(context.path, 'utf8');
  return workspaceAsText(await workspaces(context.path), signal);
}

export async function workspaceAsText(workspace: Workspace, signal?: AbortSignal): Promise<string> {
  const files = (await workspace.files(undefined, { signal })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const parts: string[] = [];
  for (const file of files) {
    const text = await workspace.read(file.path, undefined, undefined, { signal });
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    parts.push(`==> ${file.path} <==\n${lines.map((line, i) => `${i + 1}| ${line}`).join('\n')}\n`);
  }
  return parts.join('\n');
}
