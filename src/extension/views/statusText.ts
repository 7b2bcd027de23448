// The status-bar text while a question runs: a spinner, the cost so far, and the cap.

import type { LiveRun } from '../chats/ChatService';

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
