// The status-bar texts: while a question runs (a spinner, the cost so far as billed, caching's discount applied,
// against the cap, what caching saved, and for models with no known price, the requests against the request cap:
// their cost is unknown, so the dollar cap cannot see them), and while a folder is indexed for the first time (how
// far it has got, and for a large folder, which settings narrow it).

import { formatCost, formatSavings, formatUsd } from '../../core/models/costText';
import type { LiveRun } from '../chats/ChatService';
import { describeIndexing } from '../../core/workspace/CodeWorkspace';
import type { FolderIndexing } from '../workspace/WorkspaceRoots';

export function statusText(run: Pick<LiveRun, 'costUsd' | 'maxCostUsd' | 'savedUsd' | 'unpriced' | 'maxRequests'>): string {
  const cap = run.maxCostUsd === null ? '' : ` / ${formatUsd(run.maxCostUsd)}`;
  const saved = run.savedUsd > 0 ? ` (${formatSavings(run.savedUsd)})` : '';
  const requests = run.unpriced === 0 ? ''
    : run.maxRequests === null ? ` · ${run.unpriced} request${run.unpriced === 1 ? '' : 's'}` : ` · ${run.unpriced}/${run.maxRequests} requests`;
  return `$(loading~spin) RLM ${formatCost(run.costUsd, run.unpriced)}${cap}${saved}${requests}`;
}

export function statusTooltip(run: Pick<LiveRun, 'title' | 'events' | 'costUsd' | 'savedUsd' | 'unpriced' | 'maxRequests'>): string {
  const n = run.events.length;
  const saved = run.savedUsd > 0
    ? ` Cost so far ${formatCost(run.costUsd, run.unpriced)} as billed; caching saved ${formatUsd(run.savedUsd)} (${Math.round((100 * run.savedUsd) / (run.costUsd + run.savedUsd))}% off the list price).`
    : '';
  const unpriced = run.unpriced > 0
    ? ` ${run.unpriced} request${run.unpriced === 1 ? '' : 's'} went to a model with no known price: the dollar cap cannot be enforced for it${run.maxRequests === null ? '' : `, and the run stops at ${run.maxRequests} requests`}.`
    : '';
  return `RLM is answering "${run.title}" (${n} event${n === 1 ? '' : 's'} so far).${saved}${unpriced} Click to show the chat.`;
}

/** While folders are indexed for the first time: the first one's progress, what a click does, and how to narrow a large one. */
export function indexingStatus(folders: readonly FolderIndexing[]): { text: string; tooltip: string } {
  const [first] = folders;
  const more = folders.length > 1 ? ` (+${folders.length - 1} more)` : '';
  const large = folders.flatMap((f) => (f.progress && f.progress.listed >= LARGE_FOLDER_FILES ? [` ${largeFolderNote(f.name, f.progress.listed)}`] : []));
  return {
    text: `$(sync~spin) RLM: indexing ${first?.name ?? ''}: ${describeIndexing(first?.progress)}${more}`,
    tooltip: `RLM is indexing ${folders.map((f) => f.name).join(', ')} for the first time; questions are answered meanwhile, from what is indexed so far. Click to stop (the next question goes on from there).${large.join('')}`,
  };
}

/** A folder with this many files takes long enough to index (a minute or more) that narrowing it is worth a word. */
export const LARGE_FOLDER_FILES = 20_000;

/** What a large folder's note says: how large, and the two settings that index less of it. */
export function largeFolderNote(name: string, files: number): string {
  return `${name} is large (${files.toLocaleString('en-US')} files so far): to index less of it, set rlm.include to the folders you ask about, or rlm.excludes to paths to leave out.`;
}
