// The sandbox contract: model code runs in QuickJS (WASM) with no ambient capability; the host lends it
// exactly the functions registered here.

export interface SandboxLimits {
  /** Heap limit of the QuickJS runtime (default 256 MB). */
  memoryBytes: number;
  /** Per-cell deadline in ms (default 60 s). Time spent waiting on model calls does not count; see README. */
  cellTimeoutMs: number;
  /** Max stack size in bytes (default 1 MB). */
  stackBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  memoryBytes: 256 * 1024 * 1024,
  cellTimeoutMs: 60_000,
  stackBytes: 1024 * 1024,
};

/**
 * A capability the host lends to model code. Arguments arrive as plain JSON values; the return value
 * (or what the promise resolves to) is copied back as JSON. Throwing (or rejecting) raises an Error with
 * the same message inside the sandbox.
 */
export type HostFunction = (...args: unknown[]) => unknown;

export interface HostFunctionSpec {
  fn: HostFunction;
  /**
   * 'model' marks host calls that wait on language models (llm_query, rlm_query): the cell deadline is
   * paused while only such calls are pending, since budgets and the run timeout govern them.
   */
  kind?: 'model' | 'plain';
}

export interface CellResult {
  /** Everything printed (print / console.*), in order, untruncated up to a hard safety cap. */
  output: string;
  /** The value of the cell's last expression statement, rendered for display, if not undefined. */
  value?: string;
  /** Error message (with the guest stack line when useful) if the cell threw, timed out, or ran out of memory. */
  error?: string;
  durationMs: number;
  /** True when the cell ended because the deadline passed. */
  timedOut?: boolean;
}
