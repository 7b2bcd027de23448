// Rendering done a slice at a time, so no task holds the page for long: steps run while the current slice lasts
// (SLICE_MS), the rest in later tasks, and input, layout and paint get through in between. A job may start at
// once, in the task that adds it (a short answer appears in the same frame as the page that draws it), or in a
// task of its own (a long one: the frame that draws the page is not made longer by it). Jobs take turns, one step
// each, so every answer on the page moves on.

/** Work per slice: half a frame, leaving the other half for layout and paint. */
export const SLICE_MS = 8;

/** One unit of a job's work; returns true while the job has more. */
export type Step = () => boolean;

export class SlicedWork {
  private readonly jobs = new Set<Step>();
  private sliceEnd = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly sliceMs = SLICE_MS) {}

  /** Starts a job, at once or (`later`) in a task of its own; returns what cancels it. */
  add(step: Step, later = false): () => void {
    this.jobs.add(step);
    if (later) this.schedule();
    else this.run();
    return () => this.jobs.delete(step);
  }

  /** Jobs not finished yet (tests). */
  get pending(): number {
    return this.jobs.size;
  }

  private run(): void {
    const now = performance.now();
    if (now >= this.sliceEnd) this.sliceEnd = now + this.sliceMs;
    while (this.jobs.size > 0 && performance.now() < this.sliceEnd) {
      for (const step of [...this.jobs]) {
        if (!this.jobs.has(step)) continue;
        let more = false;
        try {
          more = step();
        } finally {
          // A step that threw is not tried again (the error reaches the page's console).
          if (!more) this.jobs.delete(step);
        }
        if (performance.now() >= this.sliceEnd) break;
      }
    }
    if (this.jobs.size > 0) this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, 0);
  }
}
