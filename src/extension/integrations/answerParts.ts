// An answer cut into Markdown and `path:line` references, so VS Code's Chat view can show each reference as an
// anchor that opens the file at that line. The same reference grammar as the sidebar's links (webview/shared/
// pathRefs.ts). References inside code blocks and inside longer inline code stay text: cutting there would break
// the Markdown; a reference that is a whole inline code span (`src/a.ts:3`) becomes an anchor, backticks and all.

import { findPathRefs, type PathRef } from '../../../webview/shared/pathRefs';

export type AnswerPart = { kind: 'markdown'; text: string } | { kind: 'ref'; ref: PathRef; text: string };

export function answerParts(answer: string): AnswerPart[] {
  const parts: AnswerPart[] = [];
  let at = 0;
  const fenced = fencedRanges(answer);
  for (const match of findPathRefs(answer)) {
    let start = match.index;
    let end = start + match.text.length;
    if (fenced.some(([from, to]) => start >= from && start < to)) continue;
    const lineStart = answer.lastIndexOf('\n', start - 1) + 1;
    const ticksBefore = (answer.slice(lineStart, start).match(/`/g) ?? []).length;
    if (ticksBefore % 2 === 1) {
      // Inside inline code: only a span that is the reference alone becomes an anchor.
      if (answer[start - 1] !== '`' || answer[end] !== '`') continue;
      start--;
      end++;
    }
    if (start > at) parts.push({ kind: 'markdown', text: answer.slice(at, start) });
    const { index: _index, text: _text, ...ref } = match;
    parts.push({ kind: 'ref', ref, text: match.text });
    at = end;
  }
  if (at < answer.length) parts.push({ kind: 'markdown', text: answer.slice(at) });
  return parts;
}

/** [start, end) of each fenced code block (``` or ~~~), an unclosed one running to the end. */
function fencedRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const fence = /^ {0,3}(`{3,}|~{3,})/gm;
  let open: { at: number; marker: string } | undefined;
  for (const m of text.matchAll(fence)) {
    if (!open) open = { at: m.index!, marker: m[1]! };
    else if (m[1]![0] === open.marker[0] && m[1]!.length >= open.marker.length) {
      ranges.push([open.at, m.index! + m[0].length]);
      open = undefined;
    }
  }
  if (open) ranges.push([open.at, text.length]);
  return ranges;
}
