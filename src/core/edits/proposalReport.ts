// What a run proposed, told to a program instead of a person at a review: the files with their sizes and which are
// sensitive, the refactor summary (summary.ts, with its receipt), and the unified diff `git apply` takes. For the
// agent-mode tool and the MCP server, which hand a change back to another agent and never write it.

import type { RunResult } from '../loop/RlmRun';
import { toPatch } from './patch';
import { SensitivePaths } from './sensitive';
import { changeReceipt, refactorSummary } from './summary';
import type { FileStat } from './types';

/** The files a run proposed to change: sizes, and why each sensitive one is. */
export interface ProposedFiles {
  files: Array<FileStat & { sensitive?: string }>;
  /** Lines added and removed over every file. */
  added: number;
  removed: number;
  /** Conflicts between partitions the run left unresolved: the patch holds the earlier side of each. */
  unresolvedConflicts: number;
}

export interface ProposalReport extends ProposedFiles {
  /** The refactor summary in Markdown, ending with the receipt. */
  summary: string;
  /** A unified diff of every proposed file, for `git apply`. */
  patch: string;
  /** The change receipt: SHA-256 over the bases, the new texts and the run's trace. */
  receipt: string;
}

/**
 * The files of a run's proposals, or undefined when it proposed nothing. `sensitivePatterns` add to the built-in
 * sensitive list (named `source` in reasons), as rlm.sensitivePaths and --sensitive-path do.
 */
export async function proposedFiles(result: RunResult, sensitivePatterns: readonly string[] = [], source?: string): Promise<ProposedFiles | undefined> {
  const edits = result.edits;
  if (!edits || edits.changes.size === 0) return undefined;
  const stats = await edits.changes.summary();
  const sensitive = new SensitivePaths(sensitivePatterns, source).of(edits.changes.files());
  return {
    files: stats.map((s) => (sensitive.has(s.path) ? { ...s, sensitive: sensitive.get(s.path)! } : s)),
    added: stats.reduce((n, s) => n + s.added, 0),
    removed: stats.reduce((n, s) => n + s.removed, 0),
    unresolvedConflicts: edits.conflicts.filter((c) => !c.resolved).length,
  };
}

/** proposedFiles with the refactor summary, the patch and the receipt. */
export async function proposalReport(title: string, result: RunResult, sensitivePatterns: readonly string[] = [], source?: string): Promise<ProposalReport | undefined> {
  const files = await proposedFiles(result, sensitivePatterns, source);
  const edits = result.edits;
  if (!files || !edits) return undefined;
  const sensitive = new Map(files.files.flatMap((f) => (f.sensitive ? [[f.path, f.sensitive] as const] : [])));
  const summary = await refactorSummary({
    title,
    changes: edits.changes,
    traceSha256: result.receipt?.sha256,
    sensitive,
    integration: { partitions: edits.partitions, conflicts: edits.conflicts, resolutions: edits.resolutions },
  });
  return { ...files, summary, patch: await toPatch(edits.changes), receipt: changeReceipt(edits.changes, result.receipt?.sha256).sha256 };
}
