// One question's proposed edits under review: what the run proposed (its change set and conflicts), what the
// user decided (rejected hunks, merge-editor resolutions), what was applied. No `vscode` here: the files as they
// are now come in through a reader (the open document's text when there is one, else the disk), and applying
// is a plan of edits the editor makes in one WorkspaceEdit; this is tested in plain Node. Its notes are worded through
// @vscode/l10n; the engine's reasons quoted in them (core/edits/staleBase.ts, shared with the CLI) stay English.
//
// The stale-base guard (core/edits/staleBase.ts, the CLI's --apply follows it too), file by file, each time the
// review is looked at:
// - the file is as the run read it: the proposal applies as it is (clean);
// - it changed since (the user typed, git switched branch): the proposal is re-applied by three-way merge
//   (base, the file now, the proposal) when that merges cleanly (merged), else the file is conflicted and
//   nothing of it is applied until the user resolves it. The user's newer text is never overwritten;
// - text this review applied itself does not count as a change (the file then holds a part of the proposal).
// What is left to decide is the diff from the file now to that target, hunk by hunk (core/edits/hunks.ts).
//
// Accept All applies what the CLI's --apply would: never a file with an unresolved conflict of any kind, never a
// sensitive file (core/edits/sensitive.ts). A file with a semantic conflict, or a sensitive one, is held back:
// shown with why, and applied only by its own accept (for a sensitive file, after the host asks).

import * as l10n from '@vscode/l10n';
import { ChangeSet, changeOf } from '../../core/edits/ChangeSet';
import type { Conflict } from '../../core/edits/conflicts';
import { applyHunks, changeHunks, lineReplacements, type ChangeHunk, type LineReplacement } from '../../core/edits/hunks';
import { sha256 } from '../../core/edits/lineDiff';
import type { ValidationResult } from '../../core/edits/summary';
import { SensitivePaths } from '../../core/edits/sensitive';
import { deletedSince, mergedSince, reapply } from '../../core/edits/staleBase';
import { firstLine } from '../../core/shortText';
import { pauseIfDue } from '../../core/edits/TimeSlicer';
import type { WrittenFile } from '../../core/edits/validationGate';
import type { ChangeSetJSON, FileChange } from '../../core/edits/types';
import type { RunConflict } from '../../core/loop/RunEdits';
import { formatList } from '../../../webview/shared/format';
import type { Review, ReviewFile, ReviewHunk, ReviewStatus, ReviewValidation } from '../../protocol/messages';

/** The file's text now, or undefined when it does not exist. */
export type CurrentText = (path: string) => Promise<string | undefined>;

/** Lines of a hunk shown in the chat; the diff editor shows them all. */
const PREVIEW_LINES = 40;
/** A conflict's description in a note: its first line, at most this long. */
const NOTE_CHARS = 300;
/** Texts remembered per file as written by this review (a long run of accepts and undos forgets the oldest). */
const MAX_WRITTEN = 50;
/** The marker a merge result must not hold any more. */
const CONFLICT_MARKER = /^<<<<<<< |^>>>>>>> /m;

/** What the user did with one file. */
interface FileState {
  /** Keys of rejected hunks; for a file decided as a whole, '*'. */
  rejected: string[];
  /** Keys of hunks this review applied (they come back when an undo puts the text back). */
  applied: string[];
  /** The file's text right after this review last applied to it (null: it deleted or moved it). */
  appliedText?: string | null;
  /**
   * SHA-256 of every text this review left the file with: an undo that goes back to one of them is not the
   * user's change (an undo further back, to the user's own text, is).
   */
  wrote?: string[];
  /** The file changed under the review, by someone else, and the proposal was merged onto it. */
  merged?: boolean;
  /** The user's merge-editor result: it replaces the proposal, as an edit of `anchor`. */
  resolution?: { anchor: string; text: string };
}

export interface ReviewJSON {
  version: 1;
  changes: ChangeSetJSON;
  conflicts: RunConflict[];
  files: Record<string, FileState>;
  validation?: ReviewValidation;
}

/** One file as it stands now. */
interface Assessed {
  file: FileChange;
  state: FileState;
  status: ReviewStatus;
  /** The file now (for a rename, at its old path). */
  current: string | undefined;
  /** What accepting every change gives now: the proposal, or its merge onto the file now. Undefined for a delete. */
  target: string | undefined;
  /** From `current` to `target`: what is left to decide (one whole-file hunk for create, delete and rename). */
  hunks: ChangeHunk[];
  /** Nothing of the file may be applied now (why is in notes). */
  blocked: boolean;
  /** The proposal is already in place (applied, or made by someone else). */
  done: boolean;
  notes: string[];
  /** Why the file is sensitive; undefined when it is not. */
  sensitive?: string;
  /** Why Accept All leaves it out (it is applied by its own accept); undefined when it does not. */
  heldBack?: string;
  /** For the merge editor: base and both sides. */
  merge?: MergeInput;
}

/** What the merge editor is opened with for a conflicted file; its result becomes the proposal. */
export interface MergeInput {
  path: string;
  base: string;
  ours: { title: string; text: string };
  theirs: { title: string; text: string };
  /** The text the result will be an edit of (what the file holds when the result is applied). */
  anchor: string;
}

/** One diff view: the file now (at `from` for a rename; absent when it does not exist) against the proposal. */
export interface DiffSpec {
  path: string;
  from?: string;
  exists: boolean;
  /** What accepting the file gives now; undefined for a delete. */
  proposal: string | undefined;
  status: ReviewStatus;
}

/** One file's part of an apply, for one WorkspaceEdit. */
export type FileEdit =
  | { kind: 'modify'; path: string; current: string; text: string; replacements: LineReplacement[]; hunks: string[] }
  | { kind: 'create'; path: string; text: string }
  | { kind: 'delete'; path: string; current: string }
  | { kind: 'rename'; from: string; path: string; current: string; text: string; replacements: LineReplacement[] };

export interface ApplyPlan {
  edits: FileEdit[];
  /** Files asked for that cannot be applied now, and why. */
  skipped: Array<{ path: string; why: string }>;
  /** Hunks the edits apply. */
  hunks: number;
}

/** Which changes an accept covers: one hunk, one file, or (neither) every file that is not conflicted. */
export interface Selection {
  path?: string;
  hunk?: string;
}

export class ChangeReview {
  private readonly files: FileChange[];
  private readonly states = new Map<string, FileState>();
  validation: ReviewValidation | undefined;
  /** The last assessment, per path (what a plan and the view use). */
  private assessed = new Map<string, Assessed>();
  /** The change set's size as the run proposed it. */
  private totals = { files: 0, added: 0, removed: 0 };

  private constructor(
    private readonly changes: ChangeSet,
    readonly conflicts: readonly RunConflict[],
    states: Record<string, FileState> = {},
  ) {
    this.files = changes.files();
    for (const f of this.files) this.states.set(f.path, normalState(states[f.path]));
  }

  /** A review of what a run proposed. */
  static of(changes: ChangeSet, conflicts: readonly RunConflict[]): ChangeReview {
    return new ChangeReview(changes, JSON.parse(JSON.stringify(conflicts)) as RunConflict[]);
  }

  static fromJSON(json: unknown): ChangeReview {
    const data = json as Partial<ReviewJSON> | null;
    if (typeof data !== 'object' || data === null || data.version !== 1) throw new Error(l10n.t('Not a saved review: expected {0}', '{version: 1, changes, conflicts, files}'));
    const review = new ChangeReview(ChangeSet.fromJSON(data.changes), Array.isArray(data.conflicts) ? data.conflicts : [], data.files && typeof data.files === 'object' ? data.files : {});
    review.validation = data.validation;
    return review;
  }

  toJSON(): ReviewJSON {
    return {
      version: 1,
      changes: this.changes.toJSON(),
      conflicts: [...this.conflicts],
      files: Object.fromEntries(this.states),
      ...(this.validation ? { validation: this.validation } : {}),
    };
  }

  /** Every path the review reads: the files' paths and the old paths of renamed ones. */
  get paths(): string[] {
    return this.files.flatMap((f) => (f.from !== undefined ? [f.path, f.from] : [f.path]));
  }

  /**
   * Reads every file as it is now and works out where each stands, and which are sensitive by `sensitive`'s list.
   * Yields to the event loop between files.
   */
  async assess(read: CurrentText, sensitive: SensitivePaths = new SensitivePaths()): Promise<void> {
    if (this.totals.files === 0) this.totals = await sizeOf(this.changes);
    const assessed = new Map<string, Assessed>();
    for (const file of this.files) {
      await pauseIfDue();
      const a = await this.assessFile(file, read);
      a.sensitive = this.sensitiveReason(file, sensitive);
      a.heldBack = heldBack(a, this.openConflicts(file));
      assessed.set(file.path, a);
    }
    this.assessed = assessed;
  }

  /**
   * The sensitive files of the change set (path -> why), a merge result counting as the file's proposal. Yields
   * to the event loop between files.
   */
  async sensitiveFiles(sensitive: SensitivePaths): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const file of this.files) {
      await pauseIfDue();
      const why = this.sensitiveReason(file, sensitive);
      if (why) found.set(file.path, why);
    }
    return found;
  }

  private sensitiveReason(file: FileChange, sensitive: SensitivePaths): string | undefined {
    const resolution = this.states.get(file.path)?.resolution;
    return sensitive.reasonFor(resolution ? { ...file, text: resolution.text } : file);
  }

  /** The review as the chat shows it (after assess). */
  view(exchangeId: string): Review {
    const files = this.files.flatMap((file) => {
      const a = this.assessed.get(file.path);
      return a ? [fileView(a)] : [];
    });
    return { exchangeId, totals: { ...this.totals }, files, ...(this.validation ? { validation: this.validation } : {}) };
  }

  /** What accepting `selection` writes now (after assess): one plan for one WorkspaceEdit. */
  plan(selection: Selection): ApplyPlan {
    const plan: ApplyPlan = { edits: [], skipped: [], hunks: 0 };
    const wanted = selection.path === undefined ? [...this.assessed.values()] : [this.assessed.get(selection.path)].filter((a): a is Assessed => a !== undefined);
    if (selection.path !== undefined && wanted.length === 0) plan.skipped.push({ path: selection.path, why: l10n.t('it is not in this change set') });
    for (const a of wanted) {
      if (a.done) continue;
      if (a.blocked) {
        plan.skipped.push({ path: a.file.path, why: a.notes[0] ?? l10n.t('it is conflicted') });
        continue;
      }
      const edit = this.editFor(a, selection);
      if (edit && selection.path === undefined && a.heldBack) {
        plan.skipped.push({ path: a.file.path, why: a.heldBack });
      } else if (edit) {
        plan.edits.push(edit);
        plan.hunks += edit.kind === 'modify' ? edit.hunks.length : 1;
      } else if (selection.hunk !== undefined) {
        plan.skipped.push({ path: a.file.path, why: l10n.t('that change is no longer there (the file changed): look again') });
      }
    }
    return plan;
  }

  /** The editor applied these edits: remember what this review wrote, so it is not taken for the user's change. */
  recordApplied(edits: readonly FileEdit[]): void {
    for (const edit of edits) {
      const state = this.states.get(edit.path)!;
      if (edit.kind === 'modify') {
        state.appliedText = applyHunks(edit.current, edit.text, (h) => edit.hunks.includes(h.key));
        state.wrote = [...(state.wrote ?? []), sha256(state.appliedText)].slice(-MAX_WRITTEN);
        state.applied = unique([...state.applied, ...edit.hunks]);
        state.rejected = state.rejected.filter((k) => !edit.hunks.includes(k));
      } else {
        state.appliedText = edit.kind === 'delete' ? null : edit.text;
        state.applied = ['*'];
        state.rejected = [];
      }
    }
  }

  /** Rejects (or takes back the rejection of) a hunk, or every change of a file. Nothing is written. */
  reject(path: string, hunk: string | undefined, rejected: boolean): boolean {
    const state = this.states.get(path);
    const a = this.assessed.get(path);
    if (!state || !a) return false;
    const perHunk = changeOf(a.file) === 'modify';
    const keys = !perHunk ? ['*'] : hunk !== undefined ? [hunk] : a.hunks.map((h) => h.key);
    state.rejected = rejected ? unique([...state.rejected, ...keys]) : state.rejected.filter((k) => !keys.includes(k));
    return true;
  }

  /** The diffs to show (after assess): each file now against what accepting it gives now; one file or all. */
  diffs(path?: string): DiffSpec[] {
    return [...this.assessed.values()].filter((a) => path === undefined || a.file.path === path).map((a) => ({
      path: a.file.path,
      ...(a.file.from !== undefined ? { from: a.file.from } : {}),
      exists: a.current !== undefined,
      proposal: a.target,
      status: a.status,
    }));
  }

  /** Files this review has written to (their documents are saved before the validation command reads the disk). */
  appliedPaths(): string[] {
    return this.appliedFiles().map((f) => f.path);
  }

  /** Files this review has written to, with the old path of a renamed one (what the validation gate looks at). */
  appliedFiles(): WrittenFile[] {
    return this.files.filter((f) => this.states.get(f.path)!.appliedText !== undefined).map((f) => ({ path: f.path, ...(f.from !== undefined ? { from: f.from } : {}) }));
  }

  /** Changes that could be applied now (after assess): none left means the review is as far as it can go. */
  get acceptable(): number {
    return this.plan({}).hunks;
  }

  /** What the merge editor opens for a conflicted file (after assess); undefined when it cannot. */
  mergeInput(path: string): MergeInput | undefined {
    return this.assessed.get(path)?.merge;
  }

  /**
   * The user's merge result becomes the file's proposal, as an edit of the text it was merged against. Refused
   * (with why) while it still holds conflict markers.
   */
  resolve(path: string, anchor: string, text: string): string | undefined {
    const state = this.states.get(path);
    if (!state) return l10n.t('{0} is not in this change set', path);
    if (CONFLICT_MARKER.test(text)) return l10n.t('The merge result for {0} still has conflict markers: resolve each conflict, then complete the merge again.', path);
    state.resolution = { anchor, text };
    state.rejected = [];
    state.merged = false;
    return undefined;
  }

  private async assessFile(file: FileChange, read: CurrentText): Promise<Assessed> {
    const state = this.states.get(file.path)!;
    const change = changeOf(file);
    const base: Assessed = { file, state, status: 'clean', current: undefined, target: file.text, hunks: [], blocked: false, done: false, notes: [] };
    const open = this.openConflicts(file);
    for (const c of open.filter((c) => c.kind === 'semantic')) base.notes.push(l10n.t('Semantic conflict {0}: {1}', c.id, firstLine(c.description, NOTE_CHARS)));
    for (const c of this.conflicts.filter((c) => c.resolved && touches(c, file))) base.notes.push(l10n.t('Conflict {0} ({1}) between {2} was resolved by the model.', c.id, c.kind, formatList(c.partitions)));

    if (change === 'create') {
      const now = await read(file.path);
      base.current = now;
      if (now === file.text) return { ...base, done: true };
      if (now !== undefined) return { ...base, status: 'conflicted', blocked: true, hunks: changeHunks(now, file.text), notes: [l10n.t('{0} exists now (created since the run looked): not overwritten.', file.path), ...base.notes] };
      return withModelConflict({ ...base, hunks: changeHunks(undefined, file.text) }, open);
    }

    if (change === 'delete') {
      const now = await read(file.path);
      base.current = now;
      if (now === undefined) return { ...base, done: true, target: undefined };
      const reapplied = reapply(file.path, file.base!, now, undefined);
      if (reapplied.kind === 'refused') return { ...base, status: 'conflicted', blocked: true, target: undefined, hunks: changeHunks(now, undefined), notes: [l10n.t('{0}: not deleted.', reapplied.why), ...base.notes] };
      return withModelConflict({ ...base, target: undefined, hunks: changeHunks(now, undefined) }, open);
    }

    const source = file.from ?? file.path;
    const now = await read(source);
    base.current = now;
    if (change === 'rename') {
      const there = await read(file.path);
      if (now === undefined && there !== undefined) return { ...base, done: true };
      if (there !== undefined) return { ...base, status: 'conflicted', blocked: true, notes: [l10n.t('{0} exists now: {1} is not renamed onto it.', file.path, source), ...base.notes] };
    }
    if (now === undefined) {
      return { ...base, status: 'conflicted', blocked: true, target: file.text, hunks: changeHunks(undefined, file.text), notes: [l10n.t('{0}: not written.', deletedSince(source)), ...base.notes] };
    }
    const anchor = state.resolution?.anchor ?? file.base!;
    const proposal = state.resolution?.text ?? file.text!;
    const resolvedStatus: ReviewStatus | undefined = state.resolution ? 'resolved' : undefined;
    const reapplied = reapply(source, anchor, now, proposal);
    if (reapplied.kind === 'refused') {
      return {
        ...base,
        status: 'conflicted',
        blocked: true,
        target: proposal,
        hunks: changeHunks(now, proposal),
        notes: [l10n.t('{0}: nothing is applied until you merge them.', reapplied.why), ...base.notes],
        merge: { path: file.path, base: anchor, ours: { title: l10n.t('Yours: the file now'), text: now }, theirs: { title: l10n.t('Proposed by RLM'), text: proposal }, anchor: now },
      };
    }
    const target = reapplied.text!;
    let status: ReviewStatus = resolvedStatus ?? 'clean';
    if (reapplied.kind === 'unchanged') {
      state.merged = false;
    } else {
      // Text this review wrote holds part of the proposal: not the user's change.
      if (now !== state.appliedText && !state.wrote?.includes(sha256(now))) state.merged = true;
      if (state.merged && !resolvedStatus) status = 'merged';
    }
    const notes = [...base.notes];
    if (status === 'merged') notes.unshift(l10n.t('{0}. Your changes are kept.', mergedSince(source)));
    const hunks = changeHunks(now, target);
    const assessed: Assessed = { ...base, status, current: now, target, hunks, notes, done: change === 'modify' && hunks.length === 0 };
    return resolvedStatus ? assessed : withModelConflict(assessed, open);
  }

  /** The conflicts of this file the model left unresolved. */
  private openConflicts(file: FileChange): RunConflict[] {
    return this.conflicts.filter((c) => !c.resolved && touches(c, file));
  }

  private editFor(a: Assessed, selection: Selection): FileEdit | undefined {
    const { file, state } = a;
    const change = changeOf(file);
    if (change !== 'modify') {
      // Decided whole: accepting the file (or all) applies it unless it was rejected; accepting it by name takes the rejection back.
      if (selection.path === undefined && state.rejected.includes('*')) return undefined;
      if (selection.hunk !== undefined && selection.hunk !== a.hunks[0]?.key && selection.hunk !== '*') return undefined;
      if (change === 'create') return { kind: 'create', path: file.path, text: file.text! };
      if (change === 'delete') return { kind: 'delete', path: file.path, current: a.current! };
      return { kind: 'rename', from: file.from!, path: file.path, current: a.current!, text: a.target!, replacements: lineReplacements(a.current, a.target) };
    }
    const chosen = a.hunks.filter((h) => (selection.hunk !== undefined ? h.key === selection.hunk : !state.rejected.includes(h.key)));
    if (chosen.length === 0) return undefined;
    return { kind: 'modify', path: file.path, current: a.current!, text: a.target!, replacements: lineReplacements(a.current, a.target, chosen), hunks: chosen.map((h) => h.key) };
  }
}

/** Why Accept All leaves a file out: it is sensitive, or has a semantic conflict the model left unresolved. */
function heldBack(a: Assessed, open: readonly RunConflict[]): string | undefined {
  if (a.sensitive) return l10n.t('Accept All leaves sensitive files out: {0}. Read its diff, then accept it on its own.', a.sensitive);
  const semantic = open.filter((c) => c.kind === 'semantic');
  if (semantic.length > 0) {
    return l10n.t('Accept All leaves out files with a semantic conflict the model left unresolved ({0}): check the note, then accept it on its own.', semantic.map((c) => c.id).join(', '));
  }
  return undefined;
}

/** A file the model left in conflict with another partition: shown, but not applied until the user merges it. */
function withModelConflict(a: Assessed, open: readonly RunConflict[]): Assessed {
  const blocking = open.filter((c) => c.kind !== 'semantic');
  if (blocking.length === 0) return a;
  const c = blocking[0]!;
  const texts = c.texts;
  const merge = c.kind === 'overlap' && texts && typeof texts.base === 'string' && typeof texts.theirs === 'string' && a.file.text !== undefined && a.current !== undefined
    ? {
      path: a.file.path,
      base: texts.base,
      ours: { title: l10n.t('Kept: partition {0}', c.partitions[0] ?? l10n.t('one')), text: a.file.text },
      theirs: { title: l10n.t('Not applied: partition {0}', c.partitions[1] ?? l10n.t('two')), text: texts.theirs },
      anchor: a.file.base ?? texts.base,
    }
    : undefined;
  return {
    ...a,
    status: 'conflicted',
    blocked: true,
    notes: [...blocking.map((x) => l10n.t('Conflict {0} ({1}) between {2} was left unresolved by the model: {3}', x.id, x.kind, formatList(x.partitions), firstLine(x.description, NOTE_CHARS))), ...a.notes],
    ...(merge ? { merge } : {}),
  };
}

function fileView(a: Assessed): ReviewFile {
  const perHunk = changeOf(a.file) === 'modify';
  const rejected = new Set(a.state.rejected);
  const hunks: ReviewHunk[] = a.done ? [] : a.hunks.map((h) => {
    const shown = h.lines.filter((l) => !l.startsWith('\\'));
    return {
      key: perHunk ? h.key : '*',
      line: h.oldStart,
      oldLines: h.oldLines,
      added: h.added,
      removed: h.removed,
      rejected: perHunk ? rejected.has(h.key) : rejected.has('*'),
      preview: shown.slice(0, PREVIEW_LINES).map((l) => l.replace(/\r$/, '')),
      more: Math.max(0, shown.length - PREVIEW_LINES),
    };
  });
  const pending = hunks.filter((h) => !h.rejected).length;
  const remainingKeys = new Set(a.hunks.map((h) => h.key));
  const applied = a.done && !perHunk ? (a.state.applied.includes('*') ? 1 : 0) : a.state.applied.filter((k) => !remainingKeys.has(k)).length;
  const progress = a.done || hunks.length === 0 ? 'applied' : pending > 0 ? 'pending' : applied > 0 ? 'partly' : 'rejected';
  return {
    path: a.file.path,
    ...(a.file.from !== undefined ? { from: a.file.from } : {}),
    change: changeOf(a.file),
    status: a.status,
    progress,
    added: hunks.reduce((n, h) => n + h.added, 0),
    removed: hunks.reduce((n, h) => n + h.removed, 0),
    hunks,
    perHunk,
    applied,
    notes: a.notes,
    canResolve: a.blocked && a.merge !== undefined,
    ...(a.sensitive ? { sensitive: a.sensitive } : {}),
    ...(a.heldBack ? { heldBack: true } : {}),
  };
}

/** Files and lines of a change set (the +/- counts are memoised in it). */
export async function sizeOf(changes: ChangeSet): Promise<{ files: number; added: number; removed: number }> {
  const stats = await changes.summary();
  return { files: stats.length, added: stats.reduce((n, s) => n + s.added, 0), removed: stats.reduce((n, s) => n + s.removed, 0) };
}

function normalState(state: Partial<FileState> | undefined): FileState {
  return {
    rejected: Array.isArray(state?.rejected) ? state.rejected.filter((k) => typeof k === 'string') : [],
    applied: Array.isArray(state?.applied) ? state.applied.filter((k) => typeof k === 'string') : [],
    ...(state?.appliedText !== undefined && (typeof state.appliedText === 'string' || state.appliedText === null) ? { appliedText: state.appliedText } : {}),
    ...(state?.merged ? { merged: true } : {}),
    ...(Array.isArray(state?.wrote) ? { wrote: state.wrote.filter((h) => typeof h === 'string') } : {}),
    ...(state?.resolution && typeof state.resolution.anchor === 'string' && typeof state.resolution.text === 'string' ? { resolution: state.resolution } : {}),
  };
}

function touches(c: Conflict, file: FileChange): boolean {
  return c.paths.includes(file.path) || (file.from !== undefined && c.paths.includes(file.from));
}

function unique(keys: string[]): string[] {
  return [...new Set(keys)];
}

/** A validation result as the chat shows it. */
export function validationView(result: ValidationResult, stopped: boolean): ReviewValidation {
  return {
    command: result.command,
    state: stopped ? 'stopped' : result.exitCode === 0 ? 'passed' : 'failed',
    exitCode: result.exitCode,
    outputTail: result.outputTail,
    ...(result.durationMs !== undefined ? { durationMs: result.durationMs } : {}),
  };
}
