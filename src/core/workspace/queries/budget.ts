// How long one call from model code may search: the workspace's budget, within the calling cell's own
// deadline, plus a short grace in which a worker past its budget hands back what it found.

import type { CallControl } from '../types';
import type { QueryControl } from './QueryWorkers';

/** A search never holds a cell longer than this; what it found so far comes back, marked incomplete. */
export const DEFAULT_TIME_BUDGET_MS = 10_000;
/** After its budget, a worker gets this long to return partial results before it is terminated. */
export const STALL_GRACE_MS = 500;
/** The least time a call gets, even when the caller's deadline is nearly spent. */
const MIN_BUDGET_MS = 50;
/** A pattern always gets this long in its worker, even after waiting (for the walk, the parser) used up the budget. */
const MIN_MATCH_MS = 1_000;

export function callBudget(defaultMs: number, control: CallControl | undefined): number {
  const fromCaller = control?.timeBudgetMs === undefined ? Infinity : Math.max(MIN_BUDGET_MS, control.timeBudgetMs - STALL_GRACE_MS);
  return Math.min(defaultMs, fromCaller);
}

/** A worker request's hard deadline: the budget plus the grace for handing back partial results. */
export function workerDeadline(budgetMs: number, control: CallControl | undefined, graceMs = STALL_GRACE_MS): QueryControl {
  return { deadlineMs: budgetMs + graceMs, signal: control?.signal };
}

export function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/**
 * What waiting (for the walk, the parser) left of a call's budget of `budgetMs` ending at `until` (epoch ms),
 * but never so little that a fine pattern looks slow: at least a second, or the whole budget when it is shorter.
 */
export function budgetLeft(until: number, budgetMs: number): number {
  return Math.max(Math.min(MIN_MATCH_MS, budgetMs), until - Date.now());
}
