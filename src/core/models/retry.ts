// The one retry wrapper every provider uses: retries transient failures (as the provider's classifier judges
// them) with exponential backoff and full jitter, honouring the server's retry-after; waits for a slot of an
// optional concurrency limiter before each attempt; stops an attempt when the server stays silent too long;
// and lets cancellation win over everything: an aborted signal ends a queued call, an in-flight request and a
// backoff sleep at once, and says what the call had spent.

import { ConcurrencyLimiter } from './limiter';
import { cancelledError, timeoutFailure, type ClassifyFailure, type Failure } from './failures';
import { estimateMessageTokens, estimateTokensOfChars } from './usage';
import type { Completion, CompletionRequest, ModelError, Usage } from './types';

export interface RetryPolicy {
  /** Retries after the first try (so `retries + 1` tries in all). */
  retries: number;
  /** First backoff ceiling; doubles each retry up to maxDelayMs. The actual wait is uniform in [0, ceiling]. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server's retry-after is honoured up to this long. */
  maxRetryAfterMs: number;
  /** Longest silence allowed from the server: before the reply begins, or between two streamed chunks. */
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

/** One try, as the provider's `attempt` function sees it. */
export interface Attempt {
  /** 1 for the first try. */
  readonly number: number;
  /**
   * Fires on cancellation or when the server stays silent too long: pass it to the SDK or bridge it to the
   * provider's own cancellation (e.g. a CancellationTokenSource), so the request really stops.
   */
  readonly signal: AbortSignal;
  /** Call whenever data arrives (any chunk), so that only silence counts toward the timeout. */
  alive(): void;
  /**
   * Hand each piece of answer text here as it streams in: it reaches the request's `onText`, counts as a sign
   * of life, and is what a call cut short is charged for (ModelError.spent).
   */
  onText(delta: string): void;
}

/** What an attempt returns: a completion without latency, which the wrapper measures over the whole call. */
export type AttemptResult = Omit<Completion, 'latencyMs'>;

export interface RetryOptions {
  /** The provider's reading of its own errors: retry or not, and the error to throw when giving up. */
  classify: ClassifyFailure;
  /** Who answers, in words for messages: "OpenAI", "the server at http://127.0.0.1:11434/v1", "the editor". */
  service: string;
  /** The model's name, for messages. */
  model: string;
  /** Defaults: DEFAULT_RETRY_POLICY. */
  policy?: Partial<RetryPolicy>;
  /** Each attempt waits for a slot here (a backoff sleep holds none); absent: no limit. */
  limiter?: ConcurrencyLimiter;
  /** Source of jitter (tests make it deterministic). */
  random?: () => number;
}

/**
 * One completion with retries, as every provider does it: each try runs `attempt` (one request, streamed
 * through `Attempt.onText`), and the request's signal, onAttempt and onRetry hooks apply. Latency covers the
 * whole call (queueing and retries included). Rejects with the classifier's ModelError after the last try, a
 * 'cancelled' ModelError when the signal fires, or untouched with an error the classifier does not recognise.
 */
export async function completeWithRetries(
  request: CompletionRequest,
  attempt: (attempt: Attempt) => Promise<AttemptResult>,
  options: RetryOptions,
): Promise<Completion> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const { signal } = request;
  const started = Date.now();
  const spent = new Spent(request);
  const cancelled = () => spent.attach(cancelledError(options.service, options.model));
  for (let number = 1; ; number++) {
    if (signal?.aborted) throw cancelled();
    const tally = { sent: false, answered: false, chars: 0 };
    let failure: Failure | undefined;
    try {
      const run = () => {
        tally.sent = true;
        request.onAttempt?.({ attempt: number });
        return runAttempt(attempt, number, policy.timeoutMs, signal, request.onText, tally);
      };
      const result = await (options.limiter ? options.limiter.run(run, signal) : run());
      return { ...result, latencyMs: Date.now() - started };
    } catch (err) {
      // A request that went out and was cut short, or whose reply had begun, cost tokens.
      if (tally.sent && (signal?.aborted || tally.answered)) spent.add(tally.chars);
      if (signal?.aborted) throw cancelled();
      failure = err instanceof SilenceTimeout ? timeoutFailure(options.service, err.message) : options.classify(err);
      if (!failure) throw err;
    }
    if (!failure.retryable || number > policy.retries) throw spent.attach(failure.giveUp(number));
    const delayMs = backoffDelay(failure, number, policy, options.random);
    request.onRetry?.({ attempt: number + 1, delayMs, reason: failure.reason });
    if (!(await sleep(delayMs, signal))) throw cancelled();
  }
}

/** How long to wait after failed try `number` (1-based): the server's retry-after if any, else full jitter. */
export function backoffDelay(failure: Pick<Failure, 'retryAfterMs'>, number: number, policy: RetryPolicy, random: () => number = Math.random): number {
  if (failure.retryAfterMs !== undefined) return Math.min(failure.retryAfterMs, policy.maxRetryAfterMs);
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

/** What the attempts of one call that reached the provider cost, estimated: the prompt each time, plus the text streamed. */
class Spent {
  private attempts = 0;
  private outputTokens = 0;

  constructor(private readonly request: CompletionRequest) {}

  add(streamedChars: number): void {
    this.attempts++;
    this.outputTokens += estimateTokensOfChars(streamedChars);
  }

  attach(error: ModelError): ModelError {
    if (this.attempts > 0) error.spent = this.usage();
    return error;
  }

  private usage(): Usage {
    return { inputTokens: this.attempts * estimateMessageTokens(this.request.messages), outputTokens: this.outputTokens, estimated: true };
  }
}

class SilenceTimeout extends Error {
  constructor(ms: number) {
    super(`no data for ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`);
    this.name = 'SilenceTimeout';
  }
}

/** Runs one try with its own signal: the caller's cancellation plus a watchdog that fires on silence. */
async function runAttempt(
  attempt: (attempt: Attempt) => Promise<AttemptResult>,
  number: number,
  timeoutMs: number,
  outer: AbortSignal | undefined,
  onText: ((delta: string) => void) | undefined,
  tally: { answered: boolean; chars: number },
): Promise<AttemptResult> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  let silent = false;
  const watchdog = setTimeout(() => {
    silent = true;
    controller.abort(new SilenceTimeout(timeoutMs));
  }, timeoutMs);
  const alive = () => {
    tally.answered = true;
    watchdog.refresh();
  };
  // The attempt is told through its signal, and it is not waited for: a transport that cannot drop a request once
  // it started (VS Code 1.117's vscode.lm forwards no cancellation after the provider began) must not hold the run.
  let stopWaiting = () => {};
  const abandoned = new Promise<never>((_, reject) => {
    stopWaiting = () => reject(controller.signal.reason);
  });
  controller.signal.addEventListener('abort', stopWaiting, { once: true });
  try {
    const running = attempt({
      number,
      signal: controller.signal,
      alive,
      onText: (delta) => {
        if (controller.signal.aborted) return;
        alive();
        tally.chars += delta.length;
        onText?.(delta);
      },
    });
    running.catch(() => undefined);
    return await Promise.race([running, abandoned]);
  } catch (err) {
    throw silent ? new SilenceTimeout(timeoutMs) : err;
  } finally {
    clearTimeout(watchdog);
    outer?.removeEventListener('abort', onAbort);
    controller.signal.removeEventListener('abort', stopWaiting);
  }
}
