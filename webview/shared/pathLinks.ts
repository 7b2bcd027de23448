// Clicks on `path:line` links (shared/markdown.ts, nodeText) post `link/open`. The target is read back from
// the link's own text, so what the user sees is what opens, whatever attributes the model's HTML carried.

import { PATH_REF_CLASS } from './markdown';
import { wholePathRef, type PathRef } from './pathRefs';

export function onPathLinkClick(root: HTMLElement, open: (ref: PathRef) => void): void {
  root.addEventListener('click', (event) => {
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || !root.contains(anchor)) return;
    const href = anchor.getAttribute('href') ?? '';
    if (anchor.classList.contains(PATH_REF_CLASS)) {
      event.preventDefault();
      const ref = wholePathRef(anchor.textContent ?? '');
      if (ref) open(ref);
    } else if (!/^(?:https?|mailto):/i.test(href)) {
      // In-page anchors and anything the sanitiser left without a web URL go nowhere. Web links are left to
      // VS Code, which opens them outside the editor after asking about untrusted domains.
      event.preventDefault();
    }
  });
}
