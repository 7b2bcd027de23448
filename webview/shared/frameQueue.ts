// Incoming work applied once per animation frame: messages arriving between frames are applied together and
// the page draws once. A frame spends at most `budgetMs` applying, so a large backlog (a trace of 40,000
// events, a view that was hidden) is spread over frames instead of freezing one. With `drawEveryMs`, a
// stream that changes the page on every frame is drawn only that often (30 times a second reads as live and
// halves the layout and paint a busy run costs); the last change is always drawn.

const CHECK_EVERY = 32;

export class FrameQueue<T> {
  private items: T[] = [];
  private head = 0;
  private scheduled = false;
  private lastFlush = -Infinity;
  private unflushed = false;

  constructor(
    private readonly apply: (item: T) => void,
    /** Called after a frame's items were applied (at most every `drawEveryMs`): the place to draw. */
    private readonly flush: () => void,
    private readonly budgetMs = 8,
    private readonly drawEveryMs = 0,
  ) {}

  push(items: readonly T[]): void {
    for (const item of items) this.items.push(item);
    this.schedule();
  }

  /** Forgets what is still waiting (the tree was replaced). */
  clear(): void {
    this.items = [];
    this.head = 0;
  }

  get pending(): number {
    return this.items.length - this.head;
  }

  /** Applies everything now (tests, and a page about to be hidden). */
  drainAll(): void {
    while (this.head < this.items.length) this.apply(this.items[this.head++]!);
    this.clear();
    this.draw(performance.now());
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(this.onFrame);
  }

  private onFrame = (): void => {
    this.scheduled = false;
    const deadline = performance.now() + this.budgetMs;
    let n = 0;
    while (this.head < this.items.length) {
      this.apply(this.items[this.head++]!);
      if (++n % CHECK_EVERY === 0 && performance.now() > deadline) break;
    }
    if (this.head >= this.items.length) this.clear();
    else if (this.head > 4_096) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    // A frame is ~16.7 ms: allow a little early so a 33 ms interval means every second frame, not every third.
    const now = performance.now();
    if (now - this.lastFlush >= this.drawEveryMs - 4) this.draw(now);
    else this.unflushed = true;
    if (this.pending > 0 || this.unflushed) this.schedule();
  };

  private draw(now: number): void {
    this.lastFlush = now;
    this.unflushed = false;
    this.flush();
  }
}
