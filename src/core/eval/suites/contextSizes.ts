// Context sizes in tokens, as the CLI takes them (`--sizes 8k,32k,128k,512k,2m`): k is a thousand and m a
// million tokens, the way model windows are quoted (gpt-4o's 128k is 128,000). Text is generated to
// size * CHARS_PER_TOKEN characters, the project's one rule for turning characters into tokens.

import { CHARS_PER_TOKEN } from '../../models/usage';

export interface ContextSize {
  label: string;
  tokens: number;
}

export const DEFAULT_SIZES = '8k,32k,128k';

export function parseSize(text: string): ContextSize {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([km]?)\s*$/i.exec(text);
  if (!m) throw new RangeError(`Bad size '${text}': expected a number of tokens such as 8k, 128k or 2m`);
  const tokens = Math.round(Number(m[1]) * (m[2]!.toLowerCase() === 'm' ? 1e6 : m[2] ? 1e3 : 1));
  if (tokens < 1000) throw new RangeError(`Size '${text}' is too small: the suites need at least 1k tokens`);
  return { label: sizeLabel(tokens), tokens };
}

export function parseSizes(list: string): ContextSize[] {
  const sizes = list.split(',').filter((s) => s.trim() !== '').map(parseSize);
  const unique = new Map(sizes.map((s) => [s.tokens, s]));
  return [...unique.values()].sort((a, b) => a.tokens - b.tokens);
}

/** 8000 -> "8k", 2000000 -> "2m", 1500 -> "1.5k". */
export function sizeLabel(tokens: number): string {
  if (tokens >= 1e6) return `${round(tokens / 1e6)}m`;
  if (tokens >= 1e3) return `${round(tokens / 1e3)}k`;
  return String(tokens);
}

const round = (n: number) => String(Number(n.toFixed(n < 10 ? 1 : 0)));

/** Sizes a report column may have; a context of another size goes in the smallest one that holds it. */
const LADDER = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 2000, 4000, 8000, 16000].map((k) => k * 1000);

/** The generated suites' own size, else the ladder's smallest size that holds the context. */
export function sizeLabelOf(task: { sizeTokens: number; sizeLabel?: string }): string {
  if (task.sizeLabel) return task.sizeLabel;
  if (task.sizeTokens < 0) return '?';
  return sizeLabel(LADDER.find((n) => n >= task.sizeTokens) ?? task.sizeTokens);
}

export function charsFor(size: ContextSize): number {
  return size.tokens * CHARS_PER_TOKEN;
}
