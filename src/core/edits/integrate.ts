// Integration: the change sets of parallel partitions (child runs) folded into one.
//
// Files are grouped by the path they had in the base, and each group folds the partitions' changes in plan
// order (foldChange.ts), each three-way merged against the text that partition's edit was made against:
// - the real base: an overlap when an earlier partition changed the file too; hunks that do not overlap
//   merge, overlapping ones are a conflict whose kept side is the earlier partition's;
// - another partition's output (it read what that one wrote): a dependent edit, taken after the change it
//   builds on and reported with it; an edit of a file another partition created or moved joins that group.
// Then settlePaths.ts decides where every file ends up, and semantic.ts looks for uses of removed names.
import { ChangeSet } from './ChangeSet';
import type { Conflict, Resolution } from './conflicts';
import { foldChange, newFold, type Fold, type FoldReport, type Item } from './foldChange';
import { sha256 } from './lineDiff';
import { semanticClashes, type SymbolSource } from './semantic';
import { settlePaths } from './settlePaths';
import { pauseIfDue } from './TimeSlicer';
import type { BaseReader } from './types';

export interface PartitionChanges {
  /** The partition's name in the plan (unique). */
  partition: string;
  instruction?: string;
  changes: ChangeSet;
  /**
   * Its descriptions already name their partitions (a change set earlier partitions were folded into): kept as
   * they are instead of being labelled again with this partition's name.
   */
  labelled?: boolean;
}

export interface IntegrateOptions {
  /** The real base: the workspace as the run found it (raw text, see BaseReader). */
  read: BaseReader;
  /** In plan order: in a conflict, the earlier partition's side is the one kept in the merged text. */
  partitions: readonly PartitionChanges[];
  /** Definitions and identifiers for the semantic check (see syntaxSymbols.ts); without it, none is made. */
  symbols?: SymbolSource;
  /** The number of the first conflict found ('c1' by default): a caller folding in several times numbers on. */
  firstConflict?: number;
}

export interface PartitionStat {
  partition: string;
  instruction?: string;
  files: number;
  /** Lines added and removed by the partition's own change set, against the texts it read. */
  added: number;
  removed: number;
}

export interface Integration {
  /** The merged change set; its base reader is options.read. */
  changes: ChangeSet;
  conflicts: Conflict[];
  resolutions: Resolution[];
  partitions: PartitionStat[];
}

/** Folds the partitions' change sets into one. Yields to the event loop between files. */
export async function integrate(options: IntegrateOptions): Promise<Integration> {
  const names = options.partitions.map((p) => p.partition);
  if (names.some((n) => typeof n !== 'string' || n === '')) throw new Error('Every partition needs a name');
  if (new Set(names).size !== names.length) throw new Error(`Partition names must be unique, got: ${names.join(', ')}`);
  const partitions = options.partitions.map((p, order) => ({ ...p, order, files: p.changes.files() }));
  const conflicts: Conflict[] = [];
  const resolutions: Resolution[] = [];
  const report: FoldReport = {
    conflict: (c) => {
      const id = `c${conflicts.length + (options.firstConflict ?? 1)}`;
      conflicts.push({ ...c, id, description: c.description(id), revision: 0 });
    },
    resolution: (r) => resolutions.push(r),
  };

  const items: Item[] = [];
  for (const p of partitions) {
    for (const file of p.files) {
      await pauseIfDue();
      items.push({ order: p.order, partition: p.partition, labelled: p.labelled === true, file, textSha256: file.text === undefined ? undefined : sha256(file.text) });
    }
  }
  findProducers(items);
  const folds: Fold[] = [];
  for (const [origin, group] of groupByBasePath(items)) {
    await pauseIfDue();
    const fold = newFold(origin, await options.read(origin), group[0].order);
    for (const item of group) foldChange(fold, item, report);
    folds.push(fold);
  }
  const records = settlePaths(folds, report);
  await pauseIfDue();
  const changes = ChangeSet.fromFiles(records, options.read);

  if (options.symbols) {
    for (const clash of await semanticClashes(partitions, options.symbols)) {
      const { removed, used } = clash;
      report.conflict({
        kind: 'semantic', paths: [...new Set([used.path, removed.path])], partitions: [removed.partition, used.partition], semantic: clash,
        description: (id) => [
          `Conflict ${id} (semantic) between partitions "${removed.partition}" and "${used.partition}": the edits merge as text, but "${removed.partition}" ` +
            `removed or renamed the ${clash.kind} \`${clash.name}\` (defined at ${removed.path}:${removed.line} in the base), and "${used.partition}" ` +
            `added a use of \`${clash.name}\` at ${used.path}:${used.line}:`,
          `    ${used.text}`,
          `To resolve: read('${used.path}') and propose_edit('${used.path}', [{find, replace}]) to use the new name (or restore the definition). ` +
            `If the use is right as it is (another \`${clash.name}\` is meant), propose the file again unchanged.`,
        ].join('\n'),
      });
    }
  }

  const stats: PartitionStat[] = [];
  for (const p of partitions) {
    // The change set's own diffs (memoised when its proposals were made).
    const files = await p.changes.summary();
    stats.push({
      partition: p.partition, ...(p.instruction !== undefined ? { instruction: p.instruction } : {}), files: files.length,
      added: files.reduce((n, f) => n + f.added, 0), removed: files.reduce((n, f) => n + f.removed, 0),
    });
  }
  return { changes, conflicts, resolutions, partitions: stats };
}

/** A record whose base is another partition's output at the same path was made after reading that output. */
function findProducers(items: Item[]): void {
  const byOutput = new Map<string, Item[]>();
  for (const item of items) {
    if (item.textSha256 === undefined) continue;
    const key = `${item.file.path}\0${item.textSha256}`;
    const list = byOutput.get(key);
    if (list) list.push(item);
    else byOutput.set(key, [item]);
  }
  for (const item of items) {
    if (item.file.baseSha256 === undefined) continue;
    const origin = item.file.from ?? item.file.path;
    const candidates = byOutput.get(`${origin}\0${item.file.baseSha256}`)?.filter((o) => o.partition !== item.partition);
    // Several partitions may have written the same text: the latest one before this one in plan order, else the first.
    item.producer = candidates?.filter((o) => o.order < item.order).pop() ?? candidates?.[0];
  }
}

/**
 * Groups records by base path; within a group, plan order, except that a record goes after the one whose
 * output it was made against. A record made against a file another partition created or moved there joins
 * that partition's group.
 */
function groupByBasePath(items: readonly Item[]): Map<string, Item[]> {
  const key = new Map<Item, { group: string; rank: number }>();
  const visiting = new Set<Item>();
  const place = (item: Item): { group: string; rank: number } => {
    const known = key.get(item);
    if (known) return known;
    visiting.add(item);
    // Two records each made against the other's output cannot happen unless both are no-ops; break such a cycle.
    const before = item.producer && !visiting.has(item.producer) ? place(item.producer) : undefined;
    visiting.delete(item);
    const placed = { group: before?.group ?? item.file.from ?? item.file.path, rank: before ? Math.max(item.order, before.rank + 1e-6) : item.order };
    key.set(item, placed);
    return placed;
  };
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const { group } = place(item);
    const list = groups.get(group);
    if (list) list.push(item);
    else groups.set(group, [item]);
  }
  for (const list of groups.values()) list.sort((a, b) => key.get(a)!.rank - key.get(b)!.rank);
  return groups;
}
