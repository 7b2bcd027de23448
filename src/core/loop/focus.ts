// What the user attached to a question (files, folders, a selection, the Problems list, the uncommitted changes).
// The model's first message names each by name and size, and the REPL holds them as `context.focus`; their text is
// never pasted: model code reads what it needs with read(), through the same confinement as any read. Here every
// path is checked against the workspace before the question is asked, so an ignored or credential file, or a path
// outside the workspace, is refused with the reason (the chat shows it on the attachment's chip).

import type { PathEntry, Workspace } from '../workspace/types';
import type { ChangeEntry, ChangeStatus, FocusRequest, ProblemEntry } from './focusRequest';

export type { ChangeEntry, ChangeStatus, FocusRequest, ProblemEntry, ProblemSeverity } from './focusRequest';

/** An attachment as the model gets it in context.focus. */
export type FocusItem =
  | PathEntry
  | { kind: 'selection'; path: string; startLine: number; endLine: number }
  /** `hidden`: entries left out because their file may not be read (their messages may quote it). */
  | { kind: 'problems'; problems: ProblemEntry[]; hidden: number; more: number }
  | { kind: 'changes'; changes: ChangeEntry[]; hidden: number; more: number };

export interface FocusRefusal {
  /** The attachment's name, as the chip shows it. */
  label: string;
  reason: string;
}

/** A Problems list or a change list longer than this is cut (the rest counted in `more`): the REPL holds it, not the prompt. */
export const MAX_FOCUS_ENTRIES = 500;
/** A problem's message past this is cut (a linter may quote a whole line). */
const MAX_MESSAGE_CHARS = 500;

/** The attachments the workspace allows, and why each other one was refused. Nothing is read but file records. */
export async function resolveFocus(workspace: Workspace, requests: readonly FocusRequest[]): Promise<{ items: FocusItem[]; refused: FocusRefusal[] }> {
  const items: FocusItem[] = [];
  const refused: FocusRefusal[] = [];
  for (const request of requests) {
    try {
      items.push(await resolveOne(workspace, request));
    } catch (err) {
      refused.push({ label: focusLabel(request), reason: (err as Error).message });
    }
  }
  return { items, refused };
}

async function resolveOne(workspace: Workspace, request: FocusRequest): Promise<FocusItem> {
  switch (request.kind) {
    case 'path':
      return workspace.entry(request.path);
    case 'selection': {
      const entry = await workspace.entry(request.path);
      if (entry.kind !== 'file') throw new Error(`'${entry.path}' is a folder, not a file with a selection`);
      return { kind: 'selection', path: entry.path, startLine: request.startLine, endLine: Math.min(request.endLine, Math.max(request.startLine, entry.lines)) };
    }
    case 'problems': {
      const { kept, hidden } = await readable(workspace, request.problems, (p) => p.path, false);
      if (kept.length === 0 && hidden === 0) throw new Error('The Problems list is empty');
      const problems = kept.slice(0, MAX_FOCUS_ENTRIES).map((p) => ({ ...p, message: p.message.length > MAX_MESSAGE_CHARS ? `${p.message.slice(0, MAX_MESSAGE_CHARS)}…` : p.message }));
      return { kind: 'problems', problems, hidden, more: kept.length - problems.length };
    }
    case 'changes': {
      const { kept, hidden } = await readable(workspace, request.changes, (c) => c.path, true);
      if (kept.length === 0 && hidden === 0) throw new Error('There are no uncommitted changes');
      const changes = kept.slice(0, MAX_FOCUS_ENTRIES);
      return { kind: 'changes', changes, hidden, more: kept.length - changes.length };
    }
  }
}

/**
 * The entries whose file model code may read; a deleted file (with `deletedToo`) when a file at its path could be
 * read, so no name of an ignored or credential file goes through either. Each path is checked once.
 */
async function readable<T extends { path: string; status?: ChangeStatus }>(workspace: Workspace, entries: readonly T[], pathOf: (entry: T) => string, deletedToo: boolean): Promise<{ kept: T[]; hidden: number }> {
  const verdicts = new Map<string, Promise<boolean>>();
  const allowed = (entry: T) => {
    const path = pathOf(entry);
    let verdict = verdicts.get(path);
    if (!verdict) {
      verdict = deletedToo && entry.status === 'deleted'
        ? workspace.readText(path).then((text) => text === undefined, () => false)
        : workspace.entry(path).then((e) => e.kind === 'file', () => false);
      verdicts.set(path, verdict);
    }
    return verdict;
  };
  const checked = await Promise.all(entries.map(async (entry) => ({ entry, ok: await allowed(entry) })));
  const kept = checked.filter((c) => c.ok).map((c) => c.entry);
  return { kept, hidden: entries.length - kept.length };
}

/**
 * The words of an attachment's name and size. English here, as the model's first message has them; the chat's chips
 * pass theirs in the user's language (src/extension/chats/chipWords.ts).
 */
export interface FocusWords {
  /** The names of the Problems list and of the uncommitted changes. */
  problems(): string;
  changes(): string;
  file(lines: number, bytes: number): string;
  folder(files: number, bytes: number): string;
  selection(lines: number): string;
  /** `hidden`: entries left out because their file may not be read. */
  problemList(problems: number, errors: number, files: number, hidden: number): string;
  changeList(files: number, added: number, removed: number, hidden: number): string;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

const ENGLISH: FocusWords = {
  problems: () => 'Problems',
  changes: () => 'Uncommitted changes',
  file: (lines, bytes) => `${plural(lines, 'line')}, ${plural(bytes, 'byte')}`,
  folder: (files, bytes) => `${plural(files, 'file')}, ${plural(bytes, 'byte')}`,
  selection: (lines) => plural(lines, 'line'),
  problemList: (problems, errors, files, hidden) =>
    `${plural(problems, 'problem')} (${plural(errors, 'error')}) in ${plural(files, 'file')}${hidden ? `; ${fmt(hidden)} in files that may not be read left out` : ''}`,
  changeList: (files, added, removed, hidden) => `${plural(files, 'file')} (+${fmt(added)} -${fmt(removed)})${hidden ? `; ${fmt(hidden)} that may not be read left out` : ''}`,
};

/** An attachment's name, as its chip and the first message show it (the lists' names need not their entries). */
export function focusLabel(item: FocusRequest | FocusItem | { kind: 'problems' | 'changes' }, words = ENGLISH): string {
  switch (item.kind) {
    case 'path':
    case 'file':
      return item.path;
    case 'folder':
      return `${item.path || '.'}/`;
    case 'selection':
      return `${item.path}:${item.startLine === item.endLine ? item.startLine : `${item.startLine}-${item.endLine}`}`;
    case 'problems':
      return words.problems();
    case 'changes':
      return words.changes();
  }
}

/** An attachment's size, as its chip and the first message show it. */
export function focusSize(item: FocusItem, words = ENGLISH): string {
  switch (item.kind) {
    case 'file':
      return words.file(item.lines, item.bytes);
    case 'folder':
      return words.folder(item.files, item.bytes);
    case 'selection':
      return words.selection(item.endLine - item.startLine + 1);
    case 'problems': {
      const files = new Set(item.problems.map((p) => p.path)).size;
      const errors = item.problems.filter((p) => p.severity === 'error').length;
      return words.problemList(item.problems.length + item.more, errors, files, item.hidden);
    }
    case 'changes': {
      const added = item.changes.reduce((n, c) => n + (c.added ?? 0), 0);
      const removed = item.changes.reduce((n, c) => n + (c.removed ?? 0), 0);
      return words.changeList(item.changes.length + item.more, added, removed, item.hidden);
    }
  }
}

/** The first message's paragraph on the attachments: names and sizes, never their text. */
export function describeFocus(items: readonly FocusItem[]): string | undefined {
  if (items.length === 0) return undefined;
  const lines = items.map((item, i) => `- context.focus[${i}]: ${item.kind} ${focusLabel(item)} (${focusSize(item)})`);
  return `The user attached these to the question; start with them. Their text is not included here: context.focus holds each (paths, line ranges, problems, changed lines), and read() gives you the files.\n${lines.join('\n')}`;
}
