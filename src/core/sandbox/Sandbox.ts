// The REPL the RLM's model code runs in. QuickJS runs in a worker thread so a busy guest never blocks the
// host (which must stay free to cancel it, stream events and serve host calls); host functions run here.

import type { Worker } from 'node:worker_threads';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
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
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

interface RunningCell {
  cellId: number;
  finish(result: CellResult): void;
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
  /** Host calls of kind 'model' still pending: while any is, the cell deadline is paused (as in the worker). */
  private pendingModelCalls = 0;
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

  /** Runs one REPL cell. Cells run one at a time, in call order; the result never throws. */
  run(code: string, options: { signal?: AbortSignal } = {}): Promise<CellResult> {
    const result = this.queue.then(() => this.runNow(code, options.signal));
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
   * Host-side backstop for the worker's own deadline: counts wall time the guest could be running (no
   * model call pending) and terminates the worker once it is DEADLINE_GRACE_MS past the deadline.
   */
  private watchdog(cellId: number): NodeJS.Timeout {
    let guestMs = 0;
    const timer = setInterval(() => {
      if (this.running?.cellId !== cellId) return clearInterval(timer);
      if (this.pendingModelCalls === 0) guestMs += WATCHDOG_TICK_MS;
      if (guestMs > this.limits.cellTimeoutMs + DEADLINE_GRACE_MS) {
        clearInterval(timer);
        const secs = this.limits.cellTimeoutMs / 1000;
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

  private runNow(code: string, signal: AbortSignal | undefined): Promise<CellResult> {
    if (this.stoppedBecause) return Promise.resolve({ output: '', error: `${this.stoppedBecause}; create a new sandbox`, durationMs: 0 });
    if (signal?.aborted) return Promise.resolve({ output: '', error: 'cancelled', durationMs: 0 });
    const cellId = this.nextCellId++;
    return new Promise<CellResult>((resolve) => {
      let graceTimer: NodeJS.Timeout | undefined;
      const watchdog = this.watchdog(cellId);
      const onAbort = () => {
        Atomics.store(this.control, CONTROL_SLOTS.cancelCell, cellId);
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
          if (!this.stoppedBecause) this.worker.unref();
          resolve(result);
        },
      };
      this.worker.ref();
      this.post({ type: 'run', cellId, code });
    });
  }

  private onMessage(message: WorkerToHost): void {
    if (this.stoppedBecause) return;
    if (message.type === 'call') {
      this.reply(this.callHost(message.callId, message.name, message.args));
    } else if (message.type === 'cellResult' && this.running?.cellId === message.cellId) {
      this.vars = message.variables;
      this.running.finish(message.result);
    }
  }

  /** Runs a host function for the guest; a promise result is answered "pending" now and settled later. */
  private callHost(callId: number, name: string, args: unknown[]): HostCallReply {
    const spec = this.functions[name];
    if (!spec) return { callId, error: `no host function named ${name}` };
    try {
      const result = spec.fn(...args);
      if (isThenable(result)) {
        const model = spec.kind === 'model';
        if (model) this.pendingModelCalls++;
        Promise.resolve(result).finally(() => {
          if (model) this.pendingModelCalls--;
        }).then(
          (value) => this.settle(callId, name, value, undefined),
          (error: unknown) => this.settle(callId, name, undefined, error),
        );
        return { callId, pending: true };
      }
      return { callId, value: toGuestValue(result) };
    } catch (error) {
      return { callId, error: errorMessage(error) };
    }
  }

  private settle(callId: number, name: string, value: unknown, error: unknown): void {
    if (this.stoppedBecause) return; // the sandbox is gone; the result has nowhere to go
    if (error !== undefined) {
      this.post({ type: 'settle', callId, error: errorMessage(error) });
      return;
    }
    try {
      this.post({ type: 'settle', callId, value: toGuestValue(value) });
    } catch (conversionError) {
      this.post({ type: 'settle', callId, error: `${name} returned a value that is not JSON: ${errorMessage(conversionError)}` });
    }
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
    this.running?.finish({ output: '', error: runningCellError, durationMs: 0 });
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
