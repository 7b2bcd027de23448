// The extension's log (the "RLM" output channel). Every line passes through redaction of the keys in use, as
// defence in depth: the engine keeps keys out of its events and errors, and nothing here should add one.

/** Shaped like vscode.LogOutputChannel's writing half. */
export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

import { redactKnown } from '../core/redact';

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
    return redactKnown(message, this.secrets());
  }
}
