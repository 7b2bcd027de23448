// Text shown in one line (a note, a chat's title, a tree row, a log line, an error): shortened with an ellipsis,
// the same way wherever model or user text is cut to fit.

/** The first line of `text` (blank space around it dropped), at most `max` characters, the ellipsis included. */
export function firstLine(text: string | undefined, max: number): string {
  return clip((text ?? '').trimStart().split('\n', 1)[0]!.trim(), max);
}

/** `text` in one line (each run of blank space one space), at most `max` characters, the ellipsis included. */
export function oneLine(text: string, max: number): string {
  return clip(text.replace(/\s+/g, ' ').trim(), max);
}

function clip(line: string, max: number): string {
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
