// What the user asks to attach to a question, before the workspace checked it (focus.ts checks it). Pure types
// with no imports: the message protocol shares them with the webviews.

export type ProblemSeverity = 'error' | 'warning' | 'info' | 'hint';

/** One entry of the editor's Problems list. */
export interface ProblemEntry {
  path: string;
  line: number;
  severity: ProblemSeverity;
  message: string;
  source?: string;
}

export type ChangeStatus = 'modified' | 'added' | 'deleted' | 'renamed' | 'untracked';

/** One uncommitted change of a file (see core/workspace/gitChanges.ts). */
export interface ChangeEntry {
  path: string;
  status: ChangeStatus;
  /** For a rename: the old path. */
  from?: string;
  added?: number;
  removed?: number;
  /** The changed line ranges of the file as it is now (1-based, inclusive): where to read. */
  ranges?: Array<[number, number]>;
}

/** What the user asks to attach, before the workspace checked it. */
export type FocusRequest =
  | { kind: 'path'; path: string }
  | { kind: 'selection'; path: string; startLine: number; endLine: number }
  | { kind: 'problems'; problems: ProblemEntry[] }
  | { kind: 'changes'; changes: ChangeEntry[] };
