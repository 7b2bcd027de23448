// Keeps a WorkspaceIndex current from file-system events, batching them (debounce) into applyChangesAsync. It
// needs only what `WatchedIndex` says of the index, so each can be read without the other.
//
// Why not always `fs.watch(root, {recursive: true})`: on Linux, Node 20 implements it in JavaScript by
// walking the whole tree synchronously and opening one inotify watch per file AND folder, ignored ones
// included (node_modules!), which is slow to start and can exhaust the inotify limit on a monorepo. So on
// Linux we watch each indexed folder (non-recursive, one inotify watch per folder, ignored folders never
// watched) and follow folders as they appear; elsewhere (macOS FSEvents, Windows) the native recursive
// watch is cheap and used as is.

import { existsSync, type FSWatcher, watch } from 'node:fs';
import * as path from 'node:path';
import type { ChangeKind, Disposable } from './FileRecords';
import type { PathGuard } from './PathGuard';

/** What the watcher needs of an index: where it is, which folders it holds, and where to send changes. */
export interface WatchedIndex {
  readonly guard: PathGuard;
  readonly root: string;
  /** The indexed folders ('' is the root): the folders watched one by one on Linux. */
  directories(): ReadonlySet<string>;
  applyChangesAsync(batch: ReadonlyArray<{ path: string; kind: ChangeKind }>): Promise<unknown>;
}

export interface WatchOptions {
  /** Events are collected for this long before the index is updated (default 100 ms). */
  debounceMs?: number;
  /** Force one strategy (default: per-folder watches on Linux, recursive elsewhere). */
  recursive?: boolean;
  /** Told about watch failures (for example the inotify limit); the watcher carries on with what it has. */
  onError?: (error: Error) => void;
}

const DEFAULT_DEBOUNCE_MS = 100;
// The folder that holds .git/info/exclude; watched on its own because .git itself is never indexed.
const GIT_INFO = '.git/info';

export class WorkspaceWatcher implements Disposable {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly folderWatchers = new Map<string, FSWatcher>();
  private recursiveWatcher: FSWatcher | undefined;
  private disposed = false;
  private applying: Promise<void> = Promise.resolve();
  private readonly debounceMs: number;

  constructor(private readonly index: WatchedIndex, private readonly options: WatchOptions = {}) {
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    const recursive = options.recursive ?? process.platform !== 'linux';
    if (recursive) {
      this.recursiveWatcher = watch(index.root, { recursive: true }, (_event, filename) => {
        this.enqueue(filename ? String(filename).split(path.sep).join('/') : '');
      });
      this.recursiveWatcher.on('error', (error) => this.report(error));
    } else {
      this.syncFolderWatchers(false);
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.recursiveWatcher?.close();
    for (const watcher of this.folderWatchers.values()) watcher.close();
    this.folderWatchers.clear();
    this.pending.clear();
  }

  private enqueue(relative: string): void {
    if (this.disposed) return;
    // Git's own churn (objects, index, refs) never reaches the index; only its exclude file matters.
    if ((relative === '.git' || relative.startsWith('.git/')) && !relative.startsWith(GIT_INFO)) return;
    this.pending.add(relative);
    // Flush a fixed time after the first event: a steady stream of events cannot postpone updates forever.
    this.timer ??= setTimeout(() => this.flush(), this.debounceMs);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.disposed) return;
    const batch: Array<{ path: string; kind: ChangeKind }> = [];
    for (const relative of this.pending) {
      batch.push({ path: relative, kind: existsSync(this.index.guard.absolute(relative)) ? 'changed' : 'deleted' });
    }
    this.pending.clear();
    // Batches apply one after another, each in slices (a root .gitignore edit re-walks everything).
    this.applying = this.applying.then(async () => {
      if (this.disposed) return;
      try {
        await this.index.applyChangesAsync(batch);
      } catch (error) {
        this.report(error);
      }
      if (!this.recursiveWatcher && !this.disposed) this.syncFolderWatchers(true);
    });
  }

  /** Watches every indexed folder not yet watched and closes watches on folders that left the index. */
  private syncFolderWatchers(catchUp: boolean): void {
    const wanted = new Set(this.index.directories());
    if (existsSync(this.index.guard.absolute(GIT_INFO))) wanted.add(GIT_INFO);
    for (const [folder, watcher] of this.folderWatchers) {
      if (!wanted.has(folder)) {
        watcher.close();
        this.folderWatchers.delete(folder);
      }
    }
    for (const folder of wanted) {
      if (this.folderWatchers.has(folder)) continue;
      try {
        const watcher = watch(this.index.guard.absolute(folder), (_event, filename) => {
          this.enqueue(filename ? (folder === '' ? String(filename) : `${folder}/${filename}`) : folder);
        });
        watcher.on('error', () => {
          // The folder went away; the parent's event removes it from the index and the next sync forgets it.
          watcher.close();
          this.folderWatchers.delete(folder);
        });
        this.folderWatchers.set(folder, watcher);
        // Files created in a new folder before its watch started produced no event: look once more.
        if (catchUp && folder !== GIT_INFO) this.enqueue(folder);
      } catch (error) {
        this.report(error);
      }
    }
  }

  private report(error: unknown): void {
    this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}
