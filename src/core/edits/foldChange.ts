// One step of integration: a partition's change of one base file folded into what the earlier partitions
// made of it (see integrate.ts for the whole picture).
import { block, describeOverlap, type Conflict, type Resolution } from './conflicts';
import { sha256 } from './lineDiff';
import { merge3 } from './merge3';
import type { FileChange } from './types';

/** A partition's record of a file, with what integration learnt about it. */
export interface Item {
  order: number;
  partition: string;
  /** Its descriptions name their partitions already (see PartitionChanges.labelled). */
  labelled: boolean;
  file: FileChange;
  /** SHA-256 of the record's text (undefined: deleted). */
  textSha256: string | undefined;
  /** The other partition's record this one's base text is the output of (it read what that one wrote). */
  producer?: Item;
}

/** What one base file has become so far. */
export interface Fold {
  /** The base path (for a created file: its path). */
  origin: string;
  realBase: string | undefined;
  realBaseSha256: string | undefined;
  text: string | undefined;
  path: string;
  /** Partitions whose content changes are in `text`, in order. */
  contentBy: string[];
  movedBy?: string;
  deletedBy?: string;
  /** Rank of the first partition that changed it: the earlier group keeps a path both want. */
  firstOrder: number;
  descriptions: string[];
}

export type NewConflict = Omit<Conflict, 'id' | 'revision' | 'description'> & { description: (id: string) => string };

export interface FoldReport {
  conflict(c: NewConflict): void;
  resolution(r: Resolution): void;
}

export function newFold(origin: string, realBase: string | undefined, firstOrder: number): Fold {
  return { origin, realBase, realBaseSha256: realBase === undefined ? undefined : sha256(realBase), text: realBase, path: origin, contentBy: [], firstOrder, descriptions: [] };
}

export function foldChange(fold: Fold, item: Item, report: FoldReport): void {
  fold.descriptions.push(...(item.labelled ? item.file.descriptions : item.file.descriptions.map((d) => `[${item.partition}] ${d}`)));
  if (item.file.text === undefined) foldDelete(fold, item, report);
  else if (fold.text === undefined && fold.deletedBy) editOfDeleted(fold, item, report);
  else {
    foldContent(fold, item, report);
    foldPath(fold, item, report);
  }
}

function foldDelete(fold: Fold, { partition, file, producer }: Item, report: FoldReport): void {
  if (fold.text === undefined) return; // deleted already: both agree
  if (fold.movedBy) {
    const mover = fold.movedBy;
    report.conflict({
      kind: 'rename-delete', paths: [fold.path], partitions: [mover, partition],
      texts: { path: fold.path, base: fold.realBase, ours: fold.text },
      description: (id) => `Conflict ${id} (rename vs delete): partition "${mover}" renamed ${fold.origin} to ${fold.path}, and partition "${partition}" deleted ${fold.origin}. ` +
        `The renamed file is kept. To delete it after all: propose_delete('${fold.path}'). To keep it: propose_edit('${fold.path}', <its text>) unchanged.`,
    });
    return;
  }
  if (fold.text !== file.base) {
    const editors = quoted(fold.contentBy);
    report.conflict({
      kind: 'delete-modify', paths: [fold.path], partitions: [...fold.contentBy, partition],
      texts: { path: fold.path, base: file.base, ours: fold.text },
      description: (id) => [
        `Conflict ${id} (delete vs edit): partition "${partition}" deleted ${fold.path}, but ${editors} changed it. The file is kept, with those changes:`,
        block(fold.text),
        `To delete it after all: propose_delete('${fold.path}'). To keep it: propose_edit('${fold.path}', <its text>) unchanged.`,
      ].join('\n'),
    });
    return;
  }
  fold.text = undefined;
  fold.deletedBy = partition;
  if (producer) report.resolution({ kind: 'dependent', path: fold.path, partitions: [partition], dependsOn: [producer.partition], how: `deleted the file after ${quoted([producer.partition])}'s change to it` });
}

function editOfDeleted(fold: Fold, { partition, file }: Item, report: FoldReport): void {
  const deleter = fold.deletedBy!;
  report.conflict({
    kind: file.from !== undefined ? 'rename-delete' : 'delete-modify', paths: [fold.path], partitions: [deleter, partition],
    texts: { path: fold.path, base: fold.realBase, theirs: file.text },
    description: (id) => [
      `Conflict ${id} (${file.from !== undefined ? 'delete vs rename' : 'delete vs edit'}): partition "${deleter}" deleted ${fold.path}, and partition "${partition}" ` +
        `${file.from !== undefined ? `renamed it to ${file.path}` : 'changed it'}, to:`,
      block(file.text),
      `The file stays deleted. To keep it with that change: propose_edit('${file.path}', <the text above>).`,
    ].join('\n'),
  });
}

function foldContent(fold: Fold, item: Item, report: FoldReport): void {
  const { partition, file, producer } = item;
  const current = fold.text ?? '';
  // Nothing there yet (deleted files were handled before): the first creator's text, as it is.
  const firstCreation = fold.text === undefined;
  const merged = firstCreation ? { clean: true as const, text: file.text! } : merge3(file.base ?? '', current, file.text!);
  if (!merged.clean) {
    const kept = fold.contentBy.length > 0 ? [...fold.contentBy] : ['(the base)'];
    report.conflict({
      kind: 'overlap', paths: [fold.path], partitions: [...kept, partition], hunks: merged.conflicts,
      texts: { path: fold.path, base: file.base, ours: fold.text, theirs: file.text },
      description: (id) => describeOverlap(id, fold.path, kept, partition, merged.conflicts),
    });
  } else if (file.base !== fold.realBase || producer) {
    const dependsOn = producer ? [producer.partition] : [];
    report.resolution({
      kind: 'dependent', path: fold.path, partitions: [partition], dependsOn,
      how: !producer
        ? "its edit was made against a text that is neither the base nor another partition's output (did the file change during the run?); merged three-way against that text"
        : file.base === fold.text ? `its edit was made against ${quoted(dependsOn)}'s output: applied on top of it`
        : `its edit was made against ${quoted(dependsOn)}'s output: merged three-way with the other changes`,
    });
  } else if (merged.text !== current && fold.contentBy.length > 0) {
    report.resolution({ kind: 'merged', path: fold.path, partitions: [...fold.contentBy, partition], how: 'edits to different lines, merged three-way against the base' });
  }
  if (merged.text !== current || firstCreation) fold.contentBy.push(partition);
  fold.text = merged.text;
}

/** A rename moves the file unless another partition moved it elsewhere first; an edit follows wherever it went. */
function foldPath(fold: Fold, { partition, file, producer }: Item, report: FoldReport): void {
  const origin = file.from ?? file.path;
  const others = fold.contentBy.filter((p) => p !== partition);
  if (file.path === origin) {
    // (An edit made against the moved file's output was reported as dependent already.)
    if (fold.movedBy && fold.movedBy !== partition && fold.contentBy.includes(partition) && !producer) {
      report.resolution({ kind: 'followed-rename', path: fold.path, partitions: [fold.movedBy, partition], how: `"${partition}"'s edits of ${origin} follow "${fold.movedBy}"'s rename to ${fold.path}` });
    }
    return;
  }
  if (fold.path === file.path) return;
  if (fold.movedBy === undefined || fold.path === origin) {
    if (others.length > 0) {
      report.resolution({ kind: 'followed-rename', path: file.path, partitions: [...others, partition], how: `${quoted(others)}'s edits of ${fold.path} move with "${partition}"'s rename to ${file.path}` });
    }
    fold.path = file.path;
    fold.movedBy = partition;
    return;
  }
  const mover = fold.movedBy;
  report.conflict({
    kind: 'rename-rename', paths: [fold.path], partitions: [mover, partition],
    description: (id) => `Conflict ${id} (rename vs rename): partition "${mover}" renamed ${fold.origin} to ${fold.path}, partition "${partition}" renamed it to ${file.path}. ` +
      `${fold.path} is kept. To use the other path: propose_rename('${fold.path}', '${file.path}'); to keep it: propose_edit('${fold.path}', <its text>) unchanged.`,
  });
}

export function quoted(partitions: readonly string[]): string {
  return partitions.length === 0 ? 'the base' : partitions.map((p) => `"${p}"`).join(' + ');
}
