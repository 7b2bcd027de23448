// The status-bar texts: while a question runs (a spinner, the cost so far against the cap, and for models with no
// known price, the requests against the request cap: their cost is unknown, so the dollar cap cannot see them), and
// while a folder is indexed for the first time (how far it has got).

import { formatCost, formatUsd } from '../../core/models/costText';
import type { LiveRun } from '../chats/ChatService';
import { describeIndexing } from '../../core/workspace/CodeWorkspace';
import type { FolderIndexing } from '../workspace/WorkspaceRoots';

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

/** While folders are indexed for the first time: the first one's progress, and what a click does. */
export function indexingStatus(folders: readonly FolderIndexing[]): { text: string; tooltip: string } {
  const [first] = folders;
  const more = folders.length > 1 ? ` (+${folders.length - 1} more)` : '';
  return {
    text: `$(sync~spin) RLM: indexing ${first?.name ?? ''}: ${describeIndexing(first?.progress)}${more}`,
    tooltip: `RLM is indexing ${folders.map((f) => f.name).join(', ')} for the first time; questions are answered meanwhile, from what is indexed so far. Click to stop (the next question goes on from there).`,
  };
}
