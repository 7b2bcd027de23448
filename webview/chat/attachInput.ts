// Reading attachments out of the question box and out of a drop: the `#word` being typed, and the URIs VS Code's
// Explorer puts on a drag.

import { MAX_ATTACHMENTS } from '../../src/protocol/messages';

/** The word after a `#` that ends at the caret (`#` at the start or after a space), or undefined. */
export function hashWordBefore(text: string, caret: number): string | undefined {
  const match = /(?:^|\s)#([^\s#]{0,200})$/.exec(text.slice(0, caret));
  return match?.[1];
}

/**
 * The URIs of a drop: VS Code's own list, else the standard `text/uri-list` (comments and blank lines skipped).
 * The host decides what each may be.
 */
export function droppedUris(data: DataTransfer): string[] {
  const list = data.getData('application/vnd.code.uri-list') || data.getData('text/uri-list');
  return list.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')).slice(0, MAX_ATTACHMENTS);
}
