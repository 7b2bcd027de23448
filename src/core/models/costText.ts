// How a cost (and a token count) reads, the same in the chat, the tree, the status bar and the terminal. A call to a model with no
// known price adds nothing to `usd`, so a total that includes one is not known: it says so instead of "$0".

/** Four decimals below a dollar (a sub-call costs fractions of a cent), two above. */
export function formatUsd(usd: number): string {
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/**
 * The words around the figures. English here: the terminal, the log and whatever a model reads say them so; the
 * editor's pages and status bar pass theirs in the user's language (webview/shared/format.ts).
 */
export interface CostWords {
  /** Nothing was priced. */
  unknown(): string;
  /** Some calls had no price; `usd` is what the others cost. */
  plusUnknown(usd: string): string;
  saved(usd: string): string;
  cacheWritesCost(usd: string): string;
}

const ENGLISH: CostWords = {
  unknown: () => 'unknown',
  plusUnknown: (usd) => `${usd} + unknown`,
  saved: (usd) => `saved ${usd}`,
  cacheWritesCost: (usd) => `cache writes cost ${usd}`,
};

/** "$0.0123"; "unknown" when nothing was priced; "$0.0123 + unknown" when some calls had no price. */
export function formatCost(usd: number, unpriced = 0, words = ENGLISH): string {
  if (!(unpriced > 0)) return formatUsd(usd);
  return usd > 0 ? words.plusUnknown(formatUsd(usd)) : words.unknown();
}

/** What caching saved ("saved $0.0123"), or cost when Anthropic cache writes were never read back. */
export function formatSavings(usd: number, words = ENGLISH): string {
  return usd >= 0 ? words.saved(formatUsd(usd)) : words.cacheWritesCost(formatUsd(-usd));
}

/** A token count: "950", "12.3k", "1.25M". */
export function formatTokens(n: number): string {
  return n >= 1_000_000 ? `${(n / 1e6).toFixed(2)}M` : n >= 1_000 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}
