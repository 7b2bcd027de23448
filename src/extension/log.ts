// The extension's log (the "RLM" output channel). Every line passes through redaction of the keys in use, as
// defence in depth: the engine keeps keys out of its events and errors, and nothing here should add one.

/** Shaped like vscode.LogOutputChannel's writing half. */
export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Keys shorter than this are not redacted: they would mangle ordinary words (real keys are far longer). */
const MIN_SECRET_CHARS = 8;

export class RedactingLog implements Log {
  constructor(private readonly sink: Log, private readonly secrets: () => readonly string[]) {}

  debug(message: string): void {
    this.sink.debug(this.redact(message));
  }

  info(message: string): void {
    this.sink.info(this.redact(message));
  }

  warn(message: string): void {
    this.sink.warn(this.redact(message));
  }

  error(message: string): void {
    this.sink.error(this.redact(message));
  }

  private redact(message: string): string {
    let out = message;
    for (const secret of this.secrets()) if (secret.length >= MIN_SECRET_CHARS) out = out.split(secret).join('[redacted]');
    return out;
  }
}
