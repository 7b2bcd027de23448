// What one question's run shares with every child run it starts: the event stream, the budget and the
// limits. Each run has its own abort signal: a child run can be cancelled alone (the cell that started it
// ended), and cancelling or timing out the question reaches every run below it.

import { setMaxListeners } from 'node:events';
import type { CostOf } from './Budget';
import { Budget } from './Budget';
import type { LimitHit } from './Budget';
import type { RlmLimits } from './options';
import type { Trajectory } from '../trajectory/Trajectory';

export class RunScope {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private abortedBy: LimitHit | undefined;
  private compactionCount = 0;
  private readonly detach: Array<() => void> = [];

  private constructor(
    readonly limits: RlmLimits,
    readonly budget: Budget,
    readonly trajectory: Trajectory,
    private readonly parent: RunScope | undefined,
  ) {
    // Every in-flight sub-call listens to this signal; a batch of hundreds is normal, not a leak.
    setMaxListeners(0, this.controller.signal);
  }

  /** The scope of a top-level question: cancelled by `userSignal`, timed out by `limits.timeoutMs`. */
  static forQuestion(limits: RlmLimits, costOf: CostOf, trajectory: Trajectory, userSignal?: AbortSignal): RunScope {
    const scope = new RunScope(limits, new Budget(limits, costOf), trajectory, undefined);
    scope.follow(userSignal, { reason: 'cancelled', detail: 'the run was cancelled' });
    if (Number.isFinite(limits.timeoutMs)) {
      scope.timer = setTimeout(
        () => scope.abort({ reason: 'timeout', detail: `the run reached its ${Math.round(limits.timeoutMs / 1000)} s timeout` }),
        limits.timeoutMs,
      );
      scope.timer.unref?.();
    }
    return scope;
  }

  /** A child run's scope: same budget, events and limits; stopped with this scope, or alone by `signal`. */
  child(signal: AbortSignal): RunScope {
    const child = new RunScope(this.limits, this.budget, this.trajectory, this);
    child.follow(this.signal, undefined);
    child.follow(signal, { reason: 'cancelled', detail: 'the cell that started this run ended' });
    return child;
  }

  /** Root-history compactions in this run and the runs below it. */
  get compactions(): number {
    return this.compactionCount;
  }

  countCompaction(): void {
    this.compactionCount++;
    this.parent?.countCompaction();
  }

  /** Aborts every model call and sandbox cell of the run, and of its children. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Cancellation or timeout first (this run's or an ancestor's), then budget limits. */
  limitHit(): LimitHit | undefined {
    return this.abortedBy ?? this.parent?.limitHit() ?? this.budget.hit;
  }

  /** Stops the run from inside (its owner is going away). */
  cancel(detail: string): void {
    this.abort({ reason: 'cancelled', detail });
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const detach of this.detach.splice(0)) detach();
  }

  /** Aborts this scope when `signal` fires; `hit` records why (none: the parent's reason stands). */
  private follow(signal: AbortSignal | undefined, hit: LimitHit | undefined): void {
    if (!signal) return;
    const onAbort = () => (hit ? this.abort(hit) : this.abortQuietly());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.detach.push(() => signal.removeEventListener('abort', onAbort));
  }

  private abort(hit: LimitHit): void {
    if (this.abortedBy || this.controller.signal.aborted) return;
    this.abortedBy = hit;
    if (!this.parent) this.budget.stop(hit);
    this.controller.abort(new Error(hit.detail));
  }

  private abortQuietly(): void {
    if (!this.controller.signal.aborted) this.controller.abort(this.parent?.signal.reason);
  }
}
