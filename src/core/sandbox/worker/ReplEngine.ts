// One QuickJS runtime + context running REPL cells: sets up the engine globals, runs each cell to completion
// (driving pending jobs and host promises), enforces the limits, and restores the engine functions afterwards.

import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten-core';
import type { CellResult, SandboxLimits } from '../types';
import type { GuestValue, HostFunctionDescriptor, VariableInfo } from '../protocol';
import { transformCell } from '../replTransform';
import { loadQuickJS, MAX_WASM_BYTES } from './quickjsModule';
import { CellClock } from '../CellClock';
import { truncateOutput } from '../truncate';
import { OutputBuffer } from './OutputBuffer';
import { HostCallBridge, type HostLink } from './HostCallBridge';
import { GuestLibrary } from './GuestLibrary';

export interface EngineSetup {
  limits: SandboxLimits;
  functions: HostFunctionDescriptor[];
  globals: Record<string, unknown>;
  prelude?: string;
}

export interface EngineHost extends HostLink {
  /** Polled from the interrupt handler, so it must be cheap and must not need the event loop. */
  isCancelled(cellId: number): boolean;
  /** Tells the host's watchdog whether the cell's deadline clock is paused (waiting only on model calls). */
  setClockPaused(paused: boolean): void;
}

/** Why a cell was stopped from outside its own code. */
type CellStop = 'cancelled' | 'timeout';

interface ActiveCell {
  id: number;
  clock: CellClock;
  output: OutputBuffer;
  /** This cell's deadline in ms (the sandbox limit unless the run asked for another). */
  timeoutMs: number;
  stop?: CellStop;
}

/** What one cell run produced, and whether the REPL can go on after it. */
export interface CellOutcome {
  result: CellResult;
  /** Set when the cell left the REPL unusable for later cells (e.g. froze the global object): the sandbox must be replaced. */
  fatal?: string;
}

/** An error message longer than this is cut head + tail here; the loop cuts it much shorter for the model. */
const ERROR_SAFETY_CAP_CHARS = 100_000;

/** Room for QuickJS itself, the guest library and the scratch space of cells. */
const ENGINE_OVERHEAD_BYTES = 32 * 1024 * 1024;

/** The prelude runs as cell 0; model cells count from 1. */
const PRELUDE_CELL_ID = 0;

export class ReplEngine {
  private active: ActiveCell | undefined;
  private wakeUp: (() => void) | undefined;
  /** Globals the engine provides (host functions, print, prelude functions): locked, and never the model's names. */
  private readonly engineNames = new Set<string>();
  private library!: GuestLibrary;
  private bridge!: HostCallBridge;
  private disposed = false;

  private constructor(
    private readonly runtime: QuickJSRuntime,
    private readonly ctx: QuickJSContext,
    private readonly setup: EngineSetup,
    private readonly host: EngineHost,
    private readonly wasmBytes: number,
  ) {}

  /** Creates the runtime and context; call initialize() next (messages for it may arrive meanwhile). */
  static async open(setup: EngineSetup, host: EngineHost): Promise<ReplEngine> {
    const wasmBytes = wasmBytesFor(setup);
    const quickjs = await loadQuickJS(wasmBytes);
    const runtime = quickjs.newRuntime();
    const ctx = runtime.newContext();
    return new ReplEngine(runtime, ctx, setup, host, wasmBytes);
  }

  /** Installs globals, host functions and the prelude. On failure the engine is disposed and the error thrown. */
  async initialize(): Promise<void> {
    try {
      await this.install();
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /** Runs one cell. Failures of the model's code come back in the result; only an engine crash (a wasm trap) throws. */
  async run(cellId: number, code: string, timeoutMs = this.setup.limits.cellTimeoutMs): Promise<CellOutcome> {
    const started = performance.now();
    const cell: ActiveCell = { id: cellId, clock: new CellClock(), output: new OutputBuffer(), timeoutMs };
    const finish = (fields: Partial<CellResult>): CellResult => ({
      output: cell.output.text(),
      ...fields,
      ...(fields.error !== undefined ? { error: truncateOutput(fields.error, ERROR_SAFETY_CAP_CHARS) } : {}),
      durationMs: Math.round(performance.now() - started),
    });
    if (this.disposed) return { result: finish({ error: 'the sandbox was disposed; create a new one' }) };
    const transformed = transformCell(code, this.engineNames);
    if (!transformed.ok) return { result: finish({ error: transformed.error }) };

    this.active = cell;
    let outcome: Partial<CellResult>;
    let broken = '';
    try {
      outcome = await this.evaluate(cell, transformed.script, `cell-${cellId}.js`);
      // While the cell is still active: a note about restored engine functions goes into its output.
      if (!this.disposed) broken = this.library.checkGlobals();
    } finally {
      this.active = undefined;
      this.host.setClockPaused(false);
      this.bridge.dropCell(cellId);
    }
    if (!broken) return { result: finish(outcome) };
    const fatal = `${broken}; the REPL was restarted`;
    const error = [outcome.error, `${fatal}: variables from earlier cells are gone. Do not freeze or lock globalThis.`].filter(Boolean).join('\n');
    return { result: finish({ ...outcome, error }), fatal };
  }

  /** Called when something the running cell may wait on happened (a host result, a cancel request). */
  wake(): void {
    this.wakeUp?.();
  }

  settle(callId: number, value: GuestValue | undefined, error: string | undefined): void {
    if (this.disposed) return;
    if (this.bridge?.settle(callId, value, error)) this.wake();
  }

  variables(): VariableInfo[] {
    if (this.disposed) return [];
    const cell: ActiveCell = { id: -1, clock: new CellClock(), output: new OutputBuffer(), timeoutMs: this.setup.limits.cellTimeoutMs };
    this.active = cell; // so a user getter cannot hang the engine: the usual deadline applies
    try {
      const json = this.library.describeVariablesJSON();
      return json ? (JSON.parse(json) as VariableInfo[]) : [];
    } catch {
      return [];
    } finally {
      this.active = undefined;
    }
  }

  /**
   * Frees the runtime. Returns false if QuickJS found objects still referenced (a leaked handle), which
   * makes it abort; the error is swallowed because the worker is terminated right after anyway.
   */
  dispose(): boolean {
    if (this.disposed) return true;
    this.disposed = true;
    this.wake();
    try {
      this.bridge?.dropAll();
      this.library?.dispose();
      this.ctx.dispose();
      this.runtime.dispose();
      return true;
    } catch {
      return false;
    }
  }

  private async install(): Promise<void> {
    const { ctx, runtime, setup } = this;
    runtime.setMaxStackSize(setup.limits.stackBytes);
    runtime.setInterruptHandler(() => this.shouldInterrupt());
    this.library = GuestLibrary.install(ctx, (line) => this.active?.output.appendLine(line));
    this.bridge = new HostCallBridge(
      ctx,
      this.host,
      (value) => this.library.toGuest(value),
      (handle) => this.library.toJSONText(handle),
      () => this.active?.id ?? PRELUDE_CELL_ID,
      () => (this.active?.timeoutMs ?? setup.limits.cellTimeoutMs) - (this.active?.clock.elapsedMs() ?? 0),
    );
    for (const [name, handle] of this.library.globals()) this.defineEngineFunction(name, handle);
    for (const descriptor of setup.functions) this.defineEngineFunction(descriptor.name, this.bridge.newGuestFunction(descriptor));
    for (const [name, value] of Object.entries(setup.globals)) {
      const handle = this.library.toGuest(typeof value === 'string' ? { string: value } : { json: JSON.stringify(value) ?? 'null' });
      ctx.setProp(ctx.global, name, handle);
      handle.dispose();
    }
    // The guest has its copy now; dropping ours (and workerData's, the same object) keeps a 100 MB
    // context from being held twice by this thread.
    setup.globals = {};
    // The real cap is the wasm memory's maximum (see quickjsModule.ts); this one only catches what
    // QuickJS's own accounting sees.
    runtime.setMemoryLimit(this.wasmBytes);
    if (setup.prelude) await this.runPrelude(setup.prelude);
    // Engine functions can be neither reassigned nor redefined by model code, so no cell can take them away.
    this.library.lockGlobals([...this.engineNames]);
    this.library.markBaseline();
  }

  private async runPrelude(prelude: string): Promise<void> {
    const transformed = transformCell(prelude);
    if (!transformed.ok) throw new Error(`the sandbox prelude does not parse: ${transformed.error}`);
    const cell: ActiveCell = { id: PRELUDE_CELL_ID, clock: new CellClock(), output: new OutputBuffer(), timeoutMs: this.setup.limits.cellTimeoutMs };
    this.active = cell;
    let outcome: Partial<CellResult>;
    try {
      outcome = await this.evaluate(cell, transformed.script, 'prelude.js');
    } finally {
      this.active = undefined;
      this.bridge.dropCell(PRELUDE_CELL_ID);
    }
    if (outcome.error) throw new Error(`the sandbox prelude failed: ${outcome.error}`);
    // Functions the prelude defines are engine functions, locked like host functions.
    for (const name of transformed.declaredNames) {
      const handle = this.ctx.getProp(this.ctx.global, name);
      if (this.ctx.typeof(handle) === 'function') this.engineNames.add(name);
      handle.dispose();
    }
  }

  /** Evaluates a transformed cell and drives it until its promise settles or a limit ends it. */
  private async evaluate(cell: ActiveCell, script: string, filename: string): Promise<Partial<CellResult>> {
    const evaluated = this.ctx.evalCode(script, filename);
    if (evaluated.error) {
      if (!cell.stop && this.host.isCancelled(cell.id)) cell.stop = 'cancelled';
      return this.failure(cell, evaluated.error);
    }
    const promise = evaluated.value;
    try {
      for (;;) {
        const jobs = this.runtime.executePendingJobs(-1);
        if (jobs.error) jobs.error.dispose(); // the failing job's own promise carries the error
        // A cancelled host call fails in model code before the interrupt handler sees the cancellation.
        if (!cell.stop && this.host.isCancelled(cell.id)) cell.stop = 'cancelled';
        if (cell.stop) return this.stopped(cell);
        const state = this.ctx.getPromiseState(promise);
        if (state.type === 'fulfilled') {
          if (state.notAPromise) return { value: this.library.renderValue(promise) };
          try {
            return { value: this.library.renderValue(state.value) };
          } finally {
            state.value.dispose();
          }
        }
        if (state.type === 'rejected') return this.failure(cell, state.error);
        const pending = this.bridge.pendingOf(cell.id);
        if (pending.model + pending.plain === 0 && !this.runtime.hasPendingJob()) {
          return {
            error:
              'the cell awaits a promise that can never settle: no host call or job is pending. ' +
              'Await only host functions (llm_query, ...) or promises that something resolves.',
          };
        }
        const remaining = cell.timeoutMs - cell.clock.elapsedMs();
        if (remaining <= 0) {
          cell.stop = 'timeout';
          return this.stopped(cell);
        }
        if (this.host.isCancelled(cell.id)) {
          cell.stop = 'cancelled';
          return this.stopped(cell);
        }
        const onlyModelCalls = pending.plain === 0 && pending.model > 0;
        if (onlyModelCalls) {
          cell.clock.pause();
          this.host.setClockPaused(true);
        }
        await this.waitForWake(onlyModelCalls ? undefined : remaining);
        cell.clock.resume();
        this.host.setClockPaused(false);
        if (this.disposed) return { error: 'the sandbox was disposed while the cell ran' };
        if (this.host.isCancelled(cell.id)) cell.stop = 'cancelled';
      }
    } finally {
      promise.dispose();
    }
  }

  private failure(cell: ActiveCell, errorHandle: QuickJSHandle): Partial<CellResult> {
    try {
      if (cell.stop) return this.stopped(cell);
      const message = this.library.describeError(errorHandle) ?? this.describeErrorOnHost(errorHandle);
      return { error: /out of memory/i.test(message) ? this.outOfMemoryHint(message) : message };
    } finally {
      errorHandle.dispose();
    }
  }

  private stopped(cell: ActiveCell): Partial<CellResult> {
    if (cell.stop === 'cancelled') return { error: 'cancelled', cancelled: true };
    const seconds = cell.timeoutMs / 1000;
    return {
      error:
        `cell exceeded its ${seconds} s deadline (time waiting on model calls does not count); ` +
        'make the code faster, or split the work across cells',
      timedOut: true,
    };
  }

  /** Used when the guest cannot even describe its error (for example when its heap is full). */
  private describeErrorOnHost(errorHandle: QuickJSHandle): string {
    try {
      const dumped = this.ctx.dump(errorHandle) as { name?: string; message?: string } | string;
      if (typeof dumped === 'object' && dumped && typeof dumped.message === 'string') {
        return `${dumped.name ?? 'Error'}: ${dumped.message}`;
      }
      return `Uncaught ${String(dumped)}`;
    } catch {
      return 'the cell failed and its error could not be read (the sandbox heap may be full)';
    }
  }

  private outOfMemoryHint(message: string): string {
    const mb = Math.round(this.setup.limits.memoryBytes / (1024 * 1024));
    return (
      `${message}: the sandbox has a ${mb} MB heap for your variables. ` +
      'Free big variables (x = null), or process the data in slices instead of copying it whole.'
    );
  }

  private shouldInterrupt(): boolean {
    const cell = this.active;
    if (!cell) return false;
    if (cell.stop) return true;
    if (this.host.isCancelled(cell.id)) cell.stop = 'cancelled';
    else if (cell.clock.elapsedMs() > cell.timeoutMs) cell.stop = 'timeout';
    return cell.stop !== undefined;
  }

  private waitForWake(timeoutMs: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.wakeUp = () => {
        if (timer) clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      if (timeoutMs !== undefined) timer = setTimeout(this.wakeUp, Math.ceil(timeoutMs) + 1);
    });
  }

  private defineEngineFunction(name: string, handle: QuickJSHandle): void {
    this.ctx.setProp(this.ctx.global, name, handle);
    handle.dispose();
    this.engineNames.add(name);
  }
}

/**
 * The wasm memory a sandbox gets: the model's heap budget on top of the data given to it (a 100 MB
 * context must not eat the budget), counting the UTF-8 copies made while a string is copied in or out.
 */
export function wasmBytesFor(setup: EngineSetup): number {
  let dataBytes = 0;
  let largestCopyOut = 0;
  for (const value of Object.values(setup.globals)) {
    if (typeof value === 'string') {
      const utf8 = Buffer.byteLength(value, 'utf8');
      const ascii = utf8 === value.length;
      dataBytes += utf8 + (ascii ? value.length : 2 * value.length);
      // Passing the whole string to a host function (llm_query(context)) makes a UTF-8 copy of it.
      largestCopyOut = Math.max(largestCopyOut, ascii ? value.length : 3 * value.length);
    } else {
      dataBytes += 4 * (JSON.stringify(value) ?? '').length;
    }
  }
  dataBytes += largestCopyOut;
  const total = ENGINE_OVERHEAD_BYTES + setup.limits.memoryBytes + dataBytes;
  if (total > MAX_WASM_BYTES) {
    const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));
    throw new Error(
      `the sandbox would need ${mb(total)} MB (${mb(dataBytes)} MB for its globals, ${mb(setup.limits.memoryBytes)} MB of heap), ` +
        `more than the ${mb(MAX_WASM_BYTES)} MB a sandbox can address; pass less data as globals (serve it through host functions) or lower limits.memoryBytes`,
    );
  }
  return total;
}
