// The REPL the RLM's model code runs in. QuickJS runs in a worker thread so a busy guest never blocks the
// host (which must stay free to cancel it, stream events and serve host calls); host functions run here.

import type { Worker } from 'node:worker_threads';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { CellClock } from './CellClock';
import { DEFAULT_SANDBOX_LIMITS, type CellResult, type HostFunctionSpec, type SandboxLimits } from './types';
import {
  CONTROL_BYTES,
  CONTROL_SLOTS,
  toGuestValue,
  type HostCallReply,
  type HostToWorker,
  type VariableInfo,
  type WorkerToHost,
} from './protocol';
import { launchSandboxWorker } from './workerLaunch';
import type { SandboxWorkerData } from './worker/sandboxWorker';
import { GUEST_LIBRARY_GLOBALS } from './worker/guestLibrarySource';

export interface SandboxOptions {
  limits?: Partial<SandboxLimits>;
  /** Host capabilities exposed as globals. */
  functions?: Record<string, HostFunctionSpec>;
  /** Plain JSON data set as globals once (e.g. `context`, which may be a 100 MB string). */
  globals?: Record<string, unknown>;
  /** JS evaluated once after functions and globals; the functions it defines are engine functions too. */
  prelude?: string;
}

export type { VariableInfo } from './protocol';

/** How long a cancelled cell may take to stop before its worker is terminated (losing the sandbox state). */
const CANCEL_GRACE_MS = 1500;
/**
 * QuickJS checks its interrupt handler only every ~10k bytecode operations, so a loop around a heavy native
 * call (a big `repeat`, a GC near the heap cap) can run far past its deadline. Past the deadline by this much,
 * the host terminates the worker: the REPL state is lost, but the run is not held hostage.
 */
const DEADLINE_GRACE_MS = 2000;
const WATCHDOG_TICK_MS = 250;
const NEVER_ABORTED = new AbortController().signal;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

interface RunningCell {
  cellId: number;
  finish(result: CellResult): void;
}

/** A host call that has not answered yet; its signal fires when its answer can no longer be used. */
interface PendingHostCall {
  cellId: number;
  controller: AbortController;
}

export class Sandbox {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
  private readonly replyPort: MessagePort;
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private running: RunningCell | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextCellId = 1;
  private vars: VariableInfo[] = [];
  /** Why the sandbox can no longer run cells (disposed, or its worker stopped). */
  private stoppedBecause: string | undefined;
  private failStart: ((error: Error) => void) | undefined;
  private readonly pendingCalls = new Map<number, PendingHostCall>();
  private readonly limits: SandboxLimits;

  private constructor(
    private readonly functions: Record<string, HostFunctionSpec>,
    limits: SandboxLimits,
    globals: Record<string, unknown>,
    prelude: string | undefined,
  ) {
    this.limits = limits;
    const { port1, port2 } = new MessageChannel();
    this.replyPort = port1;
    const workerData: SandboxWorkerData = {
      setup: {
        limits,
        functions: Object.entries(functions).map(([name, spec]) => ({ name, kind: spec.kind ?? 'plain' })),
        globals,
        prelude,
      },
      control: this.control.buffer as SharedArrayBuffer,
      replyPort: port2,
    };
    this.worker = launchSandboxWorker({ workerData, transferList: [port2] });
    this.ready = new Promise<void>((resolve, reject) => {
      this.failStart = reject;
      this.worker.on('message', (message: WorkerToHost) => {
        if (message.type === 'ready') {
          this.vars = message.variables;
          this.failStart = undefined;
          this.worker.unref(); // idle: do not keep the process alive; ref'd again while a cell runs
          resolve();
        } else if (message.type === 'initError') {
          this.stop(`the sandbox could not start: ${message.message}`);
        } else {
          this.onMessage(message);
        }
      });
    });
    this.worker.on('error', (error) => this.stop(`the sandbox worker failed: ${error.message}`));
    this.worker.on('exit', (code) => this.stop(`the sandbox worker exited (code ${code})`));
  }

  static async create(options: SandboxOptions = {}): Promise<Sandbox> {
    const limits = { ...DEFAULT_SANDBOX_LIMITS, ...options.limits };
    const functions = options.functions ?? {};
    const globals = options.globals ?? {};
    validateOptions(limits, functions, globals);
    const sandbox = new Sandbox(functions, limits, globals, options.prelude);
    await sandbox.ready;
    return sandbox;
  }

  /**
   * Runs one REPL cell. Cells run one at a time, in call order; the result never throws. `timeoutMs`
   * overrides the cell deadline of the sandbox's limits for this cell.
   */
  run(code: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CellResult> {
    const timeoutMs = options.timeoutMs ?? this.limits.cellTimeoutMs;
    const result = this.queue.then(() => this.runNow(code, options.signal, timeoutMs));
    this.queue = result;
    return result;
  }

  /** The model's variables (not engine globals) as of the end of the last cell. */
  variables(): VariableInfo[] {
    return this.vars.map((v) => ({ ...v }));
  }

  /** Why the sandbox can no longer run cells, or undefined while it can. A dead sandbox must be replaced. */
  get deadReason(): string | undefined {
    return this.stoppedBecause;
  }

  /**
   * Host-side backstop for the worker's own deadline: counts the wall time the cell's clock runs (the worker
   * publishes when it is paused, waiting only on model calls) and terminates the worker once that is
   * DEADLINE_GRACE_MS past the deadline. Wall time, not ticks: a busy host thread delays ticks, not the count.
   */
  private watchdog(cellId: number, timeoutMs: number): NodeJS.Timeout {
    const clock = new CellClock();
    const timer = setInterval(() => {
      if (this.running?.cellId !== cellId) return clearInterval(timer);
      if (Atomics.load(this.control, CONTROL_SLOTS.clockPaused) === 1) clock.pause();
      else clock.resume();
      if (clock.elapsedMs() > timeoutMs + DEADLINE_GRACE_MS) {
        clearInterval(timer);
        const secs = timeoutMs / 1000;
        this.stop(
          `the cell ran past its ${secs} s deadline without stopping (a long native operation), so the sandbox was terminated`,
          `cell exceeded its ${secs} s deadline and did not stop, so the REPL was terminated; avoid huge single operations (very large strings or arrays) and work in slices`,
        );
      }
    }, WATCHDOG_TICK_MS);
    timer.unref();
    return timer;
  }

  /** Stops the worker. Idempotent; a running cell ends with an error. */
  dispose(): void {
    this.stop('the sandbox was disposed');
  }

  private runNow(code: string, signal: AbortSignal | undefined, timeoutMs: number): Promise<CellResult> {
    if (this.stoppedBecause) return Promise.resolve({ output: '', error: `${this.stoppedBecause}; create a new sandbox`, durationMs: 0 });
    if (signal?.aborted) return Promise.resolve({ output: '', error: 'cancelled', cancelled: true, durationMs: 0 });
    const cellId = this.nextCellId++;
    return new Promise<CellResult>((resolve) => {
      let graceTimer: NodeJS.Timeout | undefined;
      const watchdog = this.watchdog(cellId, timeoutMs);
      const onAbort = () => {
        Atomics.store(this.control, CONTROL_SLOTS.cancelCell, cellId);
        this.abortCalls(cellId, 'the cell was cancelled');
        this.post({ type: 'cancel', cellId });
        graceTimer = setTimeout(() => {
          this.stop('the sandbox did not stop within 1.5 s of cancellation, so its worker was terminated', 'cancelled');
        }, CANCEL_GRACE_MS);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.running = {
        cellId,
        finish: (result) => {
          if (graceTimer) clearTimeout(graceTimer);
          clearInterval(watchdog);
          signal?.removeEventListener('abort', onAbort);
          this.running = undefined;
          // Calls the cell started and never awaited can no longer reach model code: stop their work.
          this.abortCalls(cellId, 'the cell ended before this call finished');
          if (!this.stoppedBecause) this.worker.unref();
          resolve(result);
        },
      };
      this.worker.ref();
      this.post({ type: 'run', cellId, code, timeoutMs });
    });
  }

  private onMessage(message: WorkerToHost): void {
    if (this.stoppedBecause) return;
    if (message.type === 'call') {
      this.callHost(message.callId, message.name, message.args, message.remainingMs);
    } else if (message.type === 'cellResult' && this.running?.cellId === message.cellId) {
      this.vars = message.variables;
      this.running.finish(message.result);
      if (message.fatal) this.stop(message.fatal);
    }
  }

  /**
   * Runs a host function for the guest, whose worker waits for the reply. A synchronous result is the reply;
   * a 'blocking' function's promise is awaited before replying (the worker keeps waiting, this thread does
   * not); any other promise is answered "pending" now and settled later, so many calls run in parallel.
   */
  private callHost(callId: number, name: string, args: unknown[], remainingMs: number): void {
    const spec = this.functions[name];
    if (!spec) return this.reply({ callId, error: `no host function named ${name}` });
    // Plain functions answer at once: they get a signal that never fires (an AbortController per call
    // would triple the cost of the microsecond calls model code makes in loops).
    const controller = spec.kind === 'blocking' || spec.kind === 'model' ? new AbortController() : undefined;
    let result: unknown;
    try {
      result = spec.fn(args, { signal: controller?.signal ?? NEVER_ABORTED, deadlineMs: remainingMs });
    } catch (error) {
      return this.reply({ callId, error: errorMessage(error) });
    }
    if (!isThenable(result)) return this.reply(this.valueReply(callId, name, result));
    const cellId = this.running?.cellId ?? 0;
    this.pendingCalls.set(callId, { cellId, controller: controller ?? new AbortController() });
    const settled = Promise.resolve(result).finally(() => this.pendingCalls.delete(callId));
    if (spec.kind === 'blocking') {
      const timer = setTimeout(() => controller!.abort(new Error('the cell reached its deadline')), remainingMs);
      timer.unref();
      settled.finally(() => clearTimeout(timer)).then(
        (value) => this.answerBlocked(this.valueReply(callId, name, value)),
        (error: unknown) => this.answerBlocked({ callId, error: errorMessage(error) }),
      );
      return;
    }
    this.reply({ callId, pending: true });
    settled.then(
      (value) => this.settle(callId, name, value, undefined),
      (error: unknown) => this.settle(callId, name, undefined, error),
    );
  }

  private valueReply(callId: number, name: string, value: unknown): HostCallReply {
    try {
      return { callId, value: toGuestValue(value) };
    } catch (conversionError) {
      return { callId, error: `${name} returned a value that is not JSON: ${errorMessage(conversionError)}` };
    }
  }

  /** The reply to a blocking call, unless the worker is gone (then nobody waits for it). */
  private answerBlocked(reply: HostCallReply): void {
    if (!this.stoppedBecause) this.reply(reply);
  }

  /** Aborts the pending host calls of one cell (or of every cell). */
  private abortCalls(cellId: number | undefined, reason: string): void {
    for (const call of this.pendingCalls.values()) {
      if (cellId === undefined || call.cellId === cellId) call.controller.abort(new Error(reason));
    }
  }

  private settle(callId: number, name: string, value: unknown, error: unknown): void {
    if (this.stoppedBecause) return; // the sandbox is gone; the result has nowhere to go
    if (error !== undefined) {
      this.post({ type: 'settle', callId, error: errorMessage(error) });
      return;
    }
    const reply = this.valueReply(callId, name, value);
    this.post({ type: 'settle', callId, ...('value' in reply ? { value: reply.value } : { error: (reply as { error: string }).error }) });
  }

  /** The worker is blocked until the reply is on the port and the flag is raised. */
  private reply(reply: HostCallReply): void {
    this.replyPort.postMessage(reply);
    Atomics.store(this.control, CONTROL_SLOTS.replyReady, 1);
    Atomics.notify(this.control, CONTROL_SLOTS.replyReady);
  }

  private post(message: HostToWorker): void {
    if (!this.stoppedBecause) this.worker.postMessage(message);
  }

  /** Marks the sandbox dead, ends a running cell and terminates the worker. Safe to call repeatedly. */
  private stop(reason: string, runningCellError: string = reason): void {
    if (this.stoppedBecause) return;
    this.stoppedBecause = reason;
    this.failStart?.(new Error(reason));
    this.failStart = undefined;
    this.running?.finish({ output: '', error: runningCellError, durationMs: 0, ...(runningCellError === 'cancelled' ? { cancelled: true } : {}) });
    this.abortCalls(undefined, reason);
    this.replyPort.close();
    this.worker.terminate().catch(() => undefined);
  }
}

function validateOptions(limits: SandboxLimits, functions: Record<string, HostFunctionSpec>, globals: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value > 0)) {
      throw new RangeError(`Sandbox limit ${key} must be a positive number, got ${String(value)}`);
    }
  }
  const reserved = new Set<string>(GUEST_LIBRARY_GLOBALS);
  const seen = new Set<string>();
  for (const [kind, names] of [['function', Object.keys(functions)], ['global', Object.keys(globals)]] as const) {
    for (const name of names) {
      if (!IDENTIFIER.test(name)) throw new Error(`Sandbox ${kind} name "${name}" is not a JavaScript identifier; rename it.`);
      if (reserved.has(name)) throw new Error(`Sandbox ${kind} name "${name}" is provided by the sandbox itself; pick another name.`);
      if (seen.has(name)) throw new Error(`Sandbox name "${name}" is given both as a function and as a global; keep one.`);
      seen.add(name);
    }
  }
  for (const [name, spec] of Object.entries(functions)) {
    if (typeof spec?.fn !== 'function') throw new Error(`Sandbox function "${name}" needs an \`fn\`; pass { fn, kind }.`);
  }
  for (const [name, value] of Object.entries(globals)) {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new Error(`Sandbox global "${name}" must be plain JSON data (got a ${typeof value}); expose behaviour as a function instead.`);
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
