// Model text cut into pieces the page renders one at a time, each in a few milliseconds, so a long answer never
// holds the page (see MarkdownCache.ts). Cuts fall between top-level blocks: at blank lines outside code fences,
// before a line that starts a new block. What is too big to be worth parsing as Markdown is shown as text: a
// block longer than BLOCK_CHARS (a lock file pasted as one paragraph, a megabyte on one line), and the body of a
// code fence longer than HIGHLIGHT_CHARS (shown as code, not coloured). Pure: no DOM.

export type Piece =
  | { kind: 'markdown'; text: string }
  /** Part of a code fence too long to colour; `continued` when it goes on from the piece before. */
  | { kind: 'code'; text: string; continued: boolean }
  /** Part of a block too long for Markdown, as text. */
  | { kind: 'plain'; text: string; continued: boolean };

/**
 * Markdown gathered into one piece before a cut is looked for: markdown-it, highlight.js, DOMPurify and the layout
 * of the result take a few milliseconds for this much.
 */
export const PIECE_CHARS = 2_000;
/**
 * Past this, a block of lines without a blank one (and no list item to cut before) is shown as plain text: some
 * Markdown costs markdown-it time that grows with the square of its length (a thousand nested brackets take 25 ms
 * in 5,000 characters).
 */
export const BLOCK_CHARS = 4_000;
/** Past this, a code fence's body is shown uncoloured (highlight.js on it would take more than a frame). */
export const HIGHLIGHT_CHARS = 6_000;
/** Text and code shown as they are go into pieces of this size (a line longer than that is split). */
export const TEXT_PIECE_CHARS = 4_000;

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^(?:[-*+]|\d{1,9}[.)])\s/;

/** The pieces of `text`, in order (see readPieces for them one at a time). */
export function markdownPieces(text: string): Piece[] {
  return [...readPieces(text)];
}

/** The pieces of `text`, cut as they are asked for: a page renders the first before the rest is looked at. */
export function* readPieces(text: string): Generator<Piece, void, undefined> {
  const lines = text.split('\n');
  let markdown: string[] = [];
  let markdownChars = 0;
  /** The markdown gathered so far, as a piece (none when it is only blank lines); starts a new one. */
  const flush = (): Piece[] => {
    const piece: Piece[] = markdown.some((line) => line.trim() !== '') ? [{ kind: 'markdown', text: markdown.join('\n') }] : [];
    markdown = [];
    markdownChars = 0;
    return piece;
  };
  const addMarkdown = (added: string[]) => {
    markdown.push(...added);
    for (const line of added) markdownChars += line.length + 1;
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = FENCE_OPEN.exec(line);
    if (fence && !(fence[1]![0] === '`' && line.slice(fence[0].length).includes('`'))) {
      const close = closingFence(lines, i + 1, fence[1]!);
      const body = lines.slice(i + 1, close);
      const bodyChars = body.reduce((n, l) => n + l.length + 1, 0);
      if (bodyChars <= HIGHLIGHT_CHARS) {
        if (markdownChars + bodyChars > PIECE_CHARS) yield* flush();
        addMarkdown(lines.slice(i, close + 1));
      } else {
        yield* flush();
        yield* textPieces('code', body);
      }
      i = close + 1;
      continue;
    }
    if (line.trim() === '') {
      addMarkdown([line]);
      i++;
      if (markdownChars >= PIECE_CHARS && (startsBlock(lines[i]) || markdownChars >= 2 * PIECE_CHARS)) yield* flush();
      continue;
    }
    // A block: the lines up to the next blank one or fence; a long one ends before a list item if it has one
    // (a tight list of a thousand items renders the same as lists of a few dozen, one after another).
    let end = i;
    let chars = 0;
    while (end < lines.length && lines[end]!.trim() !== '' && (end === i || !FENCE_OPEN.test(lines[end]!))) {
      if (end > i && chars >= PIECE_CHARS && LIST_ITEM.test(lines[end]!)) break;
      chars += lines[end++]!.length + 1;
    }
    const block = lines.slice(i, end);
    if (chars > BLOCK_CHARS) {
      yield* flush();
      yield* textPieces('plain', block);
    } else {
      // Blocks that cannot be cut before (list items, quotes) still end a piece that would grow too long.
      if (markdownChars + chars > 2 * PIECE_CHARS) yield* flush();
      addMarkdown(block);
    }
    i = end;
  }
  yield* flush();
}

const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})\s*$/;

/** The index of the line that closes a fence opened with `marker`, or the end (an unclosed fence runs to the end). */
function closingFence(lines: readonly string[], from: number, marker: string): number {
  for (let j = from; j < lines.length; j++) {
    const close = FENCE_CLOSE.exec(lines[j]!)?.[1];
    if (close && close[0] === marker[0] && close.length >= marker.length) return j;
  }
  return lines.length;
}

/** A line that begins a block of its own at the top level (not a list item, quote or indented continuation). */
function startsBlock(line: string | undefined): boolean {
  return line !== undefined && /^[^\s>*+-]/.test(line) && !/^\d{1,9}[.)](\s|$)/.test(line);
}

/** Lines as text pieces of about TEXT_PIECE_CHARS, a longer line split across pieces. */
function textPieces(kind: 'code' | 'plain', lines: readonly string[]): Piece[] {
  const parts: string[] = [];
  let text = '';
  for (const [n, line] of lines.entries()) {
    let rest = n < lines.length - 1 ? `${line}\n` : line;
    while (text.length + rest.length > TEXT_PIECE_CHARS) {
      let room = TEXT_PIECE_CHARS - text.length;
      // Not between the two halves of a surrogate pair (an emoji would show as two broken characters).
      if (room > 1 && /[\uD800-\uDBFF]/.test(rest[room - 1]!)) room--;
      parts.push(text + rest.slice(0, room));
      text = '';
      rest = rest.slice(room);
    }
    text += rest;
  }
  if (text !== '' || parts.length === 0) parts.push(text);
  return parts.map((part, at) => ({ kind, text: part, continued: at > 0 }));
}
