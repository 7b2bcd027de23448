// Runs a workspace's model-driven searches (grep, glob and regex filters, Tree-sitter queries) in worker
// threads, each request under a hard deadline. A JavaScript regex cannot be interrupted on the thread that
// runs it, so the only sure way to stop `(a+)+$` on an unlucky line is to terminate its thread: the host
// thread never runs these, and a stalled worker is replaced on the next request.

import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { launchWorker, workerEntry } from '../../workers/launchWorker';
import type { GrepMatch } from '../types';
import { packRows } from './packedRows';
import type { SyntaxAssets } from '../syntax/SyntaxAssets';
import {
  PROGRESS_SLOTS,
  type FileRow,
  type FromQueryWorker,
  type QueryAnswers,
  type QueryKind,
  type QueryRequest,
  type QueryWorkerData,
  type TableName,
  type TableRef,
  type ToQueryWorker,
} from './protocol';

export const BUNDLED_QUERY_WORKER = 'query-worker.js';

/** A table the workers read (the file list, the symbol names), with a version that changes with its rows. */
export interface TableSource {
  version(): number;
  /** Strings, or files (records with a FileRow's fields; only those reach the worker). */
  rows(): readonly string[] | readonly FileRow[];
  /**
   * The table only grows and its version is its length (the symbol index's strings): a worker that holds an older
   * version gets only the rows added since, never a second copy of the whole table.
   */
  appendOnly?: boolean;
}

export interface QueryControl {
  /** Past this many ms the worker is terminated and the request ends as 'stalled'. */
  deadlineMs: number;
  signal?: AbortSignal;
  /** Matches found so far (grep), as they come. */
  onPartial?(matches: GrepMatch[]): void;
}

export type QueryOutcome<T> =
  | { status: 'done'; answer: T }
  /**
   * The deadline passed; `row` is the table row the worker was on (e.g. the file a regex stalled in), or
   * `queued` when no worker was free in time (other requests held them all).
   */
  | { status: 'stalled'; row?: number; queued?: boolean }
  | { status: 'cancelled' };

export interface QueryWorkersOptions {
  /** Worker threads at most (default 2): parallel child runs may search at once. */
  maxWorkers?: number;
  /** An idle worker is stopped after this long (default 30 s), freeing its tables and trees. */
  idleMs?: number;
  /** Grammars for ast_query; without them astQuery requests fail. */
  assets?: SyntaxAssets;
}

const DEFAULT_MAX_WORKERS = 2;
const DEFAULT_IDLE_MS = 30_000;

interface Slot {
  worker: Worker;
  progress: Int32Array;
  /** Table versions this worker holds. */
  known: Map<TableName, number>;
  busy: boolean;
  idleTimer?: NodeJS.Timeout;
}

/** A request as callers write it: tables by name only (the pool fills in versions and rows). */
type TableRequest<K extends QueryKind> = { [F in keyof Extract<QueryRequest, { kind: K }>]: Extract<QueryRequest, { kind: K }>[F] extends TableRef ? Pick<TableRef, 'name'> : Extract<QueryRequest, { kind: K }>[F] };

export class QueryWorkers {
  private readonly slots: Slot[] = [];
  private readonly tables = new Map<TableName, TableSource>();
  private readonly waiting: Array<() => void> = [];
  private nextId = 1;
  private disposed = false;
  private readonly maxWorkers: number;
  private readonly idleMs: number;

  constructor(private readonly options: QueryWorkersOptions = {}) {
    this.maxWorkers = Math.max(1, options.maxWorkers ?? DEFAULT_MAX_WORKERS);
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** Registers where a table's rows come from; they are sent to a worker only when its version changed. */
  setTable(name: TableName, source: TableSource): void {
    this.tables.set(name, source);
  }

  /**
   * Runs one request. Resolves with the answer, or says it stalled (deadline) or was cancelled; rejects
   * with the worker's message when the request itself is wrong (an invalid regex or query).
   */
  async run<K extends QueryKind>(request: TableRequest<K> & { kind: K }, control: QueryControl): Promise<QueryOutcome<QueryAnswers[K]>> {
    const deadline = Date.now() + Math.max(0, control.deadlineMs);
    const slot = await this.acquire(deadline, control.signal);
    if (slot === 'cancelled') return { status: slot };
    if (slot === 'stalled') return { status: 'stalled', queued: true };
    const id = this.nextId++;
    const message: ToQueryWorker = { id, request: this.withTables(slot, request as unknown as Record<string, unknown>) as unknown as QueryRequest };
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (outcome: QueryOutcome<QueryAnswers[K]> | Error, keepWorker: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        control.signal?.removeEventListener('abort', onAbort);
        slot.worker.off('message', onMessage);
        slot.worker.off('exit', onExit);
        if (keepWorker) this.release(slot);
        else this.replace(slot);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const onMessage = (reply: FromQueryWorker) => {
        if (reply.id !== id) return;
        if (reply.type === 'partial') control.onPartial?.(reply.matches);
        else if (reply.type === 'done') finish({ status: 'done', answer: reply.answer as QueryAnswers[K] }, true);
        else finish(new Error(reply.message), true);
      };
      const onExit = (code: number) => finish(new Error(`the query worker stopped unexpectedly (exit code ${code})`), false);
      const onAbort = () => finish({ status: 'cancelled' }, false);
      const timer = setTimeout(() => {
        const row = Atomics.load(slot.progress, PROGRESS_SLOTS.request) === id ? Atomics.load(slot.progress, PROGRESS_SLOTS.row) : -1;
        finish({ status: 'stalled', row: row >= 0 ? row : undefined }, false);
      }, Math.max(0, deadline - Date.now()));
      control.signal?.addEventListener('abort', onAbort, { once: true });
      slot.worker.on('message', onMessage);
      slot.worker.on('exit', onExit);
      slot.worker.ref(); // a pending request keeps the process alive; idle workers do not
      slot.worker.postMessage(message);
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const slot of this.slots.splice(0)) this.stop(slot);
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Fills in each table reference: its version, and its rows if this worker has not seen that version. */
  private withTables(slot: Slot, request: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...request };
    for (const [key, value] of Object.entries(request)) {
      const name = (value as { name?: unknown } | null)?.name;
      if (key === 'kind' || typeof name !== 'string' || !this.tables.has(name as TableName)) continue;
      const source = this.tables.get(name as TableName)!;
      const version = source.version();
      const ref: TableRef = { name: name as TableName, version };
      const held = slot.known.get(ref.name);
      if (held !== version) {
        const rows = source.rows();
        if (source.appendOnly && held !== undefined && held < version) {
          ref.rows = packRows(rows.slice(held, version));
          ref.appendedTo = held;
        } else {
          ref.rows = packRows(rows);
        }
        slot.known.set(ref.name, version);
      }
      out[key] = ref;
    }
    return out;
  }

  private async acquire(deadline: number, signal: AbortSignal | undefined): Promise<Slot | 'cancelled' | 'stalled'> {
    for (;;) {
      if (this.disposed || signal?.aborted) return 'cancelled';
      // A free worker is taken even at the deadline: 'stalled' here means others held them all (busyMessage).
      const idle = this.slots.find((s) => !s.busy);
      const slot = idle ?? (this.slots.length < this.maxWorkers ? this.spawn() : undefined);
      if (slot) {
        slot.busy = true;
        clearTimeout(slot.idleTimer);
        return slot;
      }
      if (Date.now() >= deadline) return 'stalled';
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', wake);
          const at = this.waiting.indexOf(wake);
          if (at >= 0) this.waiting.splice(at, 1);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
        signal?.addEventListener('abort', wake, { once: true });
        this.waiting.push(wake);
      });
    }
  }

  private spawn(): Slot {
    const progress = new SharedArrayBuffer(4 * Object.keys(PROGRESS_SLOTS).length);
    const workerData: QueryWorkerData = { assets: this.options.assets, progress };
    const worker = launchWorker(workerEntry(BUNDLED_QUERY_WORKER, join(__dirname, 'queryWorker.ts')), { workerData });
    const slot: Slot = { worker, progress: new Int32Array(progress), known: new Map(), busy: false };
    worker.unref();
    worker.on('error', () => undefined); // reported through 'exit' to the request that was running
    worker.on('exit', () => {
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots.splice(at, 1);
      this.wakeOne();
    });
    this.slots.push(slot);
    return slot;
  }

  private release(slot: Slot): void {
    slot.busy = false;
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => {
      if (!slot.busy) this.replace(slot, false);
    }, this.idleMs);
    slot.idleTimer.unref();
    this.wakeOne();
  }

  /** Stops a worker (stalled, cancelled, crashed or idle); a new one starts when a request needs it. */
  private replace(slot: Slot, wake = true): void {
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    this.stop(slot);
    if (wake) this.wakeOne();
  }

  private stop(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    slot.worker.removeAllListeners('message');
    void slot.worker.terminate();
    // A child process outlives the worker thread that started it: end the rg search it was running.
    const pid = Atomics.load(slot.progress, PROGRESS_SLOTS.process);
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  private wakeOne(): void {
    this.waiting.shift()?.();
  }
}
