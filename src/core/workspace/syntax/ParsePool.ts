// Parses queued files off the main thread: a few worker threads fed with batches, or (workers: 0, or when
// workers cannot start) short slices on the calling thread so the event loop stays responsive.
import type { Worker } from 'node:worker_threads';
import { launchWorker } from '../../workers/launchWorker';
import type { FileRow } from '../queries/protocol';
import { NOTHING_PARSED, type ParseOutcome } from './parseFileSymbols';
import type { TextSyntax } from './parseText';
import type { SyntaxAssets } from './SyntaxAssets';
import { FATAL_PREFIX, type TextRequest, type TextResponse, type WorkerRequest, type WorkerResponse } from './workerProtocol';

/** A file to parse (where to read it, what it is), and how urgently. */
export interface ParseJob extends FileRow {
  /** Set once the job was in flight in a worker that died: a second death marks the file as failed. */
  retried?: boolean;
  /**
   * A query waits for this job: it jumps the queue. With `literals`, the worker first checks that the text
   * contains them all and skips the parse when it does not (the file cannot define the name asked for).
   */
  urgent?: { literals?: string[] };
}

export interface ParsePoolOptions {
  assets: SyntaxAssets;
  /** The workspace root (real path) the jobs' paths are relative to. */
  root: string;
  /** Files larger than this are not read. */
  maxBytes: number;
  workers: number;
  /** Asked right before a job is sent: false skips it (already parsed on demand, removed, changed). */
  wanted(job: ParseJob): boolean;
  onResult(job: ParseJob, outcome: ParseOutcome): void;
  /** Called each time the queue drains and nothing is in flight. */
  onIdle(): void;
  /** Parses one job on the calling thread (inline mode). */
  parseInline(job: ParseJob): Promise<ParseOutcome>;
  /** Parses a text on the calling thread (inline mode; see parseText). */
  parseTextInline(language: string, text: string, lines: number[]): Promise<TextSyntax>;
}

// Batches big enough to amortise message passing, small enough that a query's urgent files wait behind little: a
// worker holds at most two background batches, ~64 KB of source each, some 50 ms of parsing.
const BATCH_BYTES = 64 * 1024;
const BATCH_FILES = 64;
const BATCHES_IN_FLIGHT_PER_WORKER = 2;
/** Small batches for urgent jobs: a query waits for the whole batch. */
const URGENT_BATCH_FILES = 8;
const INLINE_SLICE_MS = 15;
const MAX_WORKER_RESTARTS = 3;
/**
 * A tree costs ~20x its source and a wasm heap never shrinks: a 9 MB bundle leaves a worker holding
 * ~300 MB. Files this big are parsed one at a time, each by a worker that is then replaced.
 */
export const BIG_FILE_BYTES = 2 * 1024 * 1024;

interface WorkerSlot {
  worker: Worker;
  inFlight: Map<number, ParseJob[]>;
  /** Set when the worker reports Tree-sitter initialised: a death before that is a start failure, not a bad file. */
  started: boolean;
  /** Parsing a big file: replace the worker once it answers. */
  recycle: boolean;
  /** Text requests in flight (parseText), by id. */
  texts: Map<number, { resolve(syntax: TextSyntax): void; reject(error: Error): void }>;
}

/**
 * Jobs by size, equal sizes in the order given. Through a typed array (size and position in one number): a
 * comparator called from the sort took 0.15 s of the host thread for the 88,000 files of a monorepo.
 */
function bySize(jobs: readonly ParseJob[], order: 'smallest first' | 'largest first'): ParseJob[] {
  const n = jobs.length;
  // Sizes are at most maxFileBytes (far below 2^31) and positions below 2^21: the product stays an exact integer.
  const span = 2 ** 21;
  const sign = order === 'smallest first' ? 1 : -1;
  if (n >= span) return [...jobs].sort((a, b) => sign * (a.bytes - b.bytes));
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = sign * jobs[i]!.bytes * span + i;
  keys.sort();
  const out = new Array<ParseJob>(n);
  for (let i = 0; i < n; i++) out[i] = jobs[((keys[i]! % span) + span) % span]!;
  return out;
}

/** A FIFO with O(1) take. (No spread of the jobs: past about 120,000 arguments V8 overflows its stack.) */
class JobQueue {
  private items: ParseJob[] = [];
  private head = 0;
  get size(): number { return this.items.length - this.head; }
  peek(): ParseJob | undefined { return this.items[this.head]; }
  push(jobs: ParseJob[]): void { for (const job of jobs) this.items.push(job); }
  unshift(jobs: ParseJob[]): void {
    this.items = [...jobs, ...this.items.slice(this.head)];
    this.head = 0;
  }
  take(): ParseJob | undefined {
    const job = this.items[this.head++];
    if (this.head >= this.items.length) { this.items = []; this.head = 0; }
    return job;
  }
  clear(): void { this.items = []; this.head = 0; }
}

export class ParsePool {
  private readonly urgent = new JobQueue();
  private readonly small = new JobQueue();
  private readonly big = new JobQueue();
  private readonly slots: WorkerSlot[] = [];
  private nextBatch = 1;
  private nextText = 1;
  private restarts = 0;
  private inlineScheduled = false;
  private inline: boolean;
  private disposed = false;
  /** Queries waiting on the pool (see hold()): while any does, no background batch is sent. */
  private holds = 0;

  constructor(private readonly options: ParsePoolOptions) {
    this.inline = options.workers <= 0;
    if (!this.inline) for (let i = 0; i < options.workers; i++) this.spawn();
  }

  get idle(): boolean {
    return this.urgent.size === 0 && this.small.size === 0 && this.big.size === 0 && !this.inlineScheduled
      && this.slots.every((s) => s.inFlight.size === 0);
  }

  /**
   * Urgent jobs go first of all. The others go smallest first: the first questions come early, and behind a batch
   * of small files they wait tens of milliseconds, behind the largest files seconds. What that costs at the end is
   * one file under BIG_FILE_BYTES parsed while the other thread has nothing left: well under a second.
   */
  enqueue(jobs: ParseJob[]): void {
    if (this.disposed) return;
    // A query waits for all of its urgent files: largest first, so that no thread is left with a big one at the end.
    // By size, copies of a file (the same package vendored twice) also meet in one batch, parsed once.
    this.urgent.push(bySize(jobs.filter((j) => j.urgent), 'largest first'));
    const sorted = bySize(jobs.filter((j) => !j.urgent), 'smallest first');
    this.big.push(sorted.filter((j) => j.bytes >= BIG_FILE_BYTES));
    this.small.push(sorted.filter((j) => j.bytes < BIG_FILE_BYTES));
    this.pump();
  }

  /**
   * Parses a text that is not a workspace file (the edit layer's before/after texts): definitions, plus the
   * identifiers on `lines`. It goes to the least busy parser thread, behind at most the batches it has in flight.
   */
  parseText(language: string, text: string, lines: number[]): Promise<TextSyntax> {
    if (this.disposed) return Promise.reject(new Error('The parser threads were stopped'));
    const slot = this.slots.filter((s) => !s.recycle).sort((a, b) => (a.inFlight.size + a.texts.size) - (b.inFlight.size + b.texts.size))[0];
    if (this.inline || !slot) return this.options.parseTextInline(language, text, lines);
    const id = this.nextText++;
    return new Promise<TextSyntax>((resolve, reject) => {
      slot.texts.set(id, { resolve, reject });
      slot.worker.ref();
      slot.worker.postMessage({ textRequest: id, language, text, lines } satisfies TextRequest);
    });
  }

  /**
   * A query is waiting (for ripgrep's pre-filter, then for its urgent files): until the returned release is called,
   * the pool sends no background batch, so the query has the cores. Two background batches per worker may still be
   * in flight, at most one of them a file of BIG_FILE_BYTES or more.
   */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.pump();
    };
  }

  dispose(): void {
    for (const s of this.slots) for (const t of s.texts.values()) t.reject(new Error('The parser threads were stopped'));
    this.disposed = true;
    this.urgent.clear();
    this.small.clear();
    this.big.clear();
    for (const s of this.slots) void s.worker.terminate();
    this.slots.length = 0;
  }

  private pump(): void {
    if (this.disposed) return;
    if (this.inline) {
      this.scheduleInline();
    } else {
      const held = this.holds > 0;
      const bigInFlight = this.slots.some((s) => s.recycle);
      const idleSlot = this.slots.find((s) => s.inFlight.size === 0);
      if (!held && !bigInFlight && idleSlot) {
        const job = this.takeWanted(this.big);
        if (job) { idleSlot.recycle = true; this.send(idleSlot, [job]); }
      }
      // Urgent work may exceed the usual batches in flight by one, so it waits behind at most those.
      for (const slot of this.slots) {
        while (!slot.recycle && slot.inFlight.size <= BATCHES_IN_FLIGHT_PER_WORKER && this.urgent.size > 0) {
          const jobs = this.takeBatch(this.urgent, URGENT_BATCH_FILES);
          if (jobs.length === 0) break;
          this.send(slot, jobs);
        }
      }
      for (const slot of held ? [] : this.slots) {
        while (!slot.recycle && slot.inFlight.size < BATCHES_IN_FLIGHT_PER_WORKER) {
          const jobs = this.takeBatch(this.small, BATCH_FILES);
          if (jobs.length === 0) break;
          this.send(slot, jobs);
        }
      }
    }
    if (this.idle) this.options.onIdle();
  }

  private send(slot: WorkerSlot, jobs: ParseJob[]): void {
    const batch = this.nextBatch++;
    slot.inFlight.set(batch, jobs);
    slot.worker.ref(); // keep the process alive while work is pending; unref'd again when idle
    const req: WorkerRequest = {
      batch,
      root: this.options.root,
      maxBytes: this.options.maxBytes,
      files: jobs.map(({ path, target, language, bytes, mtimeMs, urgent }) => ({ path, target, language, bytes, mtimeMs, literals: urgent?.literals })),
    };
    slot.worker.postMessage(req);
  }

  private takeWanted(queue: JobQueue): ParseJob | undefined {
    for (let job = queue.take(); job; job = queue.take()) if (this.options.wanted(job)) return job;
    return undefined;
  }

  /**
   * Files of equal size are kept in one batch (up to twice the usual count): the queue is sorted by size,
   * so copies of a file (vendored packages, `.d.ts` beside an identical `.d.mts`) sit next to each other,
   * and a worker parses a text only once per batch (see syntaxWorker.ts).
   */
  private takeBatch(queue: JobQueue, maxFiles: number): ParseJob[] {
    const jobs: ParseJob[] = [];
    let bytes = 0;
    while ((jobs.length < maxFiles && bytes < BATCH_BYTES)
      || (jobs.length < 2 * maxFiles && queue.peek()?.bytes === jobs[jobs.length - 1].bytes)) {
      const job = this.takeWanted(queue);
      if (!job) break;
      jobs.push(job);
      bytes += job.bytes;
    }
    return jobs;
  }

  private spawn(): void {
    const worker = startWorker(this.options.assets);
    const slot: WorkerSlot = { worker, inFlight: new Map(), started: false, recycle: false, texts: new Map() };
    this.slots.push(slot);
    worker.unref();
    worker.on('message', (res: WorkerResponse | TextResponse) => ('textRequest' in res ? this.onText(slot, res) : this.onResponse(slot, res)));
    worker.on('error', (err) => this.onWorkerDeath(slot, err.message));
    worker.on('exit', (code) => { if (!this.disposed && code !== 0) this.onWorkerDeath(slot, `exit code ${code}`); });
  }

  private onText(slot: WorkerSlot, res: TextResponse): void {
    const waiter = slot.texts.get(res.textRequest);
    slot.texts.delete(res.textRequest);
    if (slot.inFlight.size === 0 && slot.texts.size === 0) slot.worker.unref();
    if (!waiter) return;
    if (res.syntax) waiter.resolve(res.syntax);
    else waiter.reject(new Error(res.error ?? 'the parser thread gave no answer'));
  }

  private onResponse(slot: WorkerSlot, res: WorkerResponse): void {
    if (res.started) {
      slot.started = true;
      return;
    }
    const jobs = slot.inFlight.get(res.batch);
    slot.inFlight.delete(res.batch);
    if (slot.inFlight.size === 0 && slot.texts.size === 0) slot.worker.unref();
    if (res.fatal) {
      this.onWorkerDeath(slot, res.fatal, jobs);
      return;
    }
    if (jobs) {
      const byPath = new Map(jobs.map((j) => [j.path, j]));
      for (const r of res.results) {
        const job = byPath.get(r.path);
        // `skipped` must reach the index: dropping it would record the file as parsed, with no definitions.
        if (job) this.options.onResult(job, { symbols: r.symbols, error: r.error, ...(r.skipped ? { skipped: true } : {}) });
      }
    }
    if (slot.recycle && slot.inFlight.size === 0) this.replace(slot);
    this.pump();
  }

  private replace(slot: WorkerSlot): void {
    this.slots.splice(this.slots.indexOf(slot), 1);
    slot.worker.removeAllListeners('exit');
    void slot.worker.terminate();
    this.spawn();
  }

  /**
   * A dead worker's batches go back to the queue once (a file that kills a worker twice is reported as
   * failed); past a few restarts, or when Tree-sitter cannot start in a worker, the pool parses inline.
   */
  private onWorkerDeath(slot: WorkerSlot, reason: string, extraJobs?: ParseJob[]): void {
    if (this.disposed || !this.slots.includes(slot)) return;
    this.slots.splice(this.slots.indexOf(slot), 1);
    void slot.worker.terminate();
    for (const t of slot.texts.values()) t.reject(new Error(`The parser thread died (${reason})`));
    slot.texts.clear();
    const orphans = [...(extraJobs ?? []), ...[...slot.inFlight.values()].flat()];
    const startFailure = !slot.started || reason.startsWith(FATAL_PREFIX);
    if (!startFailure && this.restarts < MAX_WORKER_RESTARTS) {
      this.restarts++;
      this.spawn();
    } else if (this.slots.length === 0) {
      this.inline = true;
    }
    const retry: ParseJob[] = [];
    for (const job of orphans) {
      if (startFailure) retry.push(job); // not the file's fault
      else if (job.retried) this.options.onResult(job, { symbols: NOTHING_PARSED, error: `parser worker died (${reason})` });
      else retry.push({ ...job, retried: true });
    }
    this.urgent.unshift(retry.filter((j) => j.urgent));
    this.big.unshift(retry.filter((j) => !j.urgent && j.bytes >= BIG_FILE_BYTES));
    this.small.unshift(retry.filter((j) => !j.urgent && j.bytes < BIG_FILE_BYTES));
    this.pump();
  }

  private scheduleInline(): void {
    const background = this.holds === 0 && (this.small.size > 0 || this.big.size > 0);
    if (this.inlineScheduled || (this.urgent.size === 0 && !background)) return;
    this.inlineScheduled = true;
    setImmediate(() => void this.parseInlineSlice());
  }

  private async parseInlineSlice(): Promise<void> {
    try {
      const until = performance.now() + INLINE_SLICE_MS;
      while (performance.now() < until && !this.disposed) {
        const job = this.takeWanted(this.urgent) ?? (this.holds > 0 ? undefined : this.takeWanted(this.big) ?? this.takeWanted(this.small));
        if (!job) break;
        let outcome: ParseOutcome;
        try {
          outcome = await this.options.parseInline(job);
        } catch (err) {
          outcome = { symbols: NOTHING_PARSED, error: (err as Error).message };
        }
        this.options.onResult(job, outcome);
      }
    } finally {
      this.inlineScheduled = false;
      if (!this.disposed) this.pump();
    }
  }
}

function startWorker(assets: SyntaxAssets): Worker {
  return launchWorker(assets.workerEntry, { workerData: { assets } });
}
