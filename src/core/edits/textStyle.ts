// A file's conventions that model code cannot see: `read()` gives lines without their CR, without the final
// newline and without a byte-order mark, so text the model types follows none of them. The rules:
// - Line endings: in a file whose every line break is CRLF, typed text whose line breaks are all LF gets CRLF
//   (find and replace alike). Typed text with any CR in it is used as typed (the model meant it). A file with
//   mixed endings is matched as typed first, then with CRLF (see findReplace.ts).
// - Final newline: a whole-text edit of an existing file keeps the file's final-newline state (one trailing line
//   break added or dropped), since the model never saw it; to change it, a find/replace must say so. A created
//   file ends with a line break (added when missing), as editors and linters expect.
// - Byte-order mark: kept when the file had one and a whole-text edit does not.

const BOM = '\ufeff';

export type LineBreak = '\n' | '\r\n';

/** The style of a text's line breaks: one of them when all are alike, 'mixed', or 'none' when it has no line break. */
export function lineBreakStyle(text: string): LineBreak | 'mixed' | 'none' {
  let crlf = 0;
  let lf = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    if (at > 0 && text.charCodeAt(at - 1) === 13) crlf++;
    else lf++;
    if (crlf > 0 && lf > 0) return 'mixed';
  }
  return crlf > 0 ? '\r\n' : lf > 0 ? '\n' : 'none';
}

/** Typed text with LF breaks only, converted to CRLF; undefined when there is nothing to convert. */
export function toCrlf(typed: string): string | undefined {
  if (typed.includes('\r') || !typed.includes('\n')) return undefined;
  return typed.replace(/\n/g, '\r\n');
}

/** Typed text in a file's line-break style (see the rules above). */
export function inStyleOf(fileStyle: ReturnType<typeof lineBreakStyle>, typed: string): string {
  return fileStyle === '\r\n' ? (toCrlf(typed) ?? typed) : typed;
}

/** A whole new text for an existing file (base) or a new one (base undefined), with the file's conventions. */
export function wholeTextInStyle(base: string | undefined, typed: string): string {
  if (base === undefined) {
    const style = lineBreakStyle(typed);
    return typed === '' || typed.endsWith('\n') ? typed : typed + (style === '\r\n' ? '\r\n' : '\n');
  }
  const style = lineBreakStyle(base);
  let text = inStyleOf(style, typed);
  if (base.startsWith(BOM) && !text.startsWith(BOM)) text = BOM + text;
  const baseEnds = base === '' || base.endsWith('\n'); // an empty file is filled like a new one
  const trailing = /\r?\n$/.exec(text)?.[0];
  if (baseEnds && !trailing && text !== '' && text !== BOM) text += style === '\r\n' ? '\r\n' : '\n';
  if (!baseEnds && trailing) text = text.slice(0, -trailing.length);
  return text;
}
