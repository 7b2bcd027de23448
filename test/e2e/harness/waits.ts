// Waiting for the editor: poll a condition until it holds, and fail with what was awaited, for how long, and the
// last thing seen, rather than a bare timeout.

import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs: number;
  /** Completes "timed out after 30 s waiting for <what>". */
  what: string;
  intervalMs?: number;
}

/** Resolves with the first truthy value of `probe`; errors thrown by `probe` count as "not yet" (and are reported). */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? `last error: ${last.message.split('\n')[0]}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${options.timeoutMs / 1000} s waiting for ${options.what} (${seen})`);
    }
    await sleep(options.intervalMs ?? 150);
  }
}
