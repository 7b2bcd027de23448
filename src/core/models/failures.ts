// What the retry wrapper needs to know about a provider's error, whatever the provider: retry or not, how to
// say it in a progress line, and the error to throw when giving up. Each provider supplies a classifier that
// reads its own errors (sdkFailures.ts for the OpenAI and Anthropic SDKs; the editor's language-model API
// brings its own), so retry.ts never inspects an error itself.

import { ModelError } from './types';

export interface Failure {
  /** Another try may succeed after a wait: rate limits, overload, dropped or stalled connections. */
  retryable: boolean;
  /** A few words for progress reports and RetryInfo.reason ("429 rate limited", "ECONNREFUSED", "Blocked"). */
  reason: string;
  /** The provider asked to wait this long before the next try (a retry-after header); capped by the policy. */
  retryAfterMs?: number;
  /**
   * The error to throw once we give up, after `tries` tries (1 for a permanent failure): say what happened and
   * what the user can do about it, and keep secrets out of the message.
   */
  giveUp(tries: number): ModelError;
}

/**
 * Reads one error thrown by a provider's attempt. Returns undefined for an error that is not a provider failure
 * (a bug in our code or the provider's): the wrapper rethrows it untouched. Cancellation need not be recognised:
 * the wrapper checks the request's signal first.
 */
export type ClassifyFailure = (err: unknown) => Failure | undefined;

/** The error for a call cancelled by its caller. */
export function cancelledError(service: string, model: string): ModelError {
  return new ModelError(`The request to ${service} (model "${model}") was cancelled.`, 'cancelled');
}

/** The server sent nothing for too long, before the reply or between two chunks: worth another try. */
export function timeoutFailure(service: string, detail: string): Failure {
  return {
    retryable: true,
    reason: `timed out (${detail})`,
    giveUp: (tries) => new ModelError(timeoutMessage(service, detail, tries), 'server'),
  };
}

export function timeoutMessage(service: string, detail: string, tries: number): string {
  return `${capitalize(service)} did not answer in time ${afterTries(tries)} (${detail}). The model may be slow or the server stuck: raise the request timeout or try again later.`;
}

export function afterTries(tries: number): string {
  return `after ${tries} ${tries === 1 ? 'try' : 'tries'}`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
