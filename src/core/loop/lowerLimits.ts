// Limits a caller asks for beside its question: an agent's tool call, an MCP client's arguments. They come from a
// model or another program, not from the user, so each may only lower the limit in force (the user's settings or
// flags), never raise it. One rule for every entry point.

import { formatUsd } from '../models/costText';
import { DEFAULT_LIMITS, type RlmLimits, type RlmLimitsInput } from './options';

/** The limits a caller may ask to lower. */
export const LOWERABLE_LIMITS = ['maxDepth', 'maxIterations', 'maxSubCalls', 'maxCostUsd', 'maxRequests', 'timeoutMs'] as const;
export type LowerableLimit = (typeof LOWERABLE_LIMITS)[number];
export type AskedLimits = Partial<Record<LowerableLimit, number>>;

/** Limits that must be whole numbers; maxSubCalls may be 0 (no sub-calls at all). */
const WHOLE: ReadonlySet<LowerableLimit> = new Set(['maxDepth', 'maxIterations', 'maxSubCalls', 'maxRequests']);

export class AskedLimitError extends Error {
  override name = 'AskedLimitError';
}

export interface LoweredLimits {
  limits: RlmLimitsInput;
  /** One line per asked limit that was not lower than the one in force (kept as it was). */
  kept: string[];
}

/**
 * `inForce` with each asked limit that is lower put in its place. An asked value above the one in force is not
 * used (a line in `kept` says so); a value that is not a limit at all (negative, fractional where it must be whole,
 * not a number) throws AskedLimitError naming it, so the caller hears of its mistake instead of a silent default.
 */
export function lowerLimits(inForce: RlmLimitsInput, asked: AskedLimits | undefined): LoweredLimits {
  const limits: RlmLimitsInput = { ...inForce };
  const kept: string[] = [];
  for (const name of LOWERABLE_LIMITS) {
    const value = asked?.[name];
    if (value === undefined) continue;
    const least = name === 'maxSubCalls' ? 0 : Number.MIN_VALUE;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < least || (WHOLE.has(name) && !Number.isInteger(value))) {
      throw new AskedLimitError(`${name} must be ${WHOLE.has(name) ? 'a whole number' : 'a number'} ${name === 'maxSubCalls' ? 'of 0 or more' : 'above 0'}, got ${JSON.stringify(value)}`);
    }
    const current = (inForce[name] ?? DEFAULT_LIMITS[name]) as RlmLimits[LowerableLimit];
    if (value < current) limits[name] = value;
    else if (value > current) kept.push(`${name} ${value} is above the ${current} in force, which was kept: a call may lower a limit, never raise it.`);
  }
  return { limits, kept };
}

/** The caps a call runs under, in a line for the one who confirms it: "at most 30 turns, $2.00, 300 requests to unpriced models". */
export function capsText(limits: RlmLimitsInput): string {
  const value = <K extends LowerableLimit>(name: K) => (limits[name] ?? DEFAULT_LIMITS[name]) as number;
  const parts = [`${value('maxIterations')} turns`, `${value('maxSubCalls')} sub-calls`];
  const cost = value('maxCostUsd');
  parts.push(Number.isFinite(cost) ? `${formatUsd(cost)}` : 'no cost cap');
  const requests = value('maxRequests');
  if (Number.isFinite(requests)) parts.push(`${requests} requests to models with no known price`);
  const time = value('timeoutMs');
  if (Number.isFinite(time)) parts.push(`${Math.round(time / 1000)} s`);
  return `at most ${parts.join(', ')}`;
}
