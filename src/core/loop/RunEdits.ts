// The changes one run proposes. Model code calls propose_edit, propose_rename, propose_delete and
// pending_edits; each proposal becomes an `edit_proposed` event under the cell that made it, and later
// read() calls see the pending text. Nothing is written: the run's result carries the change set, and the
// CLI or the editor turns it into a patch or a reviewed WorkspaceEdit.
//
// A child run (rlm_query) proposes into its own RunEdits, whose base is its parent's view; when it returns,
// the parent integrates the child's changes (see ../edits) and keeps what collides as conflicts for the root
// model to resolve. (Integration: wired next, see issue 8.)

import { ChangeSet } from '../edits/ChangeSet';
import { diffTexts, unifiedDiff } from '../edits/lineDiff';
import type { BaseReader, Edit, ProposalResult } from '../edits/types';
import { truncateOutput } from '../sandbox/truncate';
import type { HostCall, HostFunctionSpec } from '../sandbox/types';
import type { RlmRun } from './RlmRun';

/** How a proposal's diff is cut in its trajectory event (the change set keeps the whole text). */
const EVENT_DIFF_CHARS = 20_000;

export class RunEdits {
  readonly changes: ChangeSet;
  private proposalSeq = 0;

  constructor(readonly base: BaseReader) {
    this.changes = new ChangeSet(base);
  }

  /** What a reader of `path` sees now: the pending text, undefined for a deleted file. */
  view(path: string): Promise<string | undefined> {
    return this.changes.textOf(path);
  }

  /** True when some proposal touched `path` (read() then answers from the change set, not the disk). */
  touches(path: string): boolean {
    return this.changes.touches(path);
  }

  /** Records one proposal's event under the cell that made it. */
  async propose(run: RlmRun, path: string, make: () => Promise<ProposalResult>): Promise<ProposalResult> {
    const before = await this.changes.textOf(path).catch(() => undefined);
    const result = await make();
    const after = await this.changes.textOf(result.path);
    const cellId = run.currentCellId ?? run.id;
    run.scope.trajectory.emit({
      type: 'edit_proposed', time: Date.now(), id: `${cellId}.e${++this.proposalSeq}`, parentId: cellId,
      path: result.path, change: result.kind, ...(result.from ? { from: result.from } : {}),
      added: result.added, removed: result.removed, ...(result.description ? { description: result.description } : {}),
      diff: truncateOutput(unifiedDiff(result.from ?? path, result.kind === 'delete' ? undefined : result.path, diffTexts(before, after)), EVENT_DIFF_CHARS),
    });
    return result;
  }
}

/** The sandbox functions over the current run's RunEdits. */
export function editFunctions(current: () => RlmRun & { edits: RunEdits }): Record<string, HostFunctionSpec> {
  const blocking = (fn: (args: unknown[], call: HostCall) => Promise<unknown>): HostFunctionSpec => ({ kind: 'blocking', fn });
  return {
    propose_edit: blocking(async ([path, edit, description]) => {
      const run = current();
      if (description !== undefined && description !== null && typeof description !== 'string') throw new Error('propose_edit: description must be a string');
      return run.edits.propose(run, String(path), () => run.edits.changes.proposeEdit(path as string, edit as Edit, description ?? undefined));
    }),
    propose_rename: blocking(async ([from, to]) => {
      const run = current();
      return run.edits.propose(run, String(from), () => run.edits.changes.proposeRename(from as string, to as string));
    }),
    propose_delete: blocking(async ([path]) => {
      const run = current();
      return run.edits.propose(run, String(path), () => run.edits.changes.proposeDelete(path as string));
    }),
    pending_edits: blocking(async () => ({ files: current().edits.changes.pending(), conflicts: [] })),
  };
}
