// One of the first walk's threads: it lists the folder, applies the ignore rules and reads its share of the files
// (walkWorker.ts runs the index's own walk there), and sends what it found in batches that the index on the host
// takes in (WorkspaceIndex.start), never more than a few ahead. On a monorepo that is a hundred thousand opens and
// reads the host thread no longer makes; terminating the thread stops the walk at once.

import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { launchWorker, workerEntry } from '../workers/launchWorker';
import type { WalkRules } from './FolderWalker';
import type { IndexedFile } from './FileRecords';

export const BUNDLED_WALK_WORKER = 'walk-worker.js';

/** What the walk thread is started with: the root (its real path) and the index's rules, resolved on the host (its environment). */
export interface WalkThreadData extends WalkRules {
  root: string;
  /** The InspectionCache file the walk reads and then rewrites; none: every file is opened. */
  inspectionCache?: string;
  /**
   * Several threads split a walk: each reads every folder and admits the files of its share (shareOf); the first
   * one (index 0) also sends the folders.
   */
  share: { index: number; of: number };
  /** One Int32: how many batches the host has taken in (WalkThread.taken); the walk stays at most BATCHES_AHEAD ahead. */
  taken: SharedArrayBuffer;
}

/**
 * How many batches a walk thread may send before the host has taken them in. Node delivers every message waiting
 * on a port in one go, each deserialised on the host thread: a walk that ran far ahead of a busy host (a symbol
 * cache loading, a collection) left it hundreds of batches to take at once, 0.8 s on a monorepo.
 */
export const BATCHES_AHEAD = 4;

/** In the walk thread: waits, while the host is BATCHES_AHEAD batches behind, for it to take one in. */
export function waitForHost(taken: Int32Array, sent: number): void {
  for (let seen = Atomics.load(taken, 0); sent - seen >= BATCHES_AHEAD; seen = Atomics.load(taken, 0)) {
    Atomics.wait(taken, 0, seen, 1_000); // woken by the host's notify; the timeout only re-reads the count
  }
}

/** What one slice of the walk found, in the order it found it. */
export interface WalkBatch {
  /** New records; a plain header's language is the thread's guess (the host decides it: `plainHeaders`). */
  files: IndexedFile[];
  /** Those of `files` that are `.h` files with no C++ construct in their first 64 KB. */
  plainHeaders: string[];
  /** Folders read (not ignored), parents first. */
  dirs: string[];
  /** Those of `dirs` that hold a `.gitignore` or a nested repository, and the root: the host loads their rules. */
  ruleDirs: string[];
  /** File symlinks met and where each leads (undefined: broken or outside); sent with the last batch. */
  links: Array<[string, string | undefined]>;
  foldersLeft: number;
  /** The last batch: the walk is over. */
  done: boolean;
}

export type FromWalkThread = WalkBatch | { error: string };

export class WalkThread {
  private readonly worker: Worker;
  private readonly inbox: FromWalkThread[] = [];
  private wake: (() => void) | undefined;
  private over = false;

  private readonly taken = new Int32Array(new SharedArrayBuffer(4));

  /** Throws when the thread cannot start (a build without walk-worker.js). */
  constructor(data: Omit<WalkThreadData, 'taken'>) {
    this.worker = launchWorker(workerEntry(BUNDLED_WALK_WORKER, join(__dirname, 'walkWorker.ts')), { workerData: { ...data, taken: this.taken.buffer } });
    this.worker.on('message', (message: FromWalkThread) => this.receive(message));
    this.worker.on('error', (error) => this.receive({ error: `the walk failed: ${error.message}` }));
    this.worker.on('exit', (code) => this.receive({ error: `the walk thread ended (exit code ${code}) before the walk was done` }));
  }

  /** The next batch, in order (taking it lets the thread send another); rejects when the walk failed. */
  async next(): Promise<WalkBatch> {
    while (this.inbox.length === 0) await new Promise<void>((resolve) => { this.wake = resolve; });
    const message = this.inbox.shift()!;
    if ('error' in message) throw new Error(message.error);
    Atomics.add(this.taken, 0, 1);
    Atomics.notify(this.taken, 0);
    return message;
  }

  /** Stops the walk (the thread is terminated); nothing more arrives. */
  terminate(): void {
    this.over = true;
    void this.worker.terminate();
  }

  private receive(message: FromWalkThread): void {
    if (this.over) return;
    if ('error' in message || message.done) this.over = true; // the thread's exit after its last batch is no news
    this.inbox.push(message);
    this.wake?.();
    this.wake = undefined;
  }
}
