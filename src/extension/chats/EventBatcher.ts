// Engine events arrive one by one, up to thousands a second; the webviews get them in batches, one message
// per interval, so the host posts a few dozen messages a second however busy the run.

/** A batch every 50 ms: the status line and tree look live, and posting stays cheap. */
export const EVENT_BATCH_MS = 50;

export class EventBatcher<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deliver: (items: T[]) => void, private readonly intervalMs = EVENT_BATCH_MS) {}

  push(item: T): void {
    this.pending.push(item);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Delivers what is pending now (at the end of a run, before its end is announced). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.deliver(items);
  }
}
