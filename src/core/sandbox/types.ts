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

/** What the host knows about one call from model code. */
export interface HostCall {
  /**
   * Fires when the result can no longer reach model code: the cell that made the call ended or was
   * cancelled, the sandbox was disposed, or (for a 'blocking' call) the cell's deadline passed. Work done
   * for the call should stop then; whatever it returns afterwards is dropped.
   */
  signal: AbortSignal;
  /** Milliseconds left before the calling cell's deadline when the call was made. */
  deadlineMs: number;
}

/**
 * A capability the host lends to model code. Arguments arrive as plain JSON values; the return value
 * (or what the promise resolves to) is copied back as JSON. Throwing (or rejecting) raises an Error with
 * the same message inside the sandbox.
 */
export type HostFunction = (args: unknown[], call: HostCall) => unknown;

/**
 * How a host function runs:
 * - 'plain': answered at once; it must be quick (microseconds), because the guest waits for it and the host
 *   thread is shared (a returned promise becomes a guest promise).
 * - 'blocking': async on the host, synchronous to model code: the sandbox worker waits for the answer, the
 *   host thread stays free. For work on files and indexes (grep, read, symbols). The cell deadline runs.
 * - 'model': async on the host and a promise in model code, so many can be in flight. For calls that wait
 *   on language models: the cell deadline is paused while only such calls are pending, since budgets and the
 *   run timeout govern them.
 */
export type HostFunctionKind = 'plain' | 'blocking' | 'model';

export interface HostFunctionSpec {
  fn: HostFunction;
  kind?: HostFunctionKind;
}

export interface CellResult {
  /** Everything printed (print / console.*), in order, untruncated up to a hard safety cap. */
  output: string;
  /** The value of the cell's last expression statement, rendered for display, if not undefined. */
  value?: string;
  /** Error message (with the guest stack line when useful) if the cell threw, timed out, or ran out of memory. */
  error?: string;
  /** True when the cell ended because it was cancelled. */
  cancelled?: boolean;
  durationMs: number;
  /** True when the cell ended because the deadline passed. */
  timedOut?: boolean;
}
