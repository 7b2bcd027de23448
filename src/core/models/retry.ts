// Retries a provider call on transient failures (429, 5xx, network errors, dropped or stalled streams)
// with exponential backoff and full jitter, honouring the server's retry-after. Cancellation wins over
// everything: an aborted signal ends a queued task, an in-flight request and a backoff sleep at once.

import { ConcurrencyLimiter } from './limiter';
import {
  cancelledError,
  classifyFailure,
  failureReason,
  isRetryable,
  toModelError,
  type Endpoint,
  type Failure,
  type SdkErrorClasses,
} from './failures';
import type { Completion, CompletionRequest, RetryInfo } from './types';

export interface RetryPolicy {
  /** Retries after the first try (so `retries + 1` tries in all). */
  retries: number;
  /** First backoff ceiling; doubles each retry up to maxDelayMs. The actual wait is uniform in [0, ceiling]. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server's retry-after is honoured up to this long. */
  maxRetryAfterMs: number;
  /** Longest silence allowed from the server: before the headers, or between two streamed chunks. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  // Reasoning models and local servers reading a long prompt can stay silent for minutes before the first token.
  timeoutMs: 300_000,
};

/** One try, as the provider sees it. */
export interface Attempt {
  /** 1 for the first try. */
  readonly number: number;
  /** Fires on cancellation or when the server stays silent too long: pass it to the SDK. */
  readonly signal: AbortSignal;
  /** Call whenever data arrives, so that only silence counts toward the timeout. */
  alive(): void;
}

export interface RetryOptions {
  policy: RetryPolicy;
  endpoint: Endpoint;
  sdk: SdkErrorClasses;
  signal?: AbortSignal;
  onRetry?: (info: RetryInfo) => void;
  /** Each try waits for a slot here; a backoff sleep holds no slot. */
  limiter?: ConcurrencyLimiter;
  /** Source of jitter (tests make it deterministic). */
  random?: () => number;
}

/**
 * One completion with retries, as every provider does it: each try runs `attempt`, the request's signal and
 * onRetry hook apply, and latency covers the whole call (queueing and retries included).
 */
export async function completeWithRetries(
  request: CompletionRequest,
  attempt: (attempt: Attempt) => Promise<Omit<Completion, 'latencyMs'>>,
  options: Omit<RetryOptions, 'signal' | 'onRetry'>,
): Promise<Completion> {
  const started = Date.now();
  const result = await withRetries(attempt, { ...options, signal: request.signal, onRetry: request.onRetry });
  return { ...result, latencyMs: Date.now() - started };
}

export async function withRetries<T>(run: (attempt: Attempt) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, endpoint, signal } = options;
  for (let number = 1; ; number++) {
    if (signal?.aborted) throw cancelledError(endpoint);
    let failure: Failure;
    try {
      const attempt = () => runAttempt(run, number, policy.timeoutMs, signal);
      return await (options.limiter ? options.limiter.run(attempt, signal) : attempt());
    } catch (err) {
      if (signal?.aborted) throw cancelledError(endpoint);
      const classified = err instanceof SilenceTimeout ? { kind: 'timeout' as const, detail: err.message } : classifyFailure(err, options.sdk);
      if (!classified) throw err;
      failure = classified;
    }
    if (!isRetryable(failure) || number > policy.retries) throw toModelError(failure, endpoint, number);
    const delayMs = backoffDelay(failure, number, policy, options.random);
    options.onRetry?.({ attempt: number + 1, delayMs, reason: failureReason(failure) });
    if (!(await sleep(delayMs, signal))) throw cancelledError(endpoint);
  }
}

/** How long to wait after failed try `number` (1-based): the server's retry-after if any, else full jitter. */
export function backoffDelay(failure: Failure, number: number, policy: RetryPolicy, random: () => number = Math.random): number {
  if (failure.kind === 'http' && failure.retryAfterMs !== undefined) return Math.min(failure.retryAfterMs, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (number - 1));
  return Math.round(random() * ceiling);
}

/** Resolves true after `ms`, or false as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class SilenceTimeout extends Error {
  constructor(ms: number) {
    super(`no data for ${Math.round(ms / 1000)} s`);
    this.name = 'SilenceTimeout';
  }
}

/** Runs one try with its own signal: the caller's cancellation plus a watchdog that fires on silence. */
async function runAttempt<T>(run: (attempt: Attempt) => Promise<T>, number: number, timeoutMs: number, outer?: AbortSignal): Promise<T> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  let silent = false;
  const watchdog = setTimeout(() => {
    silent = true;
    controller.abort(new SilenceTimeout(timeoutMs));
  }, timeoutMs);
  try {
    return await run({ number, signal: controller.signal, alive: () => watchdog.refresh() });
  } catch (err) {
    throw silent ? new SilenceTimeout(timeoutMs) : err;
  } finally {
    clearTimeout(watchdog);
    outer?.removeEventListener('abort', onAbort);
  }
}
