// The status-bar text while a question runs: a spinner, the cost so far against the cap, and for models with no
// known price, the requests against the request cap (their cost is unknown, so the dollar cap cannot see them).

import { formatCost, formatUsd } from '../../core/models/costText';
import type { LiveRun } from '../chats/ChatService';

export function statusText(run: Pick<LiveRun, 'costUsd' | 'maxCostUsd' | 'unpriced' | 'maxRequests'>): string {
  const cap = run.maxCostUsd === null ? '' : ` / ${formatUsd(run.maxCostUsd)}`;
  const requests = run.unpriced === 0 ? ''
    : run.maxRequests === null ? ` · ${run.unpriced} request${run.unpriced === 1 ? '' : 's'}` : ` · ${run.unpriced}/${run.maxRequests} requests`;
  return `$(loading~spin) RLM ${formatCost(run.costUsd, run.unpriced)}${cap}${requests}`;
}

export function statusTooltip(run: Pick<LiveRun, 'title' | 'events' | 'unpriced' | 'maxRequests'>): string {
  const n = run.events.length;
  const unpriced = run.unpriced > 0
    ? ` ${run.unpriced} request${run.unpriced === 1 ? '' : 's'} went to a model with no known price: the dollar cap cannot be enforced for it${run.maxRequests === null ? '' : `, and the run stops at ${run.maxRequests} requests`}.`
    : '';
  return `RLM is answering "${run.title}" (${n} event${n === 1 ? '' : 's'} so far).${unpriced} Click to show the chat.`;
}
