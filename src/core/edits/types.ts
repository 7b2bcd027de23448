// What the edit layer speaks: proposals from model code, the per-file records of a change set, and what a
// reader of a change set (the model's pending_edits(), the trajectory, the CLI, the editor) is shown.
import type { FileChangeKind } from '../trajectory/events';

/**
 * Reads a file's current text in the workspace the edits are made against: undefined when the file does not
 * exist. The engine passes the workspace's confined reader (ignored, credential and outside paths are refused
 * there). It must return the raw text (CRLF and the final newline kept), not `read()`'s normalised lines.
 */
export type BaseReader = (path: string) => Promise<string | undefined>;

/** One replacement: `find` must occur exactly once in the file's pending text. */
export interface FindReplace {
  find: string;
  replace: string;
}

/** The whole new text of the file, or replacements applied in order. */
export type Edit = string | readonly FindReplace[];

/** What a change does to a file: the trajectory's edit_proposed events use the same type. */
export type ChangeKind = FileChangeKind;

/**
 * One file of a change set. `base` is the text the first proposal for it was made against (undefined for a
 * file that did not exist), `text` the pending text (undefined when deleted). A renamed file is keyed by its
 * new `path` and remembers `from`.
 */
export interface FileChange {
  readonly path: string;
  readonly from?: string;
  readonly base: string | undefined;
  /** SHA-256 (hex) of `base`, for the stale-base guard; undefined with `base`. */
  readonly baseSha256: string | undefined;
  readonly text: string | undefined;
  readonly descriptions: readonly string[];
}

/** A file's change as counted lines: what a trajectory event, a summary table or a status line shows. */
export interface FileStat {
  path: string;
  change: ChangeKind;
  /** The old path of a renamed file. */
  from?: string;
  descriptions: string[];
  added: number;
  removed: number;
}

/** A file's change with its unified diff (what `pending_edits()` returns per file). */
export interface PendingFile extends FileStat {
  diff: string;
}

/** What one proposal did, for its trajectory event and as the sandbox function's return value. */
export interface ProposalResult extends FileStat {
  /** The description given with this proposal, if any. */
  description?: string;
}

/** `ChangeSet.toJSON()`: self-contained (base texts included), so it can be applied or merged later. */
export interface ChangeSetJSON {
  version: 1;
  /** Proposals made so far (see ChangeSet.revision). */
  revision: number;
  files: Array<{
    path: string;
    from?: string;
    base: string | null;
    baseSha256: string | null;
    text: string | null;
    descriptions: string[];
  }>;
  /** Path -> the revision of the last proposal that touched it (see ChangeSet.revisionOf). */
  touched: Record<string, number>;
}
