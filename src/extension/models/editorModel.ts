// The editor's own language models (VS Code's `vscode.lm`) as a ChatModel: one `attempt` that sends the
// messages and streams the reply, and a classifier of the editor's errors; core's completeWithRetries adds
// the retries, silence timeout and cancellation. Written against the shapes of the API rather than `vscode`
// itself, so the logic is tested in plain Node with a fake (test/fakes/FakeEditorModel.ts); extension.ts
// hands in the real constructors.

import { afterTries, type ClassifyFailure, type Failure } from '../../core/models/failures';
import type { ConcurrencyLimiter } from '../../core/models/limiter';
import { completeWithRetries, type Attempt, type AttemptResult, type RetryPolicy } from '../../core/models/retry';
import { ModelError, type ChatModel, type ChatMessage, type CompletionRequest, type ModelErrorKind } from '../../core/models/types';
import { estimateUsage } from '../../core/models/usage';

/** The provider name ChatModels of the editor carry (pricing knows none: they cost the user nothing here). */
export const EDITOR_PROVIDER = 'vscode-lm';

/** Shaped like vscode.CancellationToken. */
export interface CancellationTokenLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: (e?: any) => any): { dispose(): void };
}

/** Shaped like vscode.LanguageModelChat: what the adapter uses of it. */
export interface EditorLanguageModel<Message = unknown> {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly family: string;
  readonly maxInputTokens: number;
  sendRequest(messages: Message[], options: { justification?: string }, token: CancellationTokenLike): PromiseLike<{ text: AsyncIterable<string> }>;
}

/** The pieces of the `vscode` API the adapter needs, passed in. */
export interface EditorLmApi<Message = unknown> {
  /** vscode.LanguageModelChatMessage.User / .Assistant. The API has no system role: system text is sent as user text. */
  message(role: 'user' | 'assistant', content: string): Message;
  /** new vscode.CancellationTokenSource(). */
  cancellationSource(): { token: CancellationTokenLike; cancel(): void; dispose(): void };
}

export interface EditorModelOptions {
  policy?: Partial<RetryPolicy>;
  /** Caps the requests in flight to the editor (none by default, like the HTTP providers). */
  limiter?: ConcurrencyLimiter;
  random?: () => number;
}

/** Shown in the editor's consent prompt the first time the extension uses a model. */
const JUSTIFICATION = 'RLM answers your questions about this workspace with it: the model reads code through a sandbox and calls sub-models.';

/** The editor reports no usage: a context window it does not state is taken as this. */
const FALLBACK_CONTEXT_WINDOW = 64_000;

export function editorChatModel<M>(lm: EditorLanguageModel<M>, api: EditorLmApi<M>, options: EditorModelOptions = {}): ChatModel {
  const classify = editorFailures(lm.id);
  return {
    provider: EDITOR_PROVIDER,
    name: lm.id,
    contextWindow: lm.maxInputTokens > 0 ? lm.maxInputTokens : FALLBACK_CONTEXT_WINDOW,
    contextWindowKnown: lm.maxInputTokens > 0,
    complete: (request) => completeWithRetries(request, (attempt) => send(lm, api, request, attempt), {
      classify, service: 'the editor', model: lm.id, policy: options.policy, limiter: options.limiter, random: options.random,
    }),
  };
}

async function send<M>(lm: EditorLanguageModel<M>, api: EditorLmApi<M>, request: CompletionRequest, attempt: Attempt): Promise<AttemptResult> {
  // The attempt's signal fires on cancellation and on silence; the editor listens to its own token.
  const source = api.cancellationSource();
  const cancel = () => source.cancel();
  attempt.signal.addEventListener('abort', cancel, { once: true });
  try {
    const messages = request.messages.map((m: ChatMessage) => api.message(m.role === 'assistant' ? 'assistant' : 'user', m.content));
    const response = await lm.sendRequest(messages, { justification: JUSTIFICATION }, source.token);
    let text = '';
    for await (const fragment of response.text) {
      text += fragment;
      attempt.onText(fragment);
    }
    return { text, model: lm.id, usage: estimateUsage(request.messages, text) };
  } finally {
    attempt.signal.removeEventListener('abort', cancel);
    source.dispose();
  }
}

/**
 * The editor's errors in the retry wrapper's terms. vscode.LanguageModelError carries a `code`: NoPermissions,
 * Blocked and NotFound are permanent; 'Unknown' (the provider's own failure, in `cause`) is worth a retry unless
 * it says the prompt is too long. Errors of our own code (TypeError and the like) are not the editor's: they
 * are rethrown untouched.
 */
export function editorFailures(model: string): ClassifyFailure {
  return (err) => {
    if (!(err instanceof Error)) return undefined;
    if (err.name === 'Canceled') return permanent('cancelled', 'cancelled', `The editor cancelled the request to "${model}".`);
    const code = (err as { code?: unknown }).code;
    const fromEditor = err.name === 'LanguageModelError' || typeof code === 'string';
    // The editor relays a provider's failure as a plain Error; a TypeError is a bug here, not a provider failure.
    if (!fromEditor && err.constructor !== Error) return undefined;
    const label = typeof code === 'string' && code !== '' ? code : 'Error';
    switch (label) {
      case 'NoPermissions':
        return permanent('auth', label, `The editor has not allowed this extension to use "${model}": accept the access prompt, or allow it in the extension's language model access settings.`);
      case 'Blocked':
        return permanent('rate_limited', label, `The editor blocked requests to "${model}" (quota or rate limit): wait a while, or pick another model with "RLM: Select Provider and Model".`);
      case 'NotFound':
        return permanent('bad_request', label, `The language model "${model}" is not available in the editor any more: pick another with "RLM: Select Provider and Model".`);
    }
    const detail = causeMessage(err);
    if (/too long|token limit|context (length|window)|exceeds/i.test(detail)) {
      return permanent('context_overflow', label, `The editor's model "${model}" refused the prompt as too long (${detail}). Send less context per call.`);
    }
    return {
      retryable: true,
      reason: `${label}: ${detail}`,
      giveUp: (tries) => new ModelError(`The editor's model "${model}" failed ${afterTries(tries)} (${detail}). Try again later, or pick another model.`, 'server'),
    };
  };
}

function permanent(kind: ModelErrorKind, reason: string, message: string): Failure {
  return { retryable: false, reason, giveUp: () => new ModelError(message, kind) };
}

/** The error's message, or its cause's when the editor wrapped the provider's error with none of its own. */
function causeMessage(err: Error): string {
  const cause = (err as { cause?: unknown }).cause;
  const own = err.message.trim();
  if (own) return own;
  return cause instanceof Error && cause.message ? cause.message : 'no details';
}
