// What integration reports: conflicts (for the root model to resolve through propose_edit, and for the user
// when it does not) and the resolutions it made on its own. Descriptions are written for a model to act on.
import type { ChangeSet } from './ChangeSet';
import type { ConflictHunk } from './merge3';

export type ConflictKind =
  /** Two partitions changed the same lines of a file (or both created it, differently). */
  | 'overlap'
  /** One partition deleted a file another changed. */
  | 'delete-modify'
  /** Two partitions renamed a file to different paths. */
  | 'rename-rename'
  /** One partition renamed a file another deleted. */
  | 'rename-delete'
  /** Two different files would end at the same path (a rename onto another's new or deleted file). */
  | 'path-collision'
  /** Merges cleanly, but one partition removed or renamed a definition another partition's new code uses. */
  | 'semantic';

export interface SemanticClash {
  /** The identifier: the removed definition's name, used in the other partition's added code. */
  name: string;
  /** The definition's kind (function, class, method, ...). */
  kind: string;
  removed: { partition: string; path: string; line: number };
  used: { partition: string; path: string; line: number; text: string };
}

export interface Conflict {
  /** 'c1', 'c2', ... in the order found. */
  id: string;
  kind: ConflictKind;
  /** The files involved, as paths of the merged change set (a file's old path when it did not move). */
  paths: string[];
  /** The partitions that collide: the one whose side the merged change set kept first (plan order). */
  partitions: string[];
  /** overlap: each conflicting stretch; ours is the kept side (earlier partitions), theirs the other. */
  hunks?: ConflictHunk[];
  semantic?: SemanticClash;
  /** Whole texts for a merge editor (undefined: the file is absent on that side). */
  texts?: { path: string; base?: string; ours?: string; theirs?: string };
  /** What happened, both sides and the base, and which call resolves it. */
  description: string;
  /** The merged change set's revision when the conflict was found (see unresolvedConflicts). */
  revision: number;
}

/** A decision integration made without asking: how a dependent edit or a clean overlap was combined. */
export interface Resolution {
  kind: 'merged' | 'dependent' | 'followed-rename';
  path: string;
  partitions: string[];
  /** dependent: the partitions whose output the edit was made against. */
  dependsOn?: string[];
  how: string;
}

/**
 * The conflicts nobody has acted on: none of their files was proposed again (propose_edit, propose_rename,
 * propose_delete) in the merged change set since integration. A proposal that leaves a file as it is still
 * counts: the model looked at it and chose.
 */
export function unresolvedConflicts(conflicts: readonly Conflict[], changes: ChangeSet): Conflict[] {
  return conflicts.filter((c) => c.paths.every((p) => changes.revisionOf(p) <= c.revision));
}

const SHOWN_LINES = 40;

/** A text block for a description: indented, cut after a few dozen lines. */
export function block(text: string | undefined): string {
  if (text === undefined) return '    (the file does not exist on this side)';
  if (text === '') return '    (nothing)';
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  const shown = lines.slice(0, SHOWN_LINES).map((l) => `    ${l}`);
  if (lines.length > SHOWN_LINES) shown.push(`    ... (${lines.length - SHOWN_LINES} more lines)`);
  return shown.join('\n');
}

export function describeOverlap(id: string, path: string, kept: string[], other: string, hunks: readonly ConflictHunk[]): string {
  const keptName = kept.map((p) => `"${p}"`).join(' + ');
  const parts = [
    `Conflict ${id} (overlapping edits) in ${path}: partitions ${keptName} and "${other}" changed the same lines.`,
    `The pending text of ${path} keeps ${keptName}'s side in ${hunks.length === 1 ? 'this stretch' : `these ${hunks.length} stretches`}; "${other}"'s side is NOT applied yet.`,
  ];
  hunks.forEach((h, i) => {
    parts.push(
      `Stretch ${i + 1}: ${lineSpan(h.base.start, h.base.lines)} of the base; ${lineSpan(h.merged.start, h.merged.lines)} of the pending text.`,
      `  base:\n${block(h.base.text)}`,
      `  ${keptName} (kept):\n${block(h.ours.text)}`,
      `  "${other}" (not applied):\n${block(h.theirs.text)}`,
    );
  });
  parts.push(`To resolve: read('${path}'), then propose_edit('${path}', [{find: <the kept lines>, replace: <lines that do what both sides intend>}]) ` +
    `(or the whole resolved text). To keep the pending text as it is, propose it again unchanged.`);
  return parts.join('\n');
}

/** "line 4", "lines 4-6", or "no line (before line 4)" for an empty stretch. */
export function lineSpan(start: number, lines: number): string {
  return lines === 0 ? `no line (before line ${start})` : lines === 1 ? `line ${start}` : `lines ${start}-${start + lines - 1}`;
}

/**
 * Files that must not be applied while these conflicts stand, with why: every kind, semantic included (its texts
 * merge, but the code they make does not work: a use of a name the other side removed). Pass it as
 * applyChanges' `refuse`.
 */
export function conflictedPaths(conflicts: readonly Conflict[]): Map<string, string> {
  const refuse = new Map<string, string>();
  for (const c of conflicts) {
    const what = c.kind === 'semantic' && c.semantic
      ? `unresolved semantic conflict ${c.id}: "${c.partitions[0]}" removed or renamed \`${c.semantic.name}\`, which "${c.partitions[1]}" uses at ${c.semantic.used.path}:${c.semantic.used.line}`
      : `unresolved conflict ${c.id} (${c.kind}) between ${c.partitions.map((x) => `"${x}"`).join(' and ')}`;
    for (const p of c.paths) if (!refuse.has(p)) refuse.set(p, `${what}: not applied`);
  }
  return refuse;
}
