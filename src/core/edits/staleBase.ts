// The stale-base guard, one policy for the CLI's --apply (applyChanges.ts) and the editor's review
// (extension/review/ChangeReview.ts). A proposal was made against the text the run read; the file may have changed
// since (the user typed, git switched branch). Unchanged, the proposal applies as it is; changed, its edits are
// re-applied onto the file by three-way merge when that merges cleanly; otherwise nothing of it is applied. A delete
// is never merged: a file changed since is not deleted. The reasons are worded here; each caller says what it did.
import { lineSpan } from './conflicts';
import { merge3 } from './merge3';

export type Reapplied =
  /** The file is as the run read it: the proposal as it is (undefined: delete it). */
  | { kind: 'unchanged'; text: string | undefined }
  /** Changed since, and the proposal merged onto it cleanly. */
  | { kind: 'merged'; text: string }
  /** Changed since, and the change overlaps the proposal (or the proposal deletes it): nothing applies. */
  | { kind: 'refused'; why: string };

/**
 * A proposal (`proposal`; undefined for a delete) made against `base`, for the file `source` whose text is `now`.
 * A file deleted since is the caller's to report (`deletedSince`): there is nothing to merge onto.
 */
export function reapply(source: string, base: string, now: string, proposal: string | undefined): Reapplied {
  if (now === base) return { kind: 'unchanged', text: proposal };
  if (proposal === undefined) return { kind: 'refused', why: `${source} changed since the run read it` };
  const merged = merge3(base, now, proposal);
  if (merged.clean) return { kind: 'merged', text: merged.text };
  const spans = merged.conflicts.map((c) => lineSpan(c.ours.start, c.ours.lines)).join(', ');
  return { kind: 'refused', why: `${source} changed since the run read it, and the changes overlap the proposal (${spans} of the file now)` };
}

/** What `merged` means to the user, said the same way by the CLI and the review. */
export const mergedSince = (source: string): string => `${source} changed since the run read it: the proposal was re-applied onto it by three-way merge`;

/** Why a proposal for a file that is gone applies nowhere. */
export const deletedSince = (source: string): string => `${source} was deleted since the run read it`;
