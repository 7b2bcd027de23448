// How figures read in the UI: the same words and precision in the chat's status line, the answer footers and
// the trajectory tree.

import type { StopReason } from '../../src/core/trajectory/events';

export { formatCost, formatSavings, formatTokens, formatUsd } from '../../src/core/models/costText';

/** A text's size in characters, read as bytes: "850 B", "195 kB", "5.2 MB". */
export function formatSize(chars: number): string {
  return chars >= 1_000_000 ? `${(chars / 1e6).toFixed(1)} MB` : chars >= 1_000 ? `${Math.round(chars / 1e3)} kB` : `${chars} B`;
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
  max_requests: 'request limit reached',
  timeout: 'timed out',
  cancelled: 'stopped',
  error: 'failed',
};

export function formatStopReason(reason: StopReason | undefined): string {
  return reason ? STOP_REASONS[reason] ?? reason : '';
}
