// The status-bar text while a question runs: a spinner, the cost so far (as billed, caching's discount applied),
// the cap, and what caching saved.

import type { LiveRun } from '../chats/ChatService';

export function statusText(run: Pick<LiveRun, 'costUsd' | 'maxCostUsd' | 'savedUsd'>): string {
  const cap = run.maxCostUsd === null ? '' : ` / ${usd(run.maxCostUsd)}`;
  const saved = run.savedUsd > 0 ? ` (saved ${usd(run.savedUsd)})` : '';
  return `$(loading~spin) RLM ${usd(run.costUsd)}${cap}${saved}`;
}

export function statusTooltip(run: Pick<LiveRun, 'title' | 'events' | 'costUsd' | 'savedUsd'>): string {
  const n = run.events.length;
  const saved = run.savedUsd > 0 ? ` Cost so far ${usd(run.costUsd)} as billed; caching saved ${usd(run.savedUsd)} (${Math.round((100 * run.savedUsd) / (run.costUsd + run.savedUsd))}% off the list price).` : '';
  return `RLM is answering "${run.title}" (${n} event${n === 1 ? '' : 's'} so far).${saved} Click to show the chat.`;
}

/** Cents once a run costs something worth reading; tenths of a cent below. */
export function usd(value: number): string {
  return `$${value >= 0.1 || value === 0 ? value.toFixed(2) : value.toFixed(4)}`;
}
