// The Chat view's attachments on the host. The page names them (AttachmentRef); this gathers what the Problems list
// and the uncommitted changes hold when asked, and checks each attachment against the folder's workspace
// (core/loop/focus.ts): for its chip when it is attached, and again when the question is sent, so what reaches the
// model never rests on the page's word. No `vscode`: the editor's parts come in as AttachmentSources.

import * as l10n from '@vscode/l10n';
import { focusLabel, focusSize, resolveFocus, type ChangeEntry, type FocusItem, type FocusRequest, type ProblemEntry } from '../../core/loop/focus';
import type { Workspace } from '../../core/workspace/types';
import type { AttachmentChip, AttachmentRef } from '../../protocol/messages';
import { CHIP_WORDS } from './chipWords';

export interface AttachmentSources {
  workspace: Workspace;
  /** The editor's Problems list for the folder, paths relative to it. */
  problems(): ProblemEntry[];
  /** The folder's uncommitted changes (core/workspace/gitChanges.ts). */
  changes(): Promise<ChangeEntry[]>;
}

export interface Attached {
  ref: AttachmentRef;
  /** What the model gets, when the workspace allows it. */
  item?: FocusItem;
  chip: AttachmentChip;
}

/** How many `#` completions the page shows. */
export const MAX_COMPLETIONS = 20;
/** A completion waits this long at most for a big folder's file list (it answers with the files listed so far). */
const COMPLETION_BUDGET_MS = 300;

/** Each attachment checked, in order: its item for the model, and its chip (with why, when refused). */
export async function attach(refs: readonly AttachmentRef[], sources: AttachmentSources): Promise<Attached[]> {
  const attached: Attached[] = [];
  for (const ref of refs) {
    let request: FocusRequest;
    try {
      request = ref.kind === 'problems' ? { kind: 'problems', problems: sources.problems() }
        : ref.kind === 'changes' ? { kind: 'changes', changes: await sources.changes() }
        : ref;
    } catch (err) {
      attached.push(refusedChip(ref, (err as Error).message));
      continue;
    }
    const { items, refused } = await resolveFocus(sources.workspace, [request]);
    const item = items[0];
    attached.push(item ? { ref, item, chip: { ref, label: focusLabel(item, CHIP_WORDS), detail: focusSize(item, CHIP_WORDS) } } : refusedChip(ref, refused[0]?.reason ?? l10n.t('It cannot be attached')));
  }
  return attached;
}

/** A chip for something that cannot be attached: the reason is on the chip, the question goes without it. */
export function refusedChip(ref: AttachmentRef, reason: string): Attached {
  return { ref, chip: { ref, label: focusLabel(ref, CHIP_WORDS), detail: reason, refused: true } };
}

/**
 * The files whose path holds `query` (case-insensitive), best first: the name starts with it, then the name holds
 * it, then the path; shorter paths first. Only the workspace's files: ignored and credential files are none of them.
 * `partial` while the folder's first walk is still listing files.
 */
export async function completePaths(workspace: Workspace, query: string): Promise<{ paths: string[]; partial: boolean }> {
  const { items, incomplete } = await workspace.files(undefined, { timeBudgetMs: COMPLETION_BUDGET_MS });
  const q = query.toLowerCase();
  const ranked: Array<{ path: string; rank: number }> = [];
  for (const { path } of items) {
    const lower = path.toLowerCase();
    const name = lower.slice(lower.lastIndexOf('/') + 1);
    const rank = name.startsWith(q) ? 0 : name.includes(q) ? 1 : lower.includes(q) ? 2 : -1;
    if (rank >= 0) ranked.push({ path, rank });
  }
  ranked.sort((a, b) => a.rank - b.rank || a.path.length - b.path.length || (a.path < b.path ? -1 : 1));
  return { paths: ranked.slice(0, MAX_COMPLETIONS).map((r) => r.path), partial: incomplete !== undefined };
}
