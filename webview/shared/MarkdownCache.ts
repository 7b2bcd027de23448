// Rendered Markdown kept per key (an exchange, a node) while its text stays the same, so redrawing the page
// each frame does not re-parse and re-sanitise every answer on it.

import { renderMarkdown } from './markdown';

export class MarkdownCache {
  private readonly entries = new Map<string, { text: string; element: HTMLElement; at: number }>();
  private staleTimer: number | undefined;

  /** `onStale` draws the page again once a throttled text is due (see `get`'s `minIntervalMs`). */
  constructor(private readonly onStale: () => void = () => {}) {}

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
    const element = document.createElement('div');
    element.className = 'markdown';
    element.dataset.testid = testId;
    element.append(renderMarkdown(text));
    this.entries.set(key, { text, element, at: now });
    return element;
  }

  /** Keeps only the given keys (the exchanges of the chat shown). */
  retain(keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const key of this.entries.keys()) if (!keep.has(key)) this.entries.delete(key);
  }
}
