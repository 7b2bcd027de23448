// An in-process stand-in for the editor's language-model API (VS Code's `vscode.lm`), which is not an HTTP SDK:
// `sendRequest(messages, options, token)` resolves with a response whose `text` is an async iterable of
// fragments, cancellation goes through a CancellationToken, and failures are LanguageModelError-shaped errors
// with a `code` ('NoPermissions', 'Blocked', 'NotFound', or 'Unknown' with the real error as `cause`).
// Tests script each request's behaviour; nothing here imports vscode.

/** Shaped like vscode.LanguageModelError: a code names the failure. */
export class FakeLanguageModelError extends Error {
  constructor(message: string, readonly code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LanguageModelError';
  }
}

/** Shaped like vscode.CancellationError, which the editor throws when the token fires. */
export class FakeCancellationError extends Error {
  constructor() {
    super('Canceled');
    this.name = 'Canceled';
  }
}

export interface FakeCancellationToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** Shaped like vscode.CancellationTokenSource. */
export class FakeCancellationTokenSource {
  private cancelled = false;
  private readonly listeners = new Set<() => void>();
  readonly token: FakeCancellationToken;

  constructor() {
    const isCancelled = () => this.cancelled;
    this.token = {
      get isCancellationRequested() {
        return isCancelled();
      },
      onCancellationRequested: (listener) => {
        this.listeners.add(listener);
        return { dispose: () => this.listeners.delete(listener) };
      },
    };
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const listener of [...this.listeners]) listener();
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/** One scripted reply: an error before any text, or text (optionally failing or stalling part-way). */
export interface FakeEditorReply {
  /** Thrown by sendRequest itself (before any text), as the editor does for permissions or an unknown model. */
  error?: FakeLanguageModelError;
  text?: string;
  /** Wait before sendRequest resolves. */
  delayMs?: number;
  /** Characters per fragment (default 10) and the wait between fragments. */
  chunkChars?: number;
  chunkDelayMs?: number;
  /** Thrown from the text iterator after this many characters. */
  failAfterChars?: { chars: number; error: FakeLanguageModelError };
  /** Stop sending after this many characters and never finish (until cancelled). */
  stallAfterChars?: number;
}

export interface FakeEditorMessage {
  role: 'user' | 'assistant';
  content: string;
}

export class FakeEditorModel {
  readonly vendor = 'fake-editor';
  readonly family = 'fake-family';
  readonly maxInputTokens = 64_000;
  readonly requests: FakeEditorMessage[][] = [];
  /** Requests whose token was cancelled while they were running. */
  cancelledRequests = 0;
  inFlight = 0;
  maxInFlight = 0;

  /** Like vscode.LanguageModelChat: a display name beside the id. */
  readonly name: string;

  constructor(readonly id: string, private readonly script: (index: number) => FakeEditorReply, name?: string) {
    this.name = name ?? id;
  }

  async sendRequest(messages: FakeEditorMessage[], _options: object, token: FakeCancellationToken): Promise<{ text: AsyncIterable<string> }> {
    const index = this.requests.length;
    this.requests.push(messages);
    const reply = this.script(index);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let finished = false;
    const finish = () => {
      if (!finished) {
        finished = true;
        this.inFlight--;
      }
    };
    const onCancel = token.onCancellationRequested(() => this.cancelledRequests++);
    try {
      if (reply.delayMs) await wait(reply.delayMs, token);
      if (reply.error) throw reply.error;
    } catch (err) {
      finish();
      onCancel.dispose();
      throw err;
    }
    async function* fragments(): AsyncGenerator<string> {
      try {
        const text = reply.text ?? '';
        const size = Math.max(1, reply.chunkChars ?? 10);
        for (let at = 0; at < text.length; at += size) {
          if (reply.failAfterChars && at >= reply.failAfterChars.chars) throw reply.failAfterChars.error;
          if (reply.stallAfterChars !== undefined && at >= reply.stallAfterChars) await wait(Infinity, token);
          if (at > 0 && reply.chunkDelayMs) await wait(reply.chunkDelayMs, token);
          if (token.isCancellationRequested) throw new FakeCancellationError();
          yield text.slice(at, at + size);
        }
        if (reply.failAfterChars) throw reply.failAfterChars.error;
      } finally {
        finish();
        onCancel.dispose();
      }
    }
    return { text: fragments() };
  }
}

/** Sleeps, or throws FakeCancellationError as soon as the token fires. */
function wait(ms: number, token: FakeCancellationToken): Promise<void> {
  if (token.isCancellationRequested) return Promise.reject(new FakeCancellationError());
  return new Promise((resolve, reject) => {
    const timer = Number.isFinite(ms) ? setTimeout(() => {
      listener.dispose();
      resolve();
    }, ms) : undefined;
    const listener = token.onCancellationRequested(() => {
      clearTimeout(timer);
      reject(new FakeCancellationError());
    });
  });
}
