// Long loops on the extension host's thread (integration, patches, summaries of hundreds of files) give the
// event loop a turn every few milliseconds, so no other extension waits on us for more than a slice.

/** A slice well under the tens of milliseconds the editor tolerates, long enough that yielding costs little. */
const SLICE_MS = 8;

export class TimeSlicer {
  private since = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  /** Yields to the event loop (setImmediate) when the current slice is used up. */
  async pause(): Promise<void> {
    if (performance.now() - this.since < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.since = performance.now();
  }
}
