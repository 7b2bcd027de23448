// Long loops on the extension host's thread (integration, patches, summaries of hundreds of files) give the
// event loop a turn every few milliseconds, so no other extension waits on us for more than a slice.
// The slice is the thread's, not a loop's: a loop that calls another sliced loop (integrate -> summary) shares
// it, so their work cannot add up to more than one slice between two turns of the event loop.

/** A slice well under the tens of milliseconds the editor tolerates, long enough that yielding costs little. */
export const SLICE_MS = 8;

/** When the current turn's slice began (undefined: no sliced work has run in this turn yet). */
let sliceStart: number | undefined;

/** Call between units of work: yields to the event loop (setImmediate) once this turn's slice is used up. */
export function pauseIfDue(): Promise<void> | undefined {
  const now = performance.now();
  if (sliceStart === undefined) {
    sliceStart = now;
    // Runs at the end of this turn (before the continuation of a yield below): the next turn starts a new slice.
    setImmediate(() => {
      sliceStart = undefined;
    });
    return undefined;
  }
  if (now - sliceStart < SLICE_MS) return undefined;
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Calls `take` on each entry in order, yielding to the event loop whenever this turn's slice is used up (looked at
 * every 1,024 entries); `resumed` runs after each yield (to stop a cancelled call by throwing).
 */
export async function eachInSlices<T>(list: readonly T[], take: (entry: T) => void, resumed?: () => void): Promise<void> {
  for (let i = 0; i < list.length; i++) {
    take(list[i]!);
    if ((i & 1023) !== 1023) continue;
    const pause = pauseIfDue();
    if (pause) {
      await pause;
      resumed?.();
    }
  }
}

/** Yields to the event loop now: between two steps that each take some milliseconds and are never run together. */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
