// The status-bar texts: while a question runs (a spinner, the cost so far as billed, caching's discount applied,
// against the cap, what caching saved, and for models with no known price, the requests against the request cap:
// their cost is unknown, so the dollar cap cannot see them), and while a folder is indexed for the first time (how
// far it has got, and for a large folder, which settings narrow it).

import * as l10n from '@vscode/l10n';
import { formatCost, formatSavings, formatUsd } from '../../../webview/shared/format';
import type { LiveRun } from '../chats/ChatService';
import { describeIndexing } from '../../core/workspace/CodeWorkspace';
import type { FolderIndexing } from '../workspace/WorkspaceRoots';

export function statusText(run: Pick<LiveRun, 'costUsd' | 'maxCostUsd' | 'savedUsd' | 'unpriced' | 'maxRequests'>): string {
  const cap = run.maxCostUsd === null ? '' : ` / ${formatUsd(run.maxCostUsd)}`;
  const saved = run.savedUsd > 0 ? ` (${formatSavings(run.savedUsd)})` : '';
  const requests = run.unpriced === 0 ? ''
    : ` · ${run.maxRequests === null ? requestCount(run.unpriced) : l10n.t('{0}/{1} requests', run.unpriced, run.maxRequests)}`;
  return `$(loading~spin) RLM ${formatCost(run.costUsd, run.unpriced)}${cap}${saved}${requests}`;
}

export function statusTooltip(run: Pick<LiveRun, 'title' | 'events' | 'costUsd' | 'savedUsd' | 'unpriced' | 'maxRequests'>): string {
  const n = run.events.length;
  const parts = [n === 1 ? l10n.t('RLM is answering "{0}" (1 event so far).', run.title) : l10n.t('RLM is answering "{0}" ({1} events so far).', run.title, n)];
  if (run.savedUsd > 0) {
    parts.push(l10n.t('Cost so far {0} as billed; caching saved {1} ({2}% off the list price).',
      formatCost(run.costUsd, run.unpriced), formatUsd(run.savedUsd), Math.round((100 * run.savedUsd) / (run.costUsd + run.savedUsd))));
  }
  if (run.unpriced > 0) {
    parts.push(run.maxRequests === null
      ? l10n.t('{0} went to a model with no known price: the dollar cap cannot be enforced for it.', requestCount(run.unpriced))
      : l10n.t('{0} went to a model with no known price: the dollar cap cannot be enforced for it, and the run stops at {1} requests.', requestCount(run.unpriced), run.maxRequests));
  }
  parts.push(l10n.t('Click to show the chat.'));
  return parts.join(' ');
}

/** "1 request", "3 requests": whole phrases, so a translation can word each form. */
function requestCount(n: number): string {
  return n === 1 ? l10n.t('1 request') : l10n.t('{0} requests', n);
}

/** While folders are indexed for the first time: the first one's progress, what a click does, and how to narrow a large one. */
export function indexingStatus(folders: readonly FolderIndexing[]): { text: string; tooltip: string } {
  const [first] = folders;
  const more = folders.length > 1 ? ` ${l10n.t('(+{0} more)', folders.length - 1)}` : '';
  const large = folders.flatMap((f) => (f.progress && f.progress.listed >= LARGE_FOLDER_FILES ? [` ${largeFolderNote(f.name, f.progress.listed)}`] : []));
  return {
    text: `$(sync~spin) ${l10n.t('RLM: indexing {0}: {1}', first?.name ?? '', describeIndexing(first?.progress))}${more}`,
    tooltip: l10n.t('RLM is indexing {0} for the first time; questions are answered meanwhile, from what is indexed so far. Click to stop (the next question goes on from there).', folders.map((f) => f.name).join(', ')) + large.join(''),
  };
}

/** A folder with this many files takes long enough to index (a minute or more) that narrowing it is worth a word. */
export const LARGE_FOLDER_FILES = 20_000;

/** What a large folder's note says: how large, and the two settings that index less of it. */
export function largeFolderNote(name: string, files: number): string {
  return l10n.t('{0} is large ({1} files so far): to index less of it, set rlm.include to the folders you ask about, or rlm.excludes to paths to leave out.', name, files.toLocaleString('en-US'));
}
