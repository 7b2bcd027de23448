// How figures read in the UI: the same words and precision in the chat's status line, the answer footers and
// the trajectory tree.

import type { StopReason } from '../../src/core/trajectory/events';

export function formatTokens(n: number): string {
  return n >= 1_000_000 ? `${(n / 1e6).toFixed(2)}M` : n >= 1_000 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/** Four decimals below a dollar (a sub-call costs fractions of a cent), two above. */
export function formatCost(usd: number): string {
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** What caching saved ("saved $0.0123"), or cost when Anthropic cache writes were never read back. */
export function formatSavings(usd: number): string {
  return usd >= 0 ? `saved ${formatCost(usd)}` : `cache writes cost ${formatCost(-usd)}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m ${String(Math.floor((ms % 60_000) / 1_000)).padStart(2, '0')}s`;
}

const STOP_REASONS: Record<StopReason, string> = {
  final: 'final answer',
  max_iterations: 'turn limit reached',
  max_sub_calls: 'sub-call limit reached',
  max_tokens: 'token limit reached',
  max_cost: 'cost limit reached',
  timeout: 'timed out',
  cancelled: 'stopped',
  error: 'failed',
};

export function formatStopReason(reason: StopReason | undefined): string {
  return reason ? STOP_REASONS[reason] ?? reason : '';
}
