// The status-bar texts: while a question runs (a spinner, the cost so far, and the cap), and while a folder is
// indexed for the first time (how far it has got).

import type { LiveRun } from '../chats/ChatService';
import { describeIndexing } from '../../core/workspace/CodeWorkspace';
import type { FolderIndexing } from '../workspace/WorkspaceRoots';

export function statusText(run: Pick<LiveRun, 'costUsd' | 'maxCostUsd'>): string {
  const cap = run.maxCostUsd === null ? '' : ` / ${usd(run.maxCostUsd)}`;
  return `$(loading~spin) RLM ${usd(run.costUsd)}${cap}`;
}

export function statusTooltip(run: Pick<LiveRun, 'title' | 'events'>): string {
  const n = run.events.length;
  return `RLM is answering "${run.title}" (${n} event${n === 1 ? '' : 's'} so far). Click to show the chat.`;
}

/** Cents once a run costs something worth reading; tenths of a cent below. */
export function usd(value: number): string {
  return `$${value >= 0.1 || value === 0 ? value.toFixed(2) : value.toFixed(4)}`;
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
