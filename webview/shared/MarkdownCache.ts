// Rendered Markdown kept per key (an exchange, a node) while its text stays the same, so redrawing the page
// each frame does not re-parse and re-sanitise every answer on it.

import { renderMarkdown } from './markdown';

export class MarkdownCache {
  private readonly entries = new Map<string, { text: string; element: HTMLElement }>();

  get(key: string, text: string, testId: string): HTMLElement {
    const hit = this.entries.get(key);
    if (hit && hit.text === text) return hit.element;
    const element = document.createElement('div');
    element.className = 'markdown';
    element.dataset.testid = testId;
    element.append(renderMarkdown(text));
    this.entries.set(key, { text, element });
    return element;
  }

  /** Keeps only the given keys (the exchanges of the chat shown). */
  retain(keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const key of this.entries.keys()) if (!keep.has(key)) this.entries.delete(key);
  }
}
