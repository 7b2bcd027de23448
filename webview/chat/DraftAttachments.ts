// What is attached to the question being written: the chips above the question box (one per attachment; a chip
// the host refused stays, saying why, until it is removed) and the `#file` completions on show. Pure state, kept
// with the draft across a reload; the host checks every attachment again when the question is sent.

import { MAX_ATTACHMENTS, type AttachmentChip, type AttachmentRef } from '../../src/protocol/messages';

/** The `#` completions on show: for `query`, the `active` one picked by Enter or Tab. */
export interface Completion {
  query: string;
  paths: string[];
  active: number;
}

/** One chip per attachment: its ref as a key. */
export const chipKey = (ref: AttachmentRef): string => JSON.stringify(ref);

export class DraftAttachments {
  chips: AttachmentChip[] = [];
  completion: Completion | undefined;

  constructor(saved: readonly AttachmentChip[] = []) {
    this.add(saved);
  }

  /** Adds chips; a chip for something already attached replaces it (its size may have changed). */
  add(chips: readonly AttachmentChip[]): void {
    for (const chip of chips) {
      const at = this.chips.findIndex((c) => chipKey(c.ref) === chipKey(chip.ref));
      if (at >= 0) this.chips[at] = chip;
      else if (this.chips.length < MAX_ATTACHMENTS) this.chips.push(chip);
    }
  }

  remove(key: string): void {
    this.chips = this.chips.filter((c) => chipKey(c.ref) !== key);
  }

  /** What goes with the question: the chips the host accepted. */
  refs(): AttachmentRef[] {
    return this.chips.filter((c) => !c.refused).map((c) => c.ref);
  }

  clear(): void {
    this.chips = [];
    this.completion = undefined;
  }

  /** A `#` was typed: completions for `query` are on their way. */
  expect(query: string): void {
    this.completion = { query, paths: this.completion?.query === query ? this.completion.paths : [], active: 0 };
  }

  /** The host's completions; ignored when the question box has moved on to another query. */
  completed(query: string, paths: string[]): void {
    // The host sends a query's answer again while a first walk lists files: the active row stays where the user moved it.
    if (this.completion?.query === query) this.completion = { query, paths, active: Math.min(this.completion.active, Math.max(0, paths.length - 1)) };
  }

  /** Moves the active completion by `step`, wrapping. */
  move(step: number): void {
    const c = this.completion;
    if (c && c.paths.length > 0) c.active = (c.active + step + c.paths.length) % c.paths.length;
  }
}

/** Saved view state back into chips: only what has a chip's shape (the page's own JSON, checked again by the host). */
export function savedChips(value: unknown): AttachmentChip[] {
  if (!Array.isArray(value)) return [];
  return value.filter((c): c is AttachmentChip => typeof c === 'object' && c !== null && typeof c.label === 'string'
    && typeof c.detail === 'string' && typeof c.ref === 'object' && c.ref !== null && typeof c.ref.kind === 'string');
}
