// The first walk of a folder, in the background, in a thread of its own (WalkThread): the host thread (the
// editor's extension host) never waits on it, and the workspace answers while it runs. An answer that depends on the file list waits for the walk within its own time budget, or says
// how much of the list is known (`walkNote`). A signal or stop() ends the walk at once.
import { nextTurn } from '../edits/TimeSlicer';
import type { CallControl, FileListing } from './types';

/** How far the walk has got: files listed, folders read, folders found but not read yet. */
export interface WalkProgress {
  files: number;
  folders: number;
  foldersLeft: number;
}

export interface WalkHooks {
  /** After each slice: announce what the slice found. */
  slice(): void;
  /** Once every folder is read, before the walk counts as done. */
  finish(): void;
  progress(): WalkProgress;
}

/** The first indexing of a folder was stopped (a signal, or the workspace closed) before it finished. */
export class IndexingStopped extends Error {
  constructor(folder: string) {
    super(`Indexing ${folder} was stopped`);
    this.name = 'IndexingStopped';
  }
}

/**
 * Where the walk's steps come from: a step takes in what the walk thread sent and resolves to false once the
 * walk is over. `end` stops a walk given up early (its thread).
 */
export interface WalkSource {
  step(): Promise<boolean>;
  end(): void;
}

/** Take in batches this long, then announce them and yield to the event loop. */
const SLICE_MS = 8;

export class FirstWalk {
  private state: 'walking' | 'done' | 'stopped' | 'failed' = 'walking';
  /** Resolves when the walk is done; rejects with IndexingStopped, or the walk's own error. */
  readonly finished: Promise<void>;
  private readonly stopped: Promise<void>;
  private wakeStopped!: () => void;

  constructor(private readonly folder: string, source: WalkSource, private readonly hooks: WalkHooks, signal?: AbortSignal) {
    this.stopped = new Promise((resolve) => { this.wakeStopped = resolve; });
    this.finished = this.run(source, signal);
    this.finished.catch(() => undefined); // callers that never wait must not see an unhandled rejection
  }

  get done(): boolean {
    return this.state === 'done';
  }

  get walking(): boolean {
    return this.state === 'walking';
  }

  progress(): WalkProgress {
    return this.hooks.progress();
  }

  /** Ends the walk after the current step; `finished` rejects with IndexingStopped. */
  stop(): void {
    if (this.state !== 'walking') return;
    this.state = 'stopped';
    this.wakeStopped();
  }

  /**
   * Waits for the walk until `until` (epoch ms) or the signal; undefined when the list is whole, else the
   * note for the model. Never rejects: a stopped walk is a partial list too.
   */
  async wait(until: number, signal?: AbortSignal): Promise<string | undefined> {
    if (this.state === 'done') return undefined;
    if (this.state === 'walking' && !signal?.aborted) {
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      await Promise.race([
        this.finished.catch(() => undefined),
        this.stopped,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, until - Date.now()));
          onAbort = resolve;
          signal?.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
    return this.done ? undefined : walkNote(this.progress(), this.walking);
  }

  private async run(source: WalkSource, signal?: AbortSignal): Promise<void> {
    const onAbort = () => this.stop();
    if (signal?.aborted) this.stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // Nothing before the caller had a chance to subscribe to what the slices announce.
      await nextTurn();
      let sliceStart = performance.now();
      for (;;) {
        if (this.state !== 'walking') throw new IndexingStopped(this.folder);
        const step = source.step();
        step.catch(() => undefined); // a step given up by a stop may still fail; the race reports the others
        const more = await Promise.race([step, this.stopped.then(() => true)]); // a stop does not wait for the thread
        if (this.state !== 'walking') throw new IndexingStopped(this.folder);
        if (!more) break;
        if (performance.now() - sliceStart > SLICE_MS) {
          this.hooks.slice();
          await nextTurn();
          sliceStart = performance.now();
        }
      }
      // The walk's end in turns of its own: the last slice's news, then what finishing costs (on a monorepo, tens of
      // milliseconds ordering 96,000 paths), then the answers that waited for the list; in one turn they held the
      // host 250 ms.
      this.hooks.slice();
      await nextTurn();
      if (this.state !== 'walking') throw new IndexingStopped(this.folder);
      this.hooks.finish();
      await nextTurn();
      if (this.state !== 'walking') throw new IndexingStopped(this.folder);
      this.state = 'done';
    } catch (error) {
      if (this.state === 'walking') this.state = 'failed';
      this.wakeStopped();
      source.end();
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * For an answer that depends on the file list: waits for it within the call's budget (`until`, epoch ms) and
 * returns the note to add when it is still partial. A cancelled call fails.
 */
export async function waitForFileList(listing: FileListing, fn: string, until: number, control: CallControl | undefined): Promise<string | undefined> {
  const note = await listing.untilListed(until, control?.signal);
  if (control?.signal?.aborted) throw new Error(`${fn} was cancelled`);
  return note;
}

/** What the model is told about a file list that is still being built (or whose walk was stopped). */
export function walkNote(progress: WalkProgress, stillWalking: boolean): string {
  const known = `${progress.files.toLocaleString('en-US')} files found so far, ${progress.foldersLeft.toLocaleString('en-US')} folders not read yet`;
  return stillWalking
    ? `the workspace's file list is still being built (${known}), so files in the rest of it are missing: call again in a moment`
    : `the workspace's file list is incomplete: indexing was stopped (${known})`;
}
