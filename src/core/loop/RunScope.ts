// What one question's run shares with every child run it starts: the event stream, the budget, the
// limits, and one abort signal that fires on cancellation or on the run's timeout.

import { setMaxListeners } from 'node:events';
import type { CostOf } from './Budget';
import { Budget } from './Budget';
import type { LimitHit } from './Budget';
import type { RlmLimits } from './options';
import { Trajectory } from '../trajectory/Trajectory';

export class RunScope {
  readonly budget: Budget;
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private abortedBy: LimitHit | undefined;
  private readonly detach: () => void;

  constructor(
    readonly limits: RlmLimits,
    costOf: CostOf,
    readonly trajectory: Trajectory,
    userSignal?: AbortSignal,
  ) {
    this.budget = new Budget(limits, costOf);
    // Every in-flight sub-call listens to this signal; a batch of hundreds is normal, not a leak.
    setMaxListeners(0, this.controller.signal);
    const onUserAbort = () => this.abort({ reason: 'cancelled', detail: 'the run was cancelled' });
    if (userSignal?.aborted) onUserAbort();
    userSignal?.addEventListener('abort', onUserAbort, { once: true });
    this.detach = () => userSignal?.removeEventListener('abort', onUserAbort);
    if (Number.isFinite(limits.timeoutMs)) {
      this.timer = setTimeout(
        () => this.abort({ reason: 'timeout', detail: `the run reached its ${Math.round(limits.timeoutMs / 1000)} s timeout` }),
        limits.timeoutMs,
      );
      this.timer.unref?.();
    }
  }

  /** Aborts every model call and sandbox cell of the run, children included. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Cancellation or timeout first, then budget limits. */
  limitHit(): LimitHit | undefined {
    return this.abortedBy ?? this.budget.hit;
  }

  private abort(hit: LimitHit): void {
    if (this.abortedBy) return;
    this.abortedBy = hit;
    this.budget.stop(hit);
    this.controller.abort(new Error(hit.detail));
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.detach();
  }
}
