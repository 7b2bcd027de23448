// Caps how many requests run at once against one provider endpoint, when the user asks for a cap
// (createModel's endpointConcurrency, the CLI's --endpoint-concurrency). A run's own concurrency already bounds
// its fan-out; this is for endpoints that need less: a local server that serves one request at a time (queued
// here, a call can still be cancelled for free), or an account with a low rate limit.

import { ModelError } from './types';

export class ConcurrencyLimiter {
  private running = 0;
  private readonly waiting: Array<{ start: () => void }> = [];
  private limit: number;

  constructor(max: number) {
    this.limit = checkMax(max);
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  get max(): number {
    return this.limit;
  }

  /** Changes the cap; raising it starts waiting tasks at once, lowering it lets running tasks finish. */
  set max(value: number) {
    this.limit = checkMax(value);
    this.drain();
  }

  /**
   * Runs `fn` when a slot is free, first come first served. If `signal` fires while the task is still
   * queued, it leaves the queue and the promise rejects with a 'cancelled' ModelError; once running,
   * cancelling is up to `fn`.
   */
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (this.running < this.limit) return this.execute(fn);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(cancelled());
      };
      const waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          this.execute(fn).then(resolve, reject);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private async execute<T>(fn: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.drain();
    }
  }

  private drain(): void {
    while (this.running < this.limit && this.waiting.length > 0) this.waiting.shift()!.start();
  }
}

function cancelled(): ModelError {
  return new ModelError('The request was cancelled while waiting for a free slot.', 'cancelled');
}

function checkMax(max: number): number {
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`Concurrency must be a whole number of at least 1 (got ${max}).`);
  }
  return max;
}
