// The last step of integration: where every file ends up, and the merged change set's records for it.
// Two files that would end at one path are a conflict; the earlier group (plan order) keeps the path. The
// records are derived from the final state of the tree, so they always keep ChangeSet's shape rules: a file
// that lands on a path whose original was deleted or moved away becomes an edit of that path.
import { block } from './conflicts';
import { quoted, type Fold, type FoldReport } from './foldChange';
import type { FileChange } from './types';

export function settlePaths(folds: readonly Fold[], report: FoldReport): FileChange[] {
  const changed = folds.filter((f) => !(f.text === f.realBase && f.path === f.origin)).sort((a, b) => a.firstOrder - b.firstOrder);
  const final = new Map<string, Fold>();
  for (const fold of changed) {
    if (fold.text === undefined) continue;
    const holder = final.get(fold.path);
    if (!holder) {
      final.set(fold.path, fold);
      continue;
    }
    const wanted = fold.path;
    const canStay = fold.realBase !== undefined && fold.origin !== wanted && !final.has(fold.origin);
    report.conflict({
      kind: 'path-collision', paths: canStay ? [wanted, fold.origin] : [wanted], partitions: [whoOf(holder), whoOf(fold)],
      texts: { path: wanted, ours: holder.text, theirs: fold.text },
      description: (id) => [
        `Conflict ${id} (path collision): two files would end at ${wanted}: ${describe(holder)} (kept) and ${describe(fold)}.`,
        ...(canStay ? [`The second stays at ${fold.origin}, with its edits.`] : ['The second is not in the change set; its text:', block(fold.text)]),
        'To resolve: choose a path for each, then propose_rename / propose_edit accordingly.',
      ].join('\n'),
    });
    if (!canStay) continue;
    fold.path = fold.origin;
    if (fold.text !== fold.realBase) final.set(fold.origin, fold);
  }
  return recordsOf(changed, final);
}

function recordsOf(changed: readonly Fold[], final: ReadonlyMap<string, Fold>): FileChange[] {
  const baseAt = new Map<string, Fold>();
  for (const fold of changed) if (fold.realBase !== undefined) baseAt.set(fold.origin, fold);
  const records: FileChange[] = [];
  const renamedFrom = new Set<string>();
  for (const [path, fold] of final) {
    const text = fold.text!;
    const original = baseAt.get(path);
    if (original) {
      // The path existed: whatever lands here is an edit of it (a shim left behind, a file moved onto a deleted one).
      if (text !== original.realBase) records.push({ path, base: original.realBase, baseSha256: original.realBaseSha256, text, descriptions: [...new Set([...original.descriptions, ...fold.descriptions])] });
    } else if (fold.realBase !== undefined && fold.origin !== path && !final.has(fold.origin)) {
      renamedFrom.add(fold.origin);
      records.push({ path, from: fold.origin, base: fold.realBase, baseSha256: fold.realBaseSha256, text, descriptions: fold.descriptions });
    } else {
      records.push({ path, base: undefined, baseSha256: undefined, text, descriptions: fold.descriptions });
    }
  }
  for (const [origin, fold] of baseAt) {
    if (final.has(origin) || renamedFrom.has(origin)) continue;
    records.push({ path: origin, base: fold.realBase, baseSha256: fold.realBaseSha256, text: undefined, descriptions: fold.descriptions });
  }
  return records;
}

function whoOf(fold: Fold): string {
  return fold.movedBy ?? fold.contentBy[0] ?? fold.deletedBy ?? '(the base)';
}

function describe(fold: Fold): string {
  const who = quoted([...new Set([fold.movedBy, ...fold.contentBy].filter((p): p is string => p !== undefined))]);
  return fold.realBase === undefined ? `a new file from ${who}` : `${fold.origin} (moved by ${who})`;
}
