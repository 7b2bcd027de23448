// The limits a run shares with its child runs: sub-calls, tokens, cost and time. Every model call is
// recorded here, so the totals are the same whichever part of the tree spent them.

import type { Usage } from '../models/types';
import { UsageTally, type CallRole } from '../models/usage';
import type { RunUsage, StopReason } from '../trajectory/events';
import type { RlmLimits } from './options';

/** Prices a call; the models layer provides the real table. */
export type CostOf = (model: string, usage: Usage) => number;

/** What one call cost, as events carry it. */
export interface CallCost {
  costUsd: number;
  /** What the provider's prompt cache took off the list price; absent when the call read and wrote no cache. */
  savedUsd?: number;
}

export interface LimitHit {
  reason: StopReason;
  detail: string;
}

export class Budget {
  private readonly tally = new UsageTally();
  private subCallsStarted = 0;
  readonly startedAt = Date.now();
  /** The first limit that was hit; the run stops at the next safe point once set. */
  hit: LimitHit | undefined;

  constructor(private readonly limits: RlmLimits, private readonly costOf: CostOf) {}

  get subCalls(): number {
    return this.subCallsStarted;
  }

  /** Records a finished call and returns what it cost. */
  record(role: CallRole, model: string, usage: Usage): CallCost {
    const cost = this.costOf(model, usage);
    const saved = cacheSavings(this.costOf, model, usage, cost);
    this.tally.add(role, usage, cost, saved);
    this.check();
    return saved === undefined ? { costUsd: cost } : { costUsd: cost, savedUsd: saved };
  }

  /** Records a sub-call answered from the sub-call cache: nothing spent, `savedUsd` what it cost the first time. */
  reuse(role: CallRole, savedUsd: number): void {
    this.tally.reuse(role, savedUsd);
  }

  /** Claims one sub-call; returns the limit that forbids it, if any. */
  claimSubCall(): LimitHit | undefined {
    const blocked = this.check();
    if (blocked) return blocked;
    if (this.subCallsStarted >= this.limits.maxSubCalls) {
      return this.stop({ reason: 'max_sub_calls', detail: `the run reached its limit of ${this.limits.maxSubCalls} sub-calls` });
    }
    this.subCallsStarted++;
    return undefined;
  }

  /** Returns the hit limit, checking tokens and cost. */
  check(): LimitHit | undefined {
    if (this.hit) return this.hit;
    const total = this.totals().total;
    if (total.inputTokens + total.outputTokens > this.limits.maxTokens) {
      return this.stop({ reason: 'max_tokens', detail: `the run used ${total.inputTokens + total.outputTokens} tokens, over its limit of ${this.limits.maxTokens}` });
    }
    if (total.costUsd > this.limits.maxCostUsd) {
      return this.stop({ reason: 'max_cost', detail: `the run cost $${total.costUsd.toFixed(4)}, over its limit of $${this.limits.maxCostUsd}` });
    }
    return undefined;
  }

  stop(hit: LimitHit): LimitHit {
    this.hit ??= hit;
    return this.hit;
  }

  totals(): RunUsage {
    return this.tally.totals();
  }
}

/** List price minus billed price, for a call that read or wrote the provider's prompt cache. */
function cacheSavings(costOf: CostOf, model: string, usage: Usage, billed: number): number | undefined {
  if (!usage.cachedInputTokens && !usage.cacheWriteTokens) return undefined;
  const { cachedInputTokens: _read, cacheWriteTokens: _written, ...uncached } = usage;
  return costOf(model, uncached) - billed;
}
