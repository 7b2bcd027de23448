// How a cost (and a token count) reads, the same in the chat, the tree, the status bar and the terminal. A call to a model with no
// known price adds nothing to `usd`, so a total that includes one is not known: it says so instead of "$0".

/** Four decimals below a dollar (a sub-call costs fractions of a cent), two above. */
export function formatUsd(usd: number): string {
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** "$0.0123"; "unknown" when nothing was priced; "$0.0123 + unknown" when some calls had no price. */
export function formatCost(usd: number, unpriced = 0): string {
  if (!(unpriced > 0)) return formatUsd(usd);
  return usd > 0 ? `${formatUsd(usd)} + unknown` : 'unknown';
}

/** What caching saved ("saved $0.0123"), or cost when Anthropic cache writes were never read back. */
export function formatSavings(usd: number): string {
  return usd >= 0 ? `saved ${formatUsd(usd)}` : `cache writes cost ${formatUsd(-usd)}`;
}

/** A token count: "950", "12.3k", "1.25M". */
export function formatTokens(n: number): string {
  return n >= 1_000_000 ? `${(n / 1e6).toFixed(2)}M` : n >= 1_000 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}
