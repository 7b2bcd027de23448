// What `rlm ask` does with the edits a run proposed: --patch writes them as a diff for `git apply`, --apply
// writes them to the workspace (behind the stale-base guard; files with an unresolved conflict of any kind are
// refused, and so are sensitive files unless --allow-sensitive), --validate runs the user's own command
// afterwards (unless validationGate says it must not), --summary writes the Markdown report with its receipt.
// Without those flags the proposals are only described: nothing reaches the disk unless the user asked.

import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { applyChanges, type ApplyReport } from '../core/edits/applyChanges';
import { conflictedPaths, type Conflict } from '../core/edits/conflicts';
import { toPatch } from '../core/edits/patch';
import { SensitivePaths } from '../core/edits/sensitive';
import { changeReceipt, refactorSummary, type ValidationResult } from '../core/edits/summary';
import type { FileStat } from '../core/edits/types';
import { runValidation } from '../core/edits/validation';
import { validationBlocked } from '../core/edits/validationGate';
import type { RunResult } from '../core/loop/RlmRun';
import { UsageError, type AskArgs } from './args';

export interface ChangesOutcome {
  /** For --json: what was proposed and what was done with it. */
  json: Record<string, unknown>;
  /** True when something asked for did not happen: a refused file, a failed validation. */
  fellShort: boolean;
}

export async function deliverChanges(args: AskArgs, result: RunResult, root: string, stderr: NodeJS.WritableStream, signal?: AbortSignal): Promise<ChangesOutcome> {
  const say = (line: string) => { if (!args.quiet) stderr.write(`${line}\n`); };
  const edits = result.edits;
  const asked = args.patch !== undefined || args.apply || args.summary !== undefined;
  if (!edits || edits.changes.size === 0) {
    if (asked) say('No edits were proposed: nothing to patch, apply or summarise.');
    return { json: { changes: null }, fellShort: false };
  }
  const stats = await edits.changes.summary();
  const open = edits.conflicts.filter((c) => !c.resolved);
  const sensitive = new SensitivePaths(args.sensitivePaths, '--sensitive-path').of(edits.changes.files());
  const json: Record<string, unknown> = {
    changes: {
      files: stats.map((s) => (sensitive.has(s.path) ? { ...s, sensitive: sensitive.get(s.path) } : s)),
      conflicts: edits.conflicts.map((c) => ({ id: c.id, kind: c.kind, paths: c.paths, partitions: c.partitions, resolved: c.resolved, description: c.description })),
      partitions: edits.partitions,
      receipt: changeReceipt(edits.changes, result.receipt?.sha256).sha256,
      // The whole change set (base and new texts), so another tool can review, patch or apply it later.
      set: edits.changes.toJSON(),
    },
  };
  say(describe(stats, sensitive));
  if (sensitive.size > 0) say([`Sensitive (${args.allowSensitive ? 'written: --allow-sensitive' : 'not written without --allow-sensitive'}):`, ...[...sensitive.values()].map((why) => `  ${why}`)].join('\n'));
  for (const c of open) say(`Unresolved conflict ${c.id} (${c.kind}) in ${c.paths.join(', ')} between ${c.partitions.join(' and ')}.`);
  let fellShort = false;

  if (args.patch !== undefined) {
    const file = resolve(args.patch);
    await writeOrUsage(file, await toPatch(edits.changes), '--patch');
    json.patch = file;
    say(`Patch: ${file} (git apply ${args.patch})${open.length ? '; it holds the earlier side of each unresolved conflict' : ''}`);
  }

  let applied: ApplyReport | undefined;
  if (args.apply && result.stopReason !== 'final') {
    // A run cut short (a limit, Ctrl-C, a failure) may have proposed half a change: it is not written.
    say(`Nothing was written: the run stopped before its final answer (${result.stopReason}), so its proposals may be half a change.${args.patch !== undefined ? ' The patch holds them for review.' : ' Save them with --patch FILE to review them.'}`);
    json.apply = null;
    fellShort = true;
  } else if (args.apply) {
    applied = await applyChanges(edits.changes, { root, refuse: refusals(open, sensitive, args.allowSensitive) });
    json.apply = applied;
    for (const e of applied.applied) say(`  applied  ${e.path}`);
    for (const e of applied.merged) say(`  merged   ${e.path}: ${e.message}`);
    for (const e of applied.refused) say(`  REFUSED  ${e.path}: ${e.message}`);
    if (applied.refused.length) fellShort = true;
  } else if (!asked) {
    say('Nothing was written. Save the changes with --patch FILE, or write them with --apply.');
  }

  let validation: ValidationResult | undefined;
  const skipped = args.validate === undefined ? undefined : applied
    ? validationBlocked(args.validate, { written: [...applied.applied, ...applied.merged], refused: applied.refused.map((e) => e.path), sensitive, root })
    : 'Nothing was written, so there is nothing to check.';
  if (args.validate !== undefined && skipped) {
    say(`Validation not run: ${skipped}`);
    json.validationSkipped = skipped;
    fellShort = true;
  } else if (args.validate !== undefined && applied) {
    say(`Validating: ${args.validate}`);
    validation = await runValidation(args.validate, root, { signal });
    json.validation = validation;
    say(validation.exitCode === 0 ? 'Validation passed.' : `Validation failed (${validation.exitCode === null ? 'killed' : `exit code ${validation.exitCode}`}):\n${validation.outputTail.split('\n').slice(-20).join('\n')}`);
    if (validation.exitCode !== 0) fellShort = true;
  }

  if (args.summary !== undefined) {
    const file = resolve(args.summary);
    const markdown = await refactorSummary({
      title: args.question, changes: edits.changes, validation: validation ?? null, apply: applied, traceSha256: result.receipt?.sha256, sensitive,
      ...(args.validate !== undefined && skipped ? { validationSkipped: { command: args.validate, reason: skipped } } : {}),
      integration: { partitions: edits.partitions, conflicts: edits.conflicts, resolutions: edits.resolutions },
    });
    await writeOrUsage(file, markdown, '--summary');
    json.summary = file;
    say(`Summary: ${file}`);
  }
  return { json, fellShort };
}

/** What --apply must not write, with why: files with an unresolved conflict, and sensitive ones unless allowed. */
function refusals(open: readonly Conflict[], sensitive: ReadonlyMap<string, string>, allowSensitive: boolean): Map<string, string> {
  const refuse = conflictedPaths(open);
  if (allowSensitive) return refuse;
  for (const [path, why] of sensitive) {
    if (!refuse.has(path)) refuse.set(path, `${why}; sensitive files are not written without --allow-sensitive (read them in --patch FILE first)`);
  }
  return refuse;
}

function describe(stats: readonly FileStat[], sensitive: ReadonlyMap<string, string>): string {
  const added = stats.reduce((n, s) => n + s.added, 0);
  const removed = stats.reduce((n, s) => n + s.removed, 0);
  // Sensitive files first: one hidden in a long change set must not fall under "... and N more".
  const shown = [...stats.filter((s) => sensitive.has(s.path)), ...stats.filter((s) => !sensitive.has(s.path))];
  const lines = shown.slice(0, 20).map((s) => `  ${s.change.padEnd(6)} ${s.from ? `${s.from} -> ` : ''}${s.path} +${s.added} -${s.removed}${sensitive.has(s.path) ? '  (sensitive)' : ''}`);
  if (stats.length > 20) lines.push(`  ... and ${stats.length - 20} more`);
  return [`Proposed changes: ${stats.length} file${stats.length === 1 ? '' : 's'}, +${added} -${removed}`, ...lines].join('\n');
}

async function writeOrUsage(file: string, text: string, flag: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (err) {
    throw new UsageError(`Cannot write ${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
