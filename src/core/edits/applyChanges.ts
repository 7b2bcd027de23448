// Writes a change set to disk (the CLI's --apply). Every file is checked against the base its edits were made
// against by the stale-base guard the editor's review shares (staleBase.ts): unchanged, it is written; changed
// since, the edits are re-applied by three-way merge when that merges cleanly, and the report says so; otherwise
// the file is refused, never overwritten. Reads are confined (workspace/confinedRead.ts) and writes never go through a
// symlink (confinedWrite.ts). Everything is asynchronous.
import { randomBytes } from 'node:crypto';
import { realpath, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfinementError, readConfined } from '../workspace/confinedRead';
import { ChangeSet, changeOf } from './ChangeSet';
import { editPath } from './editPath';
import { lstatIfAny, ensureFolders, writeConfined } from './confinedWrite';
import { deletedSince, mergedSince, reapply } from './staleBase';
import type { ChangeKind, FileChange } from './types';

export interface ApplyOptions {
  /** The workspace root (absolute); the change set's paths are relative to it. */
  root: string;
  /** Files not to touch, with the reason to report (see conflictedPaths in conflicts.ts). */
  refuse?: ReadonlyMap<string, string>;
  /** Files on disk larger than this are refused (default 64 MB). */
  maxFileBytes?: number;
}

export type ApplyStatus = 'applied' | 'merged' | 'refused';

export interface ApplyEntry {
  path: string;
  from?: string;
  change: ChangeKind;
  status: ApplyStatus;
  /** What was done, or why not. */
  message: string;
}

export interface ApplyReport {
  applied: ApplyEntry[];
  /** Changed on disk since the run read them; the edits were merged in cleanly. */
  merged: ApplyEntry[];
  refused: ApplyEntry[];
}

const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

interface Step {
  file: FileChange;
  entry: ApplyEntry;
  /** Text to write at `file.path` (undefined: nothing to write). */
  write?: string;
  /** The mode of the file being replaced or moved. */
  mode?: number;
  /** Path removed by this step (a delete, or a rename's source). */
  vacates?: string;
  /** A path that exists on disk and must be vacated by another step first. */
  needsFree?: string;
  /** A rename whose text is the file's text on disk: moved, not rewritten. */
  keepsText?: boolean;
}

type Current = { kind: 'missing' } | { kind: 'file'; text: string; mode: number } | { kind: 'refused'; why: string };

export async function applyChanges(changes: ChangeSet | readonly FileChange[], options: ApplyOptions): Promise<ApplyReport> {
  const root = await realpath(options.root);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const files = changes instanceof ChangeSet ? changes.files() : [...changes];
  const steps: Step[] = [];
  for (const file of files) steps.push(await plan(root, file, maxBytes, options.refuse));
  settleTargets(steps);
  await execute(root, steps);
  const report: ApplyReport = { applied: [], merged: [], refused: [] };
  for (const { entry } of steps) report[entry.status].push(entry);
  return report;
}

async function plan(root: string, file: FileChange, maxBytes: number, refuse?: ReadonlyMap<string, string>): Promise<Step> {
  const kind = changeOf(file);
  const entry: ApplyEntry = { path: file.path, ...(file.from !== undefined ? { from: file.from } : {}), change: kind, status: 'applied', message: '' };
  const step: Step = { file, entry };
  const refused = (message: string) => {
    entry.status = 'refused';
    entry.message = message;
    return step;
  };
  try {
    editPath(file.path);
    if (file.from !== undefined) editPath(file.from, 'from path');
  } catch (error) {
    return refused((error as Error).message);
  }
  const reason = refuse?.get(file.path) ?? (file.from !== undefined ? refuse?.get(file.from) : undefined);
  if (reason) return refused(reason);
  const source = file.from ?? file.path;

  if (kind === 'create') {
    const there = await lstatIfAny(join(root, file.path));
    if (there) {
      const now = await current(root, file.path, maxBytes);
      if (now.kind === 'file' && now.text === file.text) return done(step, 'already there, with this text');
      step.needsFree = file.path;
    }
    step.write = file.text;
    return done(step, 'created');
  }

  const now = await current(root, source, maxBytes);
  if (now.kind === 'refused') return refused(now.why);
  if (now.kind === 'missing') {
    if (kind === 'delete') return done(step, 'already gone');
    if (kind === 'rename') {
      const target = await current(root, file.path, maxBytes);
      if (target.kind === 'file' && target.text === file.text) return done(step, 'already renamed, with this text');
    }
    return refused(`${deletedSince(source)}: not ${kind === 'rename' ? 'renamed' : 'written'}`);
  }
  if (kind === 'modify' && now.text === file.text) return done(step, 'already has these changes');
  step.mode = now.mode;
  const reapplied = reapply(source, file.base!, now.text, file.text);
  if (reapplied.kind === 'refused') return refused(`${reapplied.why}: ${kind === 'delete' ? 'not deleted' : 'not written; re-run, or merge by hand'}`);
  if (kind === 'delete') {
    step.vacates = source;
    return done(step, 'deleted');
  }
  const text = reapplied.text!;
  let message = kind === 'rename' ? `renamed from ${source}` : 'written';
  if (reapplied.kind === 'merged') {
    entry.status = 'merged';
    message = `${mergedSince(source)}${kind === 'rename' ? ` and the file renamed to ${file.path}` : ''}`;
  }
  if (kind === 'rename') {
    step.vacates = source;
    step.keepsText = text === now.text;
    if (await lstatIfAny(join(root, file.path))) step.needsFree = file.path;
  } else if (text === now.text) {
    return done(step, 'already has these changes');
  }
  step.write = text;
  entry.message = message;
  return step;
}

/** A create or rename whose target exists on disk goes ahead only when another accepted step removes it first. */
function settleTargets(steps: Step[]): void {
  for (let changed = true; changed;) {
    changed = false;
    const vacated = new Set(steps.filter((s) => s.entry.status !== 'refused' && s.vacates).map((s) => s.vacates));
    for (const step of steps) {
      if (step.entry.status === 'refused' || !step.needsFree || vacated.has(step.needsFree)) continue;
      step.entry.status = 'refused';
      step.entry.message = `${step.needsFree} exists on disk (created since the run read the workspace): not overwritten`;
      changed = true;
    }
  }
}

/**
 * Order matters when one step frees a path another needs (a rename onto a file another step deletes or moves
 * away, a swap): rename sources first move aside to temporary names in their folders, deletes run, then the
 * renamed files land, and edits and new files are written.
 */
async function execute(root: string, steps: readonly Step[]): Promise<void> {
  const accepted = steps.filter((s) => s.entry.status !== 'refused');
  const attempt = async (step: Step, action: () => Promise<void>) => {
    try {
      await action();
    } catch (error) {
      step.entry.status = 'refused';
      step.entry.message = `failed while writing: ${(error as Error).message}`;
    }
  };
  const aside = new Map<Step, string>();
  for (const step of accepted.filter((s) => s.entry.change === 'rename' && s.vacates)) {
    const source = join(root, step.file.from!);
    const temp = join(dirname(source), `.${randomBytes(6).toString('hex')}.rlm-apply.tmp`);
    await attempt(step, async () => {
      await rename(source, temp);
      aside.set(step, temp);
    });
  }
  for (const step of accepted.filter((s) => s.entry.change === 'delete' && s.vacates)) await attempt(step, () => unlink(join(root, step.vacates!)));
  for (const [step, temp] of aside) {
    await attempt(step, async () => {
      try {
        await ensureFolders(root, step.file.path);
        if (await lstatIfAny(join(root, step.file.path))) throw new Error(`${step.file.path} exists on disk`);
        await rename(temp, join(root, step.file.path));
      } catch (error) {
        await rename(temp, join(root, step.file.from!)).catch(() => undefined); // put it back
        throw error;
      }
      if (step.write !== undefined && !step.keepsText) await writeConfined(root, step.file.path, step.write, { exclusive: false, mode: step.mode });
    });
  }
  for (const step of accepted.filter((s) => s.entry.change === 'modify' && s.write !== undefined)) {
    await attempt(step, () => writeConfined(root, step.file.path, step.write!, { exclusive: false, mode: step.mode }));
  }
  for (const step of accepted.filter((s) => s.entry.change === 'create' && s.write !== undefined)) {
    await attempt(step, () => writeConfined(root, step.file.path, step.write!, { exclusive: true }));
  }
}

/** What the disk holds at a path now, read through the confinement check. */
async function current(root: string, path: string, maxBytes: number): Promise<Current> {
  try {
    const text = await readConfined(root, { path }, { maxBytes });
    const stats = await lstatIfAny(join(root, path));
    return { kind: 'file', text, mode: (stats?.mode ?? 0o644) & 0o7777 };
  } catch (error) {
    if (error instanceof ConfinementError && error.problem === 'missing') return { kind: 'missing' };
    return { kind: 'refused', why: `${(error as Error).message}: not touched` };
  }
}

function done(step: Step, message: string): Step {
  step.entry.message = message;
  return step;
}
