// The limits a run shares with its child runs: sub-calls, requests, tokens, cost and time. Every model call is
// recorded here, so the totals are the same whichever part of the tree spent them.

import { formatUsd } from '../models/costText';
import type { Usage } from '../models/types';
import { UsageTally, type CallRole } from '../models/usage';
import type { RunUsage, StopReason } from '../trajectory/events';
import type { RlmLimits } from './options';

/**
 * Prices a call in USD; undefined when the model has no known price (the editor's models, a model missing from
 * the price table). Such a call counts 0 towards the cost cap, so the request cap governs it instead.
 */
export type CostOf = (model: string, usage: Usage) => number | undefined;

/** What one call cost, as events carry it: a call to a model without a price says so instead of claiming $0. */
export interface CallCost {
  costUsd: number;
  unpriced?: true;
  /** What the provider's prompt cache took off the list price; absent when the call read and wrote no cache. */
  savedUsd?: number;
}

export interface LimitHit {
  reason: StopReason;
  detail: string;
}

const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, estimated: false };

export class Budget {
  private readonly tally = new UsageTally();
  private subCallsStarted = 0;
  private requestsStarted = 0;
  readonly startedAt = Date.now();
  /** The first limit that was hit; the run stops at the next safe point once set. */
  hit: LimitHit | undefined;

  constructor(private readonly limits: RlmLimits, private readonly costOf: CostOf) {}

  get subCalls(): number {
    return this.subCallsStarted;
  }

  /** Requests sent (or about to be) to models without a known price: what `maxRequests` counts. */
  get requests(): number {
    return this.requestsStarted;
  }

  /** Records a finished call and returns what it cost. */
  record(role: CallRole, model: string, usage: Usage): CallCost {
    const cost = this.costOf(model, usage);
    const saved = cacheSavings(this.costOf, model, usage, cost);
    this.tally.add(role, usage, cost, saved);
    this.check();
    if (cost === undefined) return { costUsd: 0, unpriced: true };
    return saved === undefined ? { costUsd: cost } : { costUsd: cost, savedUsd: saved };
  }

  /** Records a sub-call answered from the sub-call cache: nothing spent, `savedUsd` what it cost the first time. */
  reuse(role: CallRole, savedUsd: number): void {
    this.tally.reuse(role, savedUsd);
  }

  /** True when the dollar cap cannot see what `model` costs, so its requests count against `maxRequests`. */
  isUnpriced(model: string): boolean {
    return this.costOf(model, NO_USAGE) === undefined;
  }

  /**
   * Claims one request to `model` before it is sent (a root turn, or a sub-call through `claimSubCall`); returns
   * the limit that forbids it, if any. Only requests to models without a known price count. Other limits are
   * not checked here: the last root call that asks for the best answer after max_iterations may still go out.
   */
  claimRequest(model: string): LimitHit | undefined {
    if (!this.isUnpriced(model)) return undefined;
    if (this.requestsStarted >= this.limits.maxRequests) {
      return this.stop({ reason: 'max_requests', detail: `the run reached its limit of ${this.limits.maxRequests} requests to models without a known price` });
    }
    this.requestsStarted++;
    return undefined;
  }

  /**
   * Claims one sub-call; returns the limit that forbids it, if any. With `model` (a sub-call that is one
   * request), its request is claimed too; a child run claims each of its turns' requests itself.
   */
  claimSubCall(model?: string): LimitHit | undefined {
    const blocked = this.check();
    if (blocked) return blocked;
    if (this.subCallsStarted >= this.limits.maxSubCalls) {
      return this.stop({ reason: 'max_sub_calls', detail: `the run reached its limit of ${this.limits.maxSubCalls} sub-calls` });
    }
    const refused = model === undefined ? undefined : this.claimRequest(model);
    if (refused) return refused;
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
      return this.stop({ reason: 'max_cost', detail: `the run cost ${formatUsd(total.costUsd)}, over its limit of $${this.limits.maxCostUsd}` });
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

/**
 * List price minus billed price, for a call that read or wrote the provider's prompt cache; undefined for a model
 * without a price (nothing is known of what it saved either).
 */
function cacheSavings(costOf: CostOf, model: string, usage: Usage, billed: number | undefined): number | undefined {
  if (billed === undefined || (!usage.cachedInputTokens && !usage.cacheWriteTokens)) return undefined;
  const { cachedInputTokens: _read, cacheWriteTokens: _written, ...uncached } = usage;
  const list = costOf(model, uncached);
  return list === undefined ? undefined : list - billed;
}
