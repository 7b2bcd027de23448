// The changes one run proposes. Model code calls propose_edit, propose_rename, propose_delete and
// pending_edits; each proposal becomes an `edit_proposed` event under the cell that made it, and later read()
// calls see the pending text. Nothing is written: the run's result carries the change set, and the CLI or the
// editor turns it into a patch or a reviewed edit.
//
// A child run (rlm_query: one partition of a refactor) proposes into a RunEdits of its own whose base is its
// parent's view when the child started (a snapshot: partitions running side by side all start from the same
// texts, whatever finishes meanwhile). When it returns, the parent folds the child's changes into its own (integrate, ../edits), in
// plan order: the order the rlm_query calls were made, whatever order the children finish in. What collides is
// kept as a conflict; a later proposal to a conflicted file resolves it. Unresolved conflicts go to the user.

import { ChangeSet } from '../edits/ChangeSet';
import { unresolvedConflicts, type Conflict, type Resolution } from '../edits/conflicts';
import { editPath } from '../edits/editPath';
import { integrate, type PartitionStat } from '../edits/integrate';
import { diffTexts, unifiedDiff } from '../edits/lineDiff';
import type { SymbolSource } from '../edits/semantic';
import type { BaseReader, ProposalResult } from '../edits/types';
import { truncateOutput } from '../sandbox/truncate';
import type { Trajectory } from '../trajectory/Trajectory';

/** How a proposal's diff is cut in its trajectory event (the change set keeps the whole text). */
const EVENT_DIFF_CHARS = 20_000;
/** Above this much text (before and after together), a proposal's event carries no diff. */
const EVENT_DIFF_MAX_TEXT_CHARS = 2_000_000;
/** The host (an editor) holds a run's proposals in memory: model code in a loop must not grow them without bound. */
export const MAX_PROPOSALS = 10_000;
export const MAX_PROPOSED_CHARS = 256 * 1024 * 1024;

/** A conflict as the run ends with it: resolved when a later proposal touched one of its files. */
export interface RunConflict extends Conflict {
  resolved: boolean;
}

/** What a run proposed, for its result: the change set and what integrating its partitions found. */
export interface RunChanges {
  changes: ChangeSet;
  conflicts: RunConflict[];
  resolutions: Resolution[];
  /** The partitions folded in, in plan order (empty when the run proposed everything itself). */
  partitions: PartitionStat[];
}

/** What a child run starts from: the parent's proposals at that moment, over the parent's base. */
export interface EditView {
  read: BaseReader;
  /** Paths the parent's proposals (or its ancestors') changed, moved or deleted: read() answers them from `read`. */
  touched: ReadonlySet<string>;
}

/** A child run's proposals waiting for their turn to be folded in. */
interface Returned {
  partition: string;
  instruction: string;
  changes: ChangeSet | undefined;
  done: (note: string) => void;
}

export class RunEdits {
  private current: ChangeSet;
  /** Conflicts found so far; `revision` counts in `current` (see unresolvedConflicts). */
  private conflicts: Conflict[] = [];
  private readonly resolutions: Resolution[] = [];
  private readonly partitions: PartitionStat[] = [];
  private proposalSeq = 0;
  /** Characters of text proposed so far (whole texts and replacements), against MAX_PROPOSED_CHARS. */
  private proposedChars = 0;
  private readonly waiting = new Map<number, Returned>();
  private nextPartition = 1;
  private folding = false;

  constructor(
    /** The files as this run found them: the workspace for a top-level run, the parent's view for a child. */
    private readonly base: BaseReader,
    private readonly symbols: SymbolSource | undefined,
    private readonly trajectory: Trajectory,
    /** For a child run: the paths its parent's view answers from proposals (see EditView). */
    private readonly inherited: ReadonlySet<string> = new Set(),
    private readonly caps: { proposals: number; chars: number } = { proposals: MAX_PROPOSALS, chars: MAX_PROPOSED_CHARS },
  ) {
    this.current = new ChangeSet(base);
  }

  get changes(): ChangeSet {
    return this.current;
  }

  /** The text a reader sees now: proposals first, then the base. Undefined for a file deleted or moved away. */
  view: BaseReader = (path) => this.current.textOf(path);

  /** True when a proposal here or in a parent named `path` (read() then answers from the proposals, not from the disk). */
  touches(path: string): boolean {
    let normal: string;
    try {
      normal = editPath(path);
    } catch {
      return false; // read() gives its own error for such a path
    }
    return this.current.revisionOf(normal) > 0 || this.current.file(normal) !== undefined || this.inherited.has(normal);
  }

  /** This run's view now, frozen: the base of a child run starting now. */
  snapshot(): EditView {
    const frozen = ChangeSet.fromFiles(this.current.files(), this.base);
    const touched = new Set(this.inherited);
    for (const f of frozen.files()) {
      touched.add(f.path);
      if (f.from) touched.add(f.from);
    }
    return { read: (path) => frozen.textOf(path), touched };
  }

  /** True once anything was proposed or folded in. */
  get isEmpty(): boolean {
    return this.current.size === 0 && this.conflicts.length === 0 && this.current.revision === 0;
  }

  /** Makes one proposal of `chars` characters of new text and reports it as an event under the cell that made it. */
  async propose(cellId: string, chars: number, make: (changes: ChangeSet) => Promise<ProposalResult>): Promise<ProposalResult> {
    if (this.proposalSeq >= this.caps.proposals) {
      throw new Error(`this run has made ${this.caps.proposals.toLocaleString('en-US')} proposals, the most one run may make: propose a file's whole text instead of many small edits, or finish (FINAL)`);
    }
    if (this.proposedChars + chars > this.caps.chars) {
      throw new Error(`this run's proposals would hold over ${(this.caps.chars / 1024 / 1024).toLocaleString('en-US')} MB of text, the most one run may propose: finish (FINAL) with what you have`);
    }
    const changes = this.current;
    const result = await make(changes);
    this.proposedChars += chars;
    const file = changes.file(result.path);
    const before = result.change === 'create' ? undefined : file?.base;
    // Diffing is linear-ish but runs on the host thread: a huge file's event says its size instead.
    const size = (before?.length ?? 0) + (file?.text?.length ?? 0);
    const diff = size > EVENT_DIFF_MAX_TEXT_CHARS
      ? `(no diff in the trace for a file this large: ${size.toLocaleString('en-US')} characters before and after)`
      : unifiedDiff(result.from ?? result.path, result.change === 'delete' ? undefined : result.path, diffTexts(before, file?.text));
    this.trajectory.emit({
      type: 'edit_proposed', time: Date.now(), id: `${cellId}.e${++this.proposalSeq}`, parentId: cellId,
      path: result.path, change: result.change, ...(result.from ? { from: result.from } : {}),
      added: result.added, removed: result.removed, ...(result.description ? { description: result.description } : {}),
      diff: truncateOutput(diff, EVENT_DIFF_CHARS),
    });
    return result;
  }

  /** What pending_edits() returns: every changed file with its diff, and every conflict with whether it is resolved. */
  async pending(): Promise<{ files: unknown[]; conflicts: unknown[] }> {
    const files = await this.current.pending();
    return { files, conflicts: this.conflictsNow().map(forModel) };
  }

  /**
   * Folds a returned child's proposals in, once every partition started before it has been folded (plan
   * order). Every started child must come here exactly once, with `changes` undefined when it proposed
   * nothing or was cancelled, or later partitions would wait for it. Resolves with a note for model code.
   */
  partitionReturned(seq: number, partition: string, instruction: string, changes: ChangeSet | undefined): Promise<string> {
    return new Promise((done) => {
      this.waiting.set(seq, { partition, instruction, changes, done });
      void this.fold();
    });
  }

  /** The run's changes as it ends. */
  result(): RunChanges {
    return { changes: this.current, conflicts: this.conflictsNow(), resolutions: [...this.resolutions], partitions: [...this.partitions] };
  }

  private conflictsNow(): RunConflict[] {
    const open = new Set(unresolvedConflicts(this.conflicts, this.current));
    return this.conflicts.map((c) => ({ ...c, resolved: !open.has(c) }));
  }

  private async fold(): Promise<void> {
    if (this.folding) return;
    this.folding = true;
    try {
      for (let next = this.waiting.get(this.nextPartition); next; next = this.waiting.get(this.nextPartition)) {
        this.waiting.delete(this.nextPartition++);
        next.done(await this.foldOne(next).catch((err: Error) => `[edits: the proposals of ${next.partition} could not be merged: ${err.message}]`));
      }
    } finally {
      this.folding = false;
    }
  }

  /** Who holds the kept side in a conflict: this run's own proposals, or the partitions folded in before. */
  private foldedSoFar(): string {
    if (this.partitions.length === 0) return 'this run';
    if (this.partitions.length === 1) return this.partitions[0]!.partition;
    return `${this.partitions.length} partitions before (${this.partitions.map((p) => p.partition.split(':')[0]).join(', ')})`;
  }

  private async foldOne({ partition, instruction, changes }: Returned): Promise<string> {
    if (!changes || changes.size === 0) return '';
    // What this run holds so far (its own proposals and earlier partitions) folds first: its side is kept.
    const merged = await integrate({
      read: this.base,
      partitions: [{ partition: this.foldedSoFar(), changes: this.current, labelled: this.partitions.length > 0 }, { partition, instruction, changes }],
      symbols: this.symbols,
      firstConflict: this.conflicts.length + 1,
    });
    // Conflicts still open stay open against the new change set; those resolved stay resolved (a revision
    // below any the new set can have).
    const open = new Set(unresolvedConflicts(this.conflicts, this.current));
    for (const c of this.conflicts) c.revision = open.has(c) ? Math.max(0, ...c.paths.map((p) => merged.changes.revisionOf(p))) : -1;
    const found = merged.conflicts.map((c) => ({ ...c, revision: Math.max(c.revision, ...c.paths.map((p) => merged.changes.revisionOf(p))) }));
    this.conflicts.push(...found);
    this.resolutions.push(...merged.resolutions);
    const stat = merged.partitions.find((p) => p.partition === partition);
    if (stat) this.partitions.push(stat);
    this.current = merged.changes;
    const files = changes.size;
    const problems = found.length ? ` ${found.length} conflict${found.length === 1 ? '' : 's'} (${found.map((c) => `${c.id} ${c.kind} in ${c.paths.join(', ')}`).join('; ')}): see pending_edits().conflicts and resolve each with propose_edit.` : '';
    return `[edits: ${files} file${files === 1 ? '' : 's'} proposed by this partition merged into your proposals.${problems}]`;
  }
}

function forModel(c: RunConflict) {
  return { id: c.id, kind: c.kind, paths: c.paths, partitions: c.partitions, resolved: c.resolved, description: c.description };
}
