// How figures read in the UI: the same words and precision in the chat's status line, the answer footers and
// the trajectory tree, in the user's language (the host's status bar and @rlm's reply use them too).

import * as l10n from '@vscode/l10n';
import type { FileChangeKind, NodeStatus, StopReason } from '../../src/core/trajectory/events';
import { formatCost as costIn, formatSavings as savingsIn, type CostWords } from '../../src/core/models/costText';

export { formatTokens, formatUsd } from '../../src/core/models/costText';

const COST_WORDS: CostWords = {
  unknown: () => l10n.t('unknown'),
  plusUnknown: (usd) => l10n.t('{0} + unknown', usd),
  saved: (usd) => l10n.t('saved {0}', usd),
  cacheWritesCost: (usd) => l10n.t('cache writes cost {0}', usd),
};

/** "$0.0123"; "unknown" when nothing was priced; "$0.0123 + unknown" when some calls had no price. */
export const formatCost = (usd: number, unpriced = 0): string => costIn(usd, unpriced, COST_WORDS);

/** What caching saved ("saved $0.0123"), or cost when Anthropic cache writes were never read back. */
export const formatSavings = (usd: number): string => savingsIn(usd, COST_WORDS);

/** Names listed in a sentence: "a", "a and b", "a and b and c". */
export function formatList(names: readonly string[]): string {
  return names.length === 0 ? '' : names.reduce((a, b) => l10n.t('{0} and {1}', a, b));
}

/** A text's size in characters, read as bytes: "850 B", "195 kB", "5.2 MB". */
export function formatSize(chars: number): string {
  return chars >= 1_000_000 ? l10n.t('{0} MB', (chars / 1e6).toFixed(1)) : chars >= 1_000 ? l10n.t('{0} kB', Math.round(chars / 1e3)) : l10n.t('{0} B', chars);
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return l10n.t('{0}ms', Math.round(ms));
  if (ms < 60_000) return l10n.t('{0}s', (ms / 1_000).toFixed(1));
  const minutes = Math.floor(ms / 60_000);
  return l10n.t('{0}m {1}s', minutes, String(Math.floor((ms % 60_000) / 1_000)).padStart(2, '0'));
}

export function formatStopReason(reason: StopReason | undefined): string {
  switch (reason) {
    case undefined: return '';
    case 'final': return l10n.t('final answer');
    case 'max_iterations': return l10n.t('turn limit reached');
    case 'max_sub_calls': return l10n.t('sub-call limit reached');
    case 'max_tokens': return l10n.t('token limit reached');
    case 'max_cost': return l10n.t('cost limit reached');
    case 'max_requests': return l10n.t('request limit reached');
    case 'timeout': return l10n.t('timed out');
    case 'cancelled': return l10n.t('stopped');
    case 'error': return l10n.t('failed');
    // A reason from a newer trace: its own name.
    default: return reason;
  }
}

/** Where a node of a run stands, or how it ended (a question's status is one of these too). */
export function formatStatus(status: NodeStatus): string {
  switch (status) {
    case 'queued': return l10n.t('queued');
    case 'running': return l10n.t('running');
    case 'done': return l10n.t('done');
    case 'error': return l10n.t('error');
    case 'cancelled': return l10n.t('cancelled');
    // A status from a newer trace: its own name.
    default: return status;
  }
}

/** What a proposed edit does to its file. */
export function formatChange(change: FileChangeKind): string {
  switch (change) {
    case 'create': return l10n.t('create');
    case 'modify': return l10n.t('modify');
    case 'delete': return l10n.t('delete');
    case 'rename': return l10n.t('rename');
    default: return change;
  }
}
