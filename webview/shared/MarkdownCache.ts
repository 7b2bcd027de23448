// Rendered Markdown kept per key (an exchange, a node) while its text stays the same, so redrawing the page
// each frame does not re-parse and re-sanitise every answer on it. A text is cut into pieces as it is rendered
// (see markdownPieces.ts), a piece per step, a slice of steps at a time (SlicedWork.ts): a long answer fills in
// over a few frames, starting after the frame that asked for it, and never holds the page. A short one is
// rendered at once. Text that grows (streaming) keeps the pieces it already has and
// renders only from the first that changed.

import { renderPiece } from './markdown';
import { PIECE_CHARS, readPieces, type Piece } from './markdownPieces';
import { SlicedWork } from './SlicedWork';

interface Entry {
  text: string;
  element: HTMLElement;
  /** The pieces in the element, in order: its children. */
  pieces: Piece[];
  at: number;
  cancel?: () => void;
}

export class MarkdownCache {
  private readonly entries = new Map<string, Entry>();
  private staleTimer: number | undefined;

  /** `onStale` draws the page again once a throttled text is due (see `get`'s `minIntervalMs`). */
  constructor(private readonly onStale: () => void = () => {}, private readonly work = new SlicedWork()) {}

  /**
   * The element for `text`. With `minIntervalMs` (text streaming in), a text that changed again sooner than
   * that keeps its last rendering for now and is rendered on a later draw: a long reply re-parsed on every
   * frame would cost more than the frame.
   */
  get(key: string, text: string, testId: string, minIntervalMs = 0): HTMLElement {
    const hit = this.entries.get(key);
    if (hit && hit.text === text) return hit.element;
    const now = performance.now();
    if (hit && now - hit.at < minIntervalMs) {
      this.staleTimer ??= window.setTimeout(() => {
        this.staleTimer = undefined;
        this.onStale();
      }, minIntervalMs - (now - hit.at));
      return hit.element;
    }
    const entry = hit ?? { text, element: newElement(testId), pieces: [], at: now };
    entry.cancel?.();
    Object.assign(entry, { text, at: now });
    const { element } = entry;
    element.setAttribute('data-rendering', '');
    const pieces = readPieces(text);
    let at = 0;
    entry.cancel = this.work.add(() => {
      const next = pieces.next();
      if (next.done) {
        // What is left of the last rendering past the new text's end goes.
        entry.pieces.splice(at);
        while (element.childElementCount > at) element.lastElementChild!.remove();
        element.dataset.pieces = String(at);
        element.classList.toggle('md-pieces', at > 1);
        element.removeAttribute('data-rendering');
        return false;
      }
      const piece = next.value;
      const old = entry.pieces[at];
      if (!old || !samePiece(old, piece)) {
        entry.pieces.splice(at);
        while (element.childElementCount > at) element.lastElementChild!.remove();
        element.append(renderPiece(piece));
        entry.pieces.push(piece);
      }
      at++;
      element.classList.toggle('md-pieces', at > 1);
      return true;
    }, text.length > PIECE_CHARS);
    this.entries.set(key, entry);
    return element;
  }

  /** Keeps only the given keys (the exchanges of the chat shown). */
  retain(keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const [key, entry] of this.entries) {
      if (keep.has(key)) continue;
      entry.cancel?.();
      this.entries.delete(key);
    }
  }
}

function newElement(testId: string): HTMLElement {
  const element = document.createElement('div');
  element.className = 'markdown';
  element.dataset.testid = testId;
  return element;
}

function samePiece(a: Piece, b: Piece): boolean {
  return a.kind === b.kind && a.text === b.text && (a.kind === 'markdown' || a.continued === (b as typeof a).continued);
}
