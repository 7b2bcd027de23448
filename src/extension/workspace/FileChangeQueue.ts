// The editor's file events for one folder, collected for a moment and handed to the index as one batch: a
// `git checkout` or a formatter run fires thousands of events, and the index should hear each path once.
// Batches are applied one after another, never two at once.

import type { ChangeKind } from '../../core/workspace/WorkspaceIndex';

/** Long enough to gather a burst of events, short enough that the next question sees the edit. */
export const CHANGE_DEBOUNCE_MS = 150;

export type ApplyChanges = (batch: Array<{ path: string; kind: ChangeKind }>) => Promise<unknown>;

export class FileChangeQueue {
  private readonly pending = new Map<string, ChangeKind>();
  private timer: NodeJS.Timeout | undefined;
  private applying: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly apply: ApplyChanges, private readonly onError: (err: unknown) => void, private readonly debounceMs = CHANGE_DEBOUNCE_MS) {}

  /** One event for a workspace-relative path. A later event for the same path replaces an earlier one. */
  add(path: string, kind: ChangeKind): void {
    if (this.disposed) return;
    // Git's own churn (objects, index, refs) never reaches the index; only its exclude file matters.
    if ((path === '.git' || path.startsWith('.git/')) && !path.startsWith('.git/info')) return;
    const earlier = this.pending.get(path);
    // Created then changed is still new; deleted then created is a change of what is there.
    this.pending.set(path, earlier === 'created' && kind === 'changed' ? 'created' : earlier === 'deleted' && kind === 'created' ? 'changed' : kind);
    // A fixed time after the first event: a steady stream of events cannot postpone the update forever.
    this.timer ??= setTimeout(() => void this.flush(), this.debounceMs);
  }

  /** Applies what is pending now; resolves when every batch so far is applied. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size > 0 && !this.disposed) {
      const batch = [...this.pending].map(([path, kind]) => ({ path, kind }));
      this.pending.clear();
      this.applying = this.applying.then(() => this.apply(batch)).then(() => undefined, this.onError);
    }
    return this.applying;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.pending.clear();
  }
}
