// What a screen reader hears when a question ends: the Chat view puts it in a polite live region, so someone who
// cannot see the answer render is told it is there, and how it starts, without moving their focus. Only a question
// that ends while the view is open is announced, not the chats it loads.

import * as l10n from '@vscode/l10n';
import type { Exchange } from '../../src/protocol/messages';

/** Enough of the answer to know what it says; the rest is read in the conversation. */
export const ANNOUNCED_CHARS = 300;

export function announcementOf(x: Exchange): string {
  switch (x.status) {
    case 'done': {
      if (!x.answer) return l10n.t('The question ended without an answer.');
      const text = plainText(x.answer);
      return text.length > ANNOUNCED_CHARS
        ? l10n.t('Answer ready: {0}… (the whole answer is in the conversation)', text.slice(0, ANNOUNCED_CHARS).trimEnd())
        : l10n.t('Answer ready: {0}', text);
    }
    case 'cancelled':
      return x.answer ? l10n.t('Stopped, with an answer so far: {0}', plainText(x.answer).slice(0, ANNOUNCED_CHARS)) : l10n.t('The question was stopped.');
    case 'error':
      // The error itself is an alert in the conversation, which is read out by itself.
      return l10n.t('The question failed.');
    case 'running':
      return '';
  }
}

/** Markdown as it reads aloud: no fences, backticks, emphasis marks, heading hashes or link targets. */
export function plainText(markdown: string): string {
  return markdown
    .slice(0, ANNOUNCED_CHARS * 4)
    .replace(/^\s*(```|~~~).*$/gm, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '')
    .replace(/`/g, '')
    // Emphasis only where a mark opens and closes a run of words (snake_case and 2 * 3 keep theirs).
    .replace(/(^|[^\w*])(\*\*|__|\*|_)(?=\S)([^]*?\S)\2(?![\w*])/g, '$1$3')
    .replace(/\s+/g, ' ')
    .trim();
}
