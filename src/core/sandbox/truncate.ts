// Output fed back to the root model must stay small: keep its head and tail, say how much was cut.

/** Default number of characters of cell output shown to the root model. */
export const DEFAULT_MAX_OUTPUT_CHARS = 20_000;

/**
 * Keeps the first and last parts of `text` so the result is at most about `maxChars` characters, with a note
 * in the middle saying how many characters were cut. Text that fits is returned unchanged.
 */
export function truncateOutput(text: string, maxChars: number = DEFAULT_MAX_OUTPUT_CHARS): string {
  if (!Number.isFinite(maxChars) || maxChars < 0) {
    throw new RangeError(`truncateOutput: maxChars must be a non-negative number, got ${maxChars}`);
  }
  if (text.length <= maxChars) return text;
  const keep = Math.floor(maxChars);
  const cut = text.length - keep;
  const note = `\n[... ${cut.toLocaleString('en-US')} characters cut; print less, or slice the output ...]\n`;
  const head = Math.ceil(keep / 2);
  const tail = keep - head;
  return text.slice(0, head) + note + (tail > 0 ? text.slice(text.length - tail) : '');
}
