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

/** A workspace's text is the same for every task about it in one eval: render it once. */
const rendered = new WeakMap<Workspace, Promise<string>>();

export async function contextAsText(context: TaskContext, workspaces: WorkspaceSource, signal?: AbortSignal): Promise<string> {
  if (context.kind === 'text') return context.text;
  if (context.kind === 'file') return readFile(context.path, 'utf8');
  const workspace = await workspaces(context.path);
  let text = rendered.get(workspace);
  if (!text) {
    text = workspaceAsText(workspace);
    // A failed render is not kept: the next task tries again.
    text.catch(() => rendered.delete(workspace));
    rendered.set(workspace, text);
  }
  return signal ? untilAborted(text, signal) : text;
}

/** `promise`, or a rejection as soon as `signal` fires (the work itself goes on for the next task). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

export async function workspaceAsText(workspace: Workspace): Promise<string> {
  const files = (await workspace.files()).items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const parts: string[] = [];
  for (const file of files) {
    const text = await workspace.read(file.path);
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    parts.push(`==> ${file.path} <==\n${lines.map((line, i) => `${i + 1}| ${line}`).join('\n')}\n`);
  }
  return parts.join('\n');
}
